#!/usr/bin/env bash
# The image's entrypoint (bento/image.py puts it where BentoML's generated Dockerfile points).
# Two ways to start the same image:
# - the Deployment: no argument -> `bentoml serve` on the service's port, 3000;
# - SageMaker: `docker run IMAGE serve` -> the same server on port 8080, or on
#   SAGEMAKER_BIND_TO_PORT when SageMaker sets it (multi-container endpoints);
#   GET /ping and POST /invocations are answered by bento/sagemaker.py.
# Everything else is BentoML's own entrypoint, unchanged (bentoml-entrypoint.sh).
set -euo pipefail

if [ "${1:-}" = serve ]; then
  port=${SAGEMAKER_BIND_TO_PORT:-8080}
  if ! [[ $port =~ ^[0-9]+$ ]] || [ "$port" -lt 1 ] || [ "$port" -gt 65535 ]; then
    echo "SAGEMAKER_BIND_TO_PORT must be a port number (1-65535), got '$port'." >&2
    exit 64
  fi
  export BENTOML_PORT=$port
fi
exec bash "$(dirname "$0")/bentoml-entrypoint.sh" "$@"
