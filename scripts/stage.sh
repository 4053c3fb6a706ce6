#!/usr/bin/env bash
# Stage one period's data file in the local stack's artifacts bucket (on moto) and print the
# bucket's name; applies terraform/envs/local first when the bucket is not there (about 2
# minutes; log in the moto directory). Used by `make score` and `make score-pod`.
#
#   scripts/stage.sh PERIOD
#
# Environment: PYTHON (the project's virtualenv), MOTO_ENDPOINT and MOTO_DIR, the emulator's
# fake credentials (make exports them), MAKE.
set -euo pipefail
period="${1:-}"
cd "$(dirname "$0")/.."
python="${PYTHON:-.venv/bin/python}"
endpoint="${MOTO_ENDPOINT:?Set MOTO_ENDPOINT (make moto-start prints it).}"

if [ -z "$period" ]; then
  echo "Set PERIOD=YYYY-MM (a file in data/), e.g. make score PERIOD=2011-12." >&2
  exit 1
fi
if ! "$python" -m scoring.stage_local exists --endpoint-url "$endpoint"; then
  echo "No local stack yet: applying terraform/envs/local on moto (about 2 minutes)." >&2
  log="${MOTO_DIR:?Set MOTO_DIR}/tf-apply-for-score.log"
  "${MAKE:-make}" tf-apply ENV=local >"$log" 2>&1 ||
    { echo "make tf-apply ENV=local failed: see $log" >&2; exit 1; }
fi
"$python" -m scoring.stage_local stage --period "$period" --endpoint-url "$endpoint"
