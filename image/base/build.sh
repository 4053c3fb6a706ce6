#!/usr/bin/env bash
# Build the service's base image from Debian packages: debootstrap (minbase) + python3 +
# ca-certificates, then `podman import`. No image registry is needed, and every package comes
# from Debian's signed archive. uv is not in it: `make image` bind-mounts the project's pinned
# uv into the build, so the build tool (38 MB) never ships in the service image.
# Usage: build.sh NAME SCRATCH_DIR RECORD_FILE
# Writes RECORD_FILE (KEY=VALUE lines: image ID and digest, versions) and skips the build when
# the recorded image still exists and this script and its pins are unchanged.
set -euo pipefail

name=$1 scratch=$2 record=$3
here=$(cd "$(dirname "$0")" && pwd)
suite=${DEBIAN_SUITE:-bookworm}
# debootstrap and the root-owned tree need root (CI runners: passwordless sudo).
sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo

# The cache key covers everything that shapes the image.
key=$(cat "$here/build.sh" <(echo "$suite") | sha256sum | cut -c1-16)
mkdir -p "$scratch" "$(dirname "$record")"
if [ -f "$scratch/base-image.key" ] && [ "$(cat "$scratch/base-image.key")" = "$key" ] &&
  [ -f "$record" ] && id=$(sed -n 's/^BASE_IMAGE_ID=//p' "$record") &&
  podman image exists "$id"; then
  podman tag "$id" "$name" # another checkout may have moved the tag; builds use the ID anyway
  echo "Base image cached: $name ($id)"
  exit 0
fi

# The Debian mirror this machine's apt already uses; deb.debian.org elsewhere (e.g. Ubuntu CI).
mirror=${DEBIAN_MIRROR:-$(grep -rhoE 'https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list \
  /etc/apt/sources.list.d/ 2>/dev/null | head -n1 | tr -d ' ' || true)}
mirror=${mirror:-http://deb.debian.org/debian}

root="$scratch/rootfs"
$sudo rm -rf "$root"
start=$SECONDS
# One line per stage with the time since the start: the build is quiet for minutes otherwise.
stage() { printf '  [%4d s] %s\n' $((SECONDS - start)) "$*"; }
stage "debootstrap $suite (minbase + python3, ca-certificates) from $mirror ..."
mkdir -p "$scratch/debs"
$sudo debootstrap --variant=minbase --include=python3,ca-certificates \
  --cache-dir="$(cd "$scratch/debs" && pwd)" "$suite" "$root" "$mirror" \
  >"$scratch/debootstrap.log" 2>&1 || { tail -n 20 "$scratch/debootstrap.log" >&2; exit 1; }
stage "debootstrap done: $(grep -c '^I: Validating ' "$scratch/debootstrap.log" || true) packages; trimming docs and caches ..."

# Smaller image: no docs (copyright files stay), manuals, locales, apt lists or logs.
$sudo find "$root/usr/share/doc" -type f ! -name copyright -delete
$sudo rm -rf "$root"/usr/share/{man,info,locale,lintian} "$root"/var/lib/apt/lists/* \
  "$root"/var/cache/apt/* "$root"/var/cache/debconf/*-old "$root"/var/log/*

py_version=$($sudo chroot "$root" python3 -c 'import platform; print(platform.python_version())')
stage "podman import ..."

$sudo tar --numeric-owner -C "$root" -cf - . |
  podman import --quiet --change 'CMD ["/bin/bash"]' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' - "$name" >/dev/null
$sudo rm -rf "$root"
id=$(podman image inspect --format '{{.Id}}' "$name")
digest=$(podman image inspect --format '{{.Digest}}' "$name")

cat >"$record" <<EOF
BASE_IMAGE_NAME=$name
BASE_IMAGE_ID=$id
BASE_IMAGE_DIGEST=$digest
DEBIAN_SUITE=$suite
DEBIAN_MIRROR=$mirror
PYTHON_VERSION=$py_version
EOF
echo "$key" >"$scratch/base-image.key"
echo "Base image built in $((SECONDS - start)) s: $name ($id)"
