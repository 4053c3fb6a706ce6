#!/usr/bin/env bash
# `make image-lock`: re-lock bento/requirements.txt (every runtime package pinned at the version
# the virtualenv has), for the image's Python and platform.
# Usage: scripts/image-lock.sh VENV_BIN SCRATCH_DIR   (VENV_BIN has python and uv)
set -euo pipefail
bin=${1:?Usage: scripts/image-lock.sh VENV_BIN SCRATCH_DIR}
scratch=${2:?Usage: scripts/image-lock.sh VENV_BIN SCRATCH_DIR}
cd "$(dirname "$0")/.."

mkdir -p "$scratch"
"$bin/python" -m pip freeze --exclude-editable >"$scratch/venv-freeze.txt"
lock=(--quiet --python-version 3.11 --python-platform x86_64-unknown-linux-gnu --no-annotate
  --custom-compile-command 'make image-lock')
"$bin/uv" pip compile pyproject.toml -c "$scratch/venv-freeze.txt" "${lock[@]}" \
  -o bento/requirements.txt
