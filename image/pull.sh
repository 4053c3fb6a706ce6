#!/usr/bin/env bash
# Pull an image by digest into podman's storage only if the signature policy accepts it.
# Usage: pull.sh REF POLICY REGISTRIES_D
# Exit 0: accepted and pulled. Non-zero with skopeo's reason: refused (unsigned, signed by a
# key the policy does not trust, or signed for another repository).
set -euo pipefail

ref=$1 policy=$2 registries_d=$3
case ${ref%%/*} in 127.0.0.1:* | localhost:*) tls=false ;; *) tls=true ;; esac
skopeo copy --quiet --policy "$policy" --registries.d "$registries_d" --src-tls-verify="$tls" \
  "docker://$ref" "containers-storage:$ref"
