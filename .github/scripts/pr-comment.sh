#!/usr/bin/env bash
# Usage: pr-comment.sh PR MARKER FILE
# One sticky comment per MARKER: edit the bot's earlier comment that starts with the marker,
# or create it. Needs GH_TOKEN with pull-requests: write and GITHUB_REPOSITORY (owner/name).
set -euo pipefail
pr=$1 marker=$2 file=$3
: "${GITHUB_REPOSITORY:?set GITHUB_REPOSITORY=owner/name}"
[ -n "$pr" ] || { echo "pr-comment.sh: no pull request number given (PR=...)." >&2; exit 1; }
[ -s "$file" ] || { echo "pr-comment.sh: $file is missing or empty; nothing to post." >&2; exit 1; }

body=$(mktemp)
trap 'rm -f "$body"' EXIT
# GitHub refuses comments over 65,536 characters: keep the head, say it was cut.
{ printf '%s\n' "$marker"; head -c 60000 "$file"; } >"$body"
if [ "$(wc -c <"$file")" -gt 60000 ]; then
  printf '\n\n_(cut at 60,000 characters: the full text is in the run artifacts)_\n' >>"$body"
fi

id=$(gh api --paginate "repos/$GITHUB_REPOSITORY/issues/$pr/comments" \
  --jq ".[] | select(.body | startswith(\"$marker\")) | .id" | tail -n 1)
if [ -n "$id" ]; then
  gh api --silent -X PATCH "repos/$GITHUB_REPOSITORY/issues/comments/$id" -F "body=@$body"
  echo "updated comment $id on #$pr"
else
  gh pr comment "$pr" --repo "$GITHUB_REPOSITORY" --body-file "$body"
fi
