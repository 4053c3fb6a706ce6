#!/usr/bin/env bash
# A real OCI registry on loopback (Debian's docker-registry), standing in for ECR locally.
# Usage: registry.sh start PORT DIR | registry.sh stop DIR
# Storage, config, log and pid live in DIR; only 127.0.0.1 is bound.
set -euo pipefail

cmd=$1
case $cmd in
start)
  port=$2 dir=$3
  mkdir -p "$dir/storage"
  dir=$(cd "$dir" && pwd)
  if [ -f "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
    echo "Registry already running on 127.0.0.1:$(cat "$dir/port") (pid $(cat "$dir/pid"))"
    exit 0
  fi
  command -v docker-registry >/dev/null ||
    { echo "docker-registry not found: run \`make image-tools\` (Debian package docker-registry)." >&2; exit 1; }
  cat >"$dir/config.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $dir/storage
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
YAML
  docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 &
  echo $! >"$dir/pid"
  echo "$port" >"$dir/port"
  for _ in $(seq 50); do
    if curl -fsS "http://127.0.0.1:$port/v2/" >/dev/null 2>&1; then
      echo "Registry on 127.0.0.1:$port (storage $dir/storage)"
      exit 0
    fi
    kill -0 "$(cat "$dir/pid")" 2>/dev/null || break
    sleep 0.2
  done
  echo "Registry did not start on 127.0.0.1:$port; its log:" >&2
  tail -n 20 "$dir/registry.log" >&2
  exit 1
  ;;
stop)
  dir=$2
  if [ -f "$dir/pid" ]; then
    pid=$(cat "$dir/pid")
    if kill "$pid" 2>/dev/null; then echo "Registry stopped (pid $pid)"; fi
    rm -f "$dir/pid"
  fi
  ;;
*)
  echo "usage: registry.sh start PORT DIR | stop DIR" >&2
  exit 2
  ;;
esac
