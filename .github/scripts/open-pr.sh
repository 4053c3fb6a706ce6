#!/usr/bin/env bash
# Turn local work into a pull request against BASE; the workflows' one way to propose a change.
#   BRANCH  branch to propose (default: the current one, which must not be BASE)
#   PATHS   files to commit first when they changed (space-separated; optional)
#   TITLE   commit subject and PR title (default: the last commit's subject)
#   BODY    file with the PR description (default: the commit message)
#   BASE    target branch (default: main)
# Nothing to propose (no commit ahead of origin/BASE) is not an error: it says so and exits 0.
set -euo pipefail
base=${BASE:-main}
current=$(git rev-parse --abbrev-ref HEAD)
branch=${BRANCH:-$current}
if [ "$branch" = "$base" ] || [ "$branch" = HEAD ]; then
  echo "open-pr: set BRANCH=<name>: refusing to push to $base." >&2
  exit 1
fi
[ "$current" = "$branch" ] || git switch --quiet -c "$branch"

if [ -n "${PATHS:-}" ]; then
  read -r -a paths <<<"$PATHS"
  git add -- "${paths[@]}"
  if ! git diff --cached --quiet -- "${paths[@]}"; then
    git commit --quiet -m "${TITLE:?set TITLE for the commit}" -- "${paths[@]}"
  fi
fi

git rev-parse --verify --quiet "origin/$base" >/dev/null || {
  echo "open-pr: no origin/$base to compare with: fetch it first." >&2
  exit 1
}
ahead=$(git rev-list --count "origin/$base..HEAD")
if [ "$ahead" = 0 ]; then
  echo "open-pr: nothing to propose: $branch has no commit ahead of origin/$base."
  exit 0
fi

# No git push: the commits are made again through GitHub's API with GH_TOKEN (the App's
# installation token), which GitHub signs, so "require signed commits" holds (bot_commit/).
PYTHONPATH="$(cd "$(dirname "$0")/../.." && pwd)" "${PYTHON:-python3}" -m bot_commit push \
  --branch "$branch" --base "origin/$base"
title=${TITLE:-$(git log -1 --format=%s)}
if [ -n "${BODY:-}" ]; then
  gh pr create --base "$base" --head "$branch" --title "$title" --body-file "$BODY"
else
  gh pr create --base "$base" --head "$branch" --fill
fi
