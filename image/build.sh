#!/usr/bin/env bash
# Containerize the current bento (build/bento-tag.txt) on the recorded base image.
# Usage: build.sh BENTO_TAG BASE_RECORD IMAGE_RECORD
# Env: BENTOML (the bentoml CLI), UV (the project's pinned uv binary), IMAGE_MAX_MB.
# - `--from` pins the build to the base's recorded image ID, whatever the tag points to now.
# - uv and the host's CA bundle are bind-mounted for the build only: neither ships.
# - The result is recorded in IMAGE_RECORD; the build is skipped when the same bento on the
#   same base is already there.
# - `--squash` folds the new layers into one, so the tests/ directories removed after the
#   install (bento/image.py) really leave the image.
set -euo pipefail

bento_tag=$1 base_record=$2 image_record=$3
bentoml=${BENTOML:-bentoml}
uv=${UV:?set UV to the pinned uv binary (make venv installs it)}
max_mb=${IMAGE_MAX_MB:-700}

# shellcheck disable=SC1090
source "$base_record"
version=${bento_tag#*:}
name="localhost/bikeshare:$version"

# The bento's Dockerfile must come from bento/image.py (IMAGE), not from BentoML's defaults.
bento_path=$("$bentoml" get "$bento_tag" -o path)
if ! grep -q "^FROM $BASE_IMAGE_NAME " "$bento_path/env/docker/Dockerfile"; then
  echo "Bento $bento_tag is not built on $BASE_IMAGE_NAME: bento/service.py must pass" \
    "image=IMAGE (from bento.image) to @bentoml.service, with no python: or docker: section" \
    "in bento/bentofile.yaml (bento/requirements.txt is the lock)." >&2
  exit 1
fi

# Same bento on the same base, image still there: nothing to do (IMAGE_REBUILD=1 forces).
if [ -z "${IMAGE_REBUILD:-}" ] && [ -f "$image_record" ] &&
  grep -qx "BENTO_TAG=$bento_tag" "$image_record" &&
  grep -qx "BASE_IMAGE_ID=$BASE_IMAGE_ID" "$image_record" &&
  podman image exists "$(sed -n 's/^IMAGE_ID=//p' "$image_record")"; then
  size=$(sed -n 's/^IMAGE_SIZE_BYTES=//p' "$image_record")
  echo "Image cached: $name, $((size / 1000000)) MB uncompressed"
  exit 0
fi

# Build-only tools, bind-mounted over the base's empty /usr/local/bin (BentoML passes one
# --volume through intact): the pinned uv, wrapped to trust the CA bundle this machine's
# Python trusts (PyPI may sit behind an intercepting proxy), and uv's download cache, kept
# between builds. None of it ships in the image.
tools=${BUILD_TOOLS_DIR:-$(dirname "$image_record")/build-tools}
mkdir -p "$tools/uv-cache"
rm -f "$tools/uv" "$tools/uv.bin" "$tools/ca-certificates.crt" "$tools/slim.py"
cp "$(realpath "$uv")" "$tools/uv.bin"
cp "$(dirname "$0")/slim.py" "$tools/slim.py" # run by bento/image.py's slimming step
cert=""
ca=${PIP_CERT:-${SSL_CERT_FILE:-$(python3 -c 'import ssl; print(ssl.get_default_verify_paths().cafile or "")')}}
if [ -n "$ca" ] && [ -f "$ca" ]; then
  cp "$ca" "$tools/ca-certificates.crt"
  cert="SSL_CERT_FILE=/usr/local/bin/ca-certificates.crt "
fi
# The cache stays outside the image (uv's default, under the build user's home, would add
# ~500 MB).
printf '#!/bin/sh\n%sUV_CACHE_DIR=/usr/local/bin/uv-cache UV_LINK_MODE=copy exec /usr/local/bin/uv.bin "$@"\n' "${cert:-}" >"$tools/uv"
chmod 755 "$tools/uv"
mounts=(--opt "volume=$(cd "$tools" && pwd):/usr/local/bin")

revision=$(git rev-parse HEAD 2>/dev/null || echo unknown)
log="$(dirname "$image_record")/containerize.log"
start=$SECONDS
echo "Containerizing $bento_tag on $BASE_IMAGE_NAME (full log: $log)"
# The full log goes to the file; each build step (and the squash/commit) is printed as one
# line with the time since the start, so a build that takes minutes is never silent.
set +e
"$bentoml" containerize "$bento_tag" --backend podman --image-tag "$name" \
  --opt "from=$BASE_IMAGE_ID" --opt squash "${mounts[@]}" \
  --opt "label=org.opencontainers.image.base.name=$BASE_IMAGE_NAME" \
  --opt "label=org.opencontainers.image.base.digest=$BASE_IMAGE_DIGEST" \
  --opt "label=org.opencontainers.image.version=$version" \
  --opt "label=org.opencontainers.image.revision=$revision" \
  --opt "label=org.opencontainers.image.title=bikeshare" 2>&1 |
  tee "$log" | while IFS= read -r line; do
  line=${line#INFO: } # BentoML prefixes podman's lines
  case $line in
  STEP\ * | COMMIT* | "Successfully tagged"*) printf '  [%4d s] %s\n' $((SECONDS - start)) "${line:0:110}" ;;
  esac
done
status=${PIPESTATUS[0]}
set -e
if [ "$status" != 0 ]; then
  tail -n 30 "$log" >&2
  exit 1
fi

id=$(podman image inspect --format '{{.Id}}' "$name")
size=$(podman image inspect --format '{{.Size}}' "$name")
cat >"$image_record" <<EOF
IMAGE_NAME=$name
IMAGE_ID=$id
IMAGE_SIZE_BYTES=$size
BENTO_TAG=$bento_tag
BASE_IMAGE_ID=$BASE_IMAGE_ID
EOF
mb=$((size / 1000000))
echo "Image $name built in $((SECONDS - start)) s: $mb MB uncompressed (budget $max_mb MB), ID ${id:0:12}"
if [ "$mb" -gt "$max_mb" ]; then
  echo "Image is over the $max_mb MB budget: see image/README.md (what goes in and why)." >&2
  exit 1
fi
