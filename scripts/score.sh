#!/usr/bin/env bash
# `make score`: score one period with the champion, reading and writing the local stack's
# artifacts bucket on moto (scripts/stage.sh puts the period's data there first).
#
#   scripts/score.sh PERIOD MAX_REJECT_RATE
#
# Environment: as scripts/stage.sh.
set -euo pipefail
period="${1:-}"
max_reject_rate="${2:?Usage: scripts/score.sh PERIOD MAX_REJECT_RATE}"
cd "$(dirname "$0")/.."
python="${PYTHON:-.venv/bin/python}"
bucket=$(scripts/stage.sh "$period")
"$python" -m scoring score --period "$period" --bucket "$bucket" \
  --endpoint-url "$MOTO_ENDPOINT" --max-reject-rate "$max_reject_rate"
