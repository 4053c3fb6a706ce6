#!/usr/bin/env bash
# `make wf-targets`: fail if a workflow calls a make target that does not exist.
#
#   scripts/wf-targets.sh WORKFLOW.yml...
#
# MAKE: the make to ask for its targets (default: make, in the repository root).
set -euo pipefail
[ $# -gt 0 ] || { echo "Usage: scripts/wf-targets.sh WORKFLOW.yml..." >&2; exit 2; }

# `run: make x`, `- make x`, `run: >- make x`, `sudo env VAR=... make x`.
called=$(grep -hE '^ *(- )?(run: )?(>- *)?(sudo env [^m]*)?make [a-z]' "$@" |
  grep -oE '\bmake [a-z][a-z0-9_.-]*' | awk '{print $2}' | sort -u)
# Every target make knows (its database, nothing run).
known=$({ "${MAKE:-make}" -pRrq : 2>/dev/null || true; } |
  awk -F: '/^[a-zA-Z0-9][a-zA-Z0-9_.-]*:/ {print $1}' | sort -u)
missing=$(comm -23 <(echo "$called") <(echo "$known"))
if [ -n "$missing" ]; then
  echo "Workflows call make targets that do not exist: ${missing//$'\n'/ }" >&2
  exit 1
fi
echo "All $(echo "$called" | wc -l) make targets called by the workflows exist."
