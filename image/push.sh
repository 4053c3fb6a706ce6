#!/usr/bin/env bash
# Push the built image and record its manifest digest, checked against the registry itself.
# Usage: push.sh LOCAL_IMAGE REGISTRY REPO TAG OUT_DIR
# Writes OUT_DIR/image-digest.txt (sha256:…) and OUT_DIR/image-ref.txt (REGISTRY/REPO@sha256:…),
# copied to OUT_DIR/release/ for the release artifact.
set -euo pipefail

local_image=$1 registry=$2 repo=$3 tag=$4 out=$5
mkdir -p "$out/release"

# Only the loopback stand-in speaks plain HTTP; every other registry must verify TLS.
case $registry in
127.0.0.1:* | localhost:*) tls=false scheme=http ;;
*) tls=true scheme=https ;;
esac

start=$SECONDS
echo "Pushing $local_image to $registry/$repo:$tag ..."
# --remove-signatures: a pushed image pulled back through the policy (make up) carries its
# signature in local storage, and podman refuses to re-push it otherwise; make sign signs again.
podman push --quiet --remove-signatures --tls-verify="$tls" --digestfile "$out/image-digest.txt" \
  "$local_image" "docker://$registry/$repo:$tag"
pushed=$(tr -d '[:space:]' <"$out/image-digest.txt")

# The digest the registry serves for the tag: its API's Docker-Content-Digest header on the
# loopback registry; skopeo (with the login's credentials) elsewhere.
if [ "$scheme" = http ]; then
  accept="application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json"
  served=$(curl -fsSI -H "Accept: $accept" "$scheme://$registry/v2/$repo/manifests/$tag" |
    tr -d '\r' | sed -n 's/^[Dd]ocker-[Cc]ontent-[Dd]igest: *//p')
else
  served=$(skopeo inspect --format '{{.Digest}}' "docker://$registry/$repo:$tag")
fi
if [ "$pushed" != "$served" ]; then
  echo "Digest mismatch: pushed $pushed but $registry serves ${served:-nothing} for $repo:$tag." >&2
  exit 1
fi

echo "$pushed" >"$out/image-digest.txt"
echo "$registry/$repo@$pushed" >"$out/image-ref.txt"
cp "$out/image-digest.txt" "$out/image-ref.txt" "$out/release/"
echo "Pushed $registry/$repo:$tag in $((SECONDS - start)) s; registry serves the same digest:"
echo "  $(cat "$out/image-ref.txt")"
