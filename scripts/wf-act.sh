#!/usr/bin/env bash
# `make wf-act`: run one job of a workflow on this host with act (no container, offline;
# actions come from the working tree, the cache is thrown away afterwards).
#
#   scripts/wf-act.sh ACT WORKFLOW.yml JOB
set -euo pipefail
usage="Usage: scripts/wf-act.sh ACT WORKFLOW.yml JOB"
act="${1:?$usage}" workflow="${2:?$usage}" job="${3:?$usage}"
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT
"$act" pull_request -W "$workflow" -j "$job" \
  -P ubuntu-latest=-self-hosted --no-cache-server --action-offline-mode \
  --action-cache-path "$cache"
