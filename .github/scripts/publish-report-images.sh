#!/usr/bin/env bash
# Usage: publish-report-images.sh DIR KEY
# Make the report's plots viewable where reviewers read it (a PR body, a PR comment): GitHub
# shows no relative image there. Commits DIR/*.png under KEY/ on the branch report-assets
# (created on first use, nothing else on it), pushes, and prints the base URL GitHub serves
# them from, pinned to that commit: https://github.com/OWNER/REPO/raw/<commit>/KEY
# Needs GITHUB_REPOSITORY and GH_TOKEN (contents: write). REPORT_ASSETS_REMOTE replaces the
# remote (the tests push to a bare repository).
set -euo pipefail
dir=$1 key=$2
branch=${REPORT_ASSETS_BRANCH:-report-assets}
: "${GITHUB_REPOSITORY:?set GITHUB_REPOSITORY=owner/name}"
shopt -s nullglob
pngs=("$dir"/*.png)
[ "${#pngs[@]}" -gt 0 ] || { echo "publish-report-images.sh: no PNG in $dir." >&2; exit 1; }
case $key in /* | *..* | "") echo "publish-report-images.sh: bad KEY '$key'." >&2; exit 1 ;; esac

remote=${REPORT_ASSETS_REMOTE:-}
if [ -z "$remote" ]; then
  : "${GH_TOKEN:?set GH_TOKEN (contents: write) to push the report images}"
  remote="https://github.com/$GITHUB_REPOSITORY.git"
  # The token reaches git through its environment, never on a command line or in .git/config.
  export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0="http.https://github.com/.extraheader"
  GIT_CONFIG_VALUE_0="AUTHORIZATION: basic $(printf 'x-access-token:%s' "$GH_TOKEN" | base64 -w0)"
  export GIT_CONFIG_VALUE_0
fi
export GIT_AUTHOR_NAME=${GIT_AUTHOR_NAME:-github-actions[bot]}
export GIT_AUTHOR_EMAIL=${GIT_AUTHOR_EMAIL:-41898282+github-actions[bot]@users.noreply.github.com}
export GIT_COMMITTER_NAME=${GIT_COMMITTER_NAME:-$GIT_AUTHOR_NAME}
export GIT_COMMITTER_EMAIL=${GIT_COMMITTER_EMAIL:-$GIT_AUTHOR_EMAIL}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git -C "$work" init -q
# Another run may push in between: start again from the branch's new head, three times.
for attempt in 1 2 3; do
  if git -C "$work" fetch -q --depth 1 "$remote" "refs/heads/$branch" 2>/dev/null; then
    git -C "$work" checkout -q -B "$branch" FETCH_HEAD
  else
    git -C "$work" checkout -q --orphan "first-$attempt"
  fi
  mkdir -p "$work/$key"
  cp "${pngs[@]}" "$work/$key/"
  git -C "$work" add -- "$key"
  git -C "$work" commit -q -m "report images: $key"
  if git -C "$work" push -q "$remote" "HEAD:refs/heads/$branch" 2>/dev/null; then
    echo "https://github.com/$GITHUB_REPOSITORY/raw/$(git -C "$work" rev-parse HEAD)/$key"
    exit 0
  fi
  echo "push to $branch refused (attempt $attempt), retrying from its new head" >&2
  git -C "$work" reset -q --hard
done
echo "publish-report-images.sh: could not push to $branch." >&2
exit 1
