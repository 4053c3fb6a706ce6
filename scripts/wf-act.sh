#!/usr/bin/env bash
# `make wf-act`: run one job of a workflow on this host with act (no container, offline;
# actions come from the working tree, the cache is thrown away afterwards).
#
#   scripts/wf-act.sh ACT WORKFLOW.yml JOB [EVENT.json]   (the pull_request event's payload)
set -euo pipefail
usage="Usage: scripts/wf-act.sh ACT WORKFLOW.yml JOB [EVENT.json]"
act="${1:?$usage}" workflow="${2:?$usage}" job="${3:?$usage}" event="${4:-}"
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT
"$act" pull_request -W "$workflow" -j "$job" ${event:+-e "$event"} \
  -P ubuntu-latest=-self-hosted --no-cache-server --action-offline-mode \
  --action-cache-path "$cache"
