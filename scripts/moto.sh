#!/usr/bin/env bash
# The moto AWS emulator for ENV=local (`make moto-start`, `make moto-stop`): one HTTPS server
# per checkout on loopback, kept between make calls so that `make tf-apply ENV=local` can be
# followed by `make tf-plan ENV=local`. Buckets deny requests without TLS, hence the
# throw-away certificate.
#
#   scripts/moto.sh start PORT DIR [STALE...]   idempotent: a running server is left alone
#   scripts/moto.sh stop DIR [STALE...]         the emulated stack is gone with the server
#
# DIR keeps the certificate, key, pid and log. STALE paths (Terraform state of the emulated
# stack) are removed when a new server starts and when it stops: they describe a dead one.
# PYTHON: an interpreter with moto[server] (default: the project's .venv).
set -euo pipefail
usage="Usage: scripts/moto.sh start PORT DIR [STALE...] | stop DIR [STALE...]"
repo="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-$repo/.venv/bin/python}"
launcher="$repo/terraform/scripts"

start() {
  local port="${1:?$usage}" dir="${2:?$usage}"
  shift 2
  local endpoint="https://127.0.0.1:$port"
  mkdir -p "$dir"
  if [ -f "$dir/moto.pid" ] && kill -0 "$(cat "$dir/moto.pid")" 2>/dev/null; then exit 0; fi
  rm -rf "$@"
  "$python" "$launcher/moto_tls.py" "$dir" >/dev/null
  MOTO_IAM_LOAD_MANAGED_POLICIES=true nohup "$python" "$launcher/moto_server.py" \
    -H 127.0.0.1 -p "$port" -s -c "$dir/cert.pem" -k "$dir/key.pem" >"$dir/moto.log" 2>&1 &
  echo $! >"$dir/moto.pid"
  for _ in $(seq 1 150); do
    if "$python" -c "import ssl, sys, urllib.request; urllib.request.urlopen(sys.argv[1] + '/moto-api/',
        timeout=1, context=ssl.create_default_context(cafile=sys.argv[2]))" \
        "$endpoint" "$dir/cert.pem" 2>/dev/null; then
      echo "moto listening on $endpoint (state of the local stack starts empty)"
      exit 0
    fi
    sleep 0.2
  done
  echo "moto did not start on port $port; see $dir/moto.log" >&2
  exit 1
}

stop() {
  local dir="${1:?$usage}"
  shift
  [ -f "$dir/moto.pid" ] || exit 0
  kill "$(cat "$dir/moto.pid")" 2>/dev/null || true
  rm -f "$dir/moto.pid"
  rm -rf "$@"
  echo "moto stopped"
}

case "${1:-}" in
  start | stop) "$@" ;;
  *) echo "$usage" >&2; exit 2 ;;
esac
