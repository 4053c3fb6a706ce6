#!/usr/bin/env bash
# Sign the pushed image (by digest) and write the policy that verifies it.
# Usage: sign.sh gpg REF SCRATCH OUT_DIR [KEY_NAME]   |   sign.sh cosign REF
#
# gpg (here): Debian's podman/skopeo have sigstore compiled out and cosign is not installable,
# so this is containers' "simple signing": a throwaway GPG key in SCRATCH/gnupg-KEY_NAME
# signs the manifest the registry serves; the signature goes to a lookaside store
# (SCRATCH/sigstore) that SCRATCH/registries.d points at; SCRATCH/policy.json accepts this
# registry's images only when signed by that key (everything else is rejected).
# cosign (GitHub): keyless through the job's OIDC token; the cluster policy verifies it.
set -euo pipefail

mode=$1 ref=$2
if [ "$mode" = cosign ]; then
  command -v cosign >/dev/null || { echo "cosign not found (sigstore/cosign-installer)." >&2; exit 1; }
  cosign sign --yes "$ref"
  exit 0
fi
[ "$mode" = gpg ] || { echo "usage: sign.sh gpg|cosign REF ..." >&2; exit 2; }

scratch=$3 out=$4 key_name=${5:-signer}
mkdir -p "$scratch" "$out/release"
scratch=$(cd "$scratch" && pwd)
registry=${ref%%/*}
repo_digest=${ref#*/}           # bikeshare@sha256:…
digest=${ref#*@}

export GNUPGHOME="$scratch/gnupg-$key_name"
mkdir -p "$GNUPGHOME" && chmod 700 "$GNUPGHOME"
if ! gpg --batch --list-secret-keys 2>/dev/null | grep -q sec; then
  gpg --batch --quiet --passphrase '' --quick-gen-key \
    "bikeshare throwaway $key_name <$key_name@bikeshare.invalid>" ed25519 sign never 2>/dev/null
fi
fpr=$(gpg --batch --with-colons --list-secret-keys | awk -F: '/^fpr:/ {print $10; exit}')
gpg --batch --export "$fpr" >"$GNUPGHOME/public.gpg"

# Sign exactly what the registry serves for this digest.
manifest="$scratch/manifest.json"
case $registry in 127.0.0.1:* | localhost:*) tls=false ;; *) tls=true ;; esac
skopeo inspect --raw --tls-verify="$tls" "docker://$ref" >"$manifest"
[ "sha256:$(sha256sum "$manifest" | cut -d' ' -f1)" = "$digest" ] ||
  { echo "The registry served a manifest that does not match $digest." >&2; exit 1; }
sigdir="$scratch/sigstore/${repo_digest/@sha256:/@sha256=}"
mkdir -p "$sigdir"
skopeo standalone-sign --output "$sigdir/signature-1" "$manifest" "$ref" "$fpr"

# Where readers find signatures, and what they accept.
mkdir -p "$scratch/registries.d"
cat >"$scratch/registries.d/bikeshare.yaml" <<EOF
docker:
  $registry:
    lookaside: file://$scratch/sigstore
EOF
signer_key="$scratch/gnupg-signer/public.gpg"
cat >"$scratch/policy.json" <<EOF
{
  "default": [{"type": "reject"}],
  "transports": {
    "docker": {
      "$registry": [{"type": "signedBy", "keyType": "GPGKeys", "keyPath": "$signer_key"}]
    }
  }
}
EOF
cp "$sigdir/signature-1" "$out/release/image.signature"
cp "$GNUPGHOME/public.gpg" "$out/release/signer-$key_name.gpg"
echo "Signed $ref with $key_name key $fpr"
