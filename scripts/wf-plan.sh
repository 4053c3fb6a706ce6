#!/usr/bin/env bash
# `make wf-plan`: `make tf-plan ENV=<env>`, shown as it runs and kept in build/plan-<env>.md
# for the PR comment (wf-plan-comment).
#
#   scripts/wf-plan.sh ENV
#
# MAKE: the make to run (default: make).
set -euo pipefail
env="${1:-}"
[ -n "$env" ] || { echo "Set ENV=staging|prod." >&2; exit 1; }
cd "$(dirname "$0")/.."
mkdir -p build
{
  echo "### terraform plan: $env"
  echo '```'
  TF_CLI_ARGS_plan=-no-color "${MAKE:-make}" -s tf-plan ENV="$env" 2>&1 | tee /dev/stderr
  echo '```'
} >"build/plan-$env.md"
