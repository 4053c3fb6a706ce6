"""Sign the pushed image (by digest) and write the policy that verifies it (`make sign`).

    python -m scripts.sign gpg REF SCRATCH OUT_DIR [KEY_NAME]
    python -m scripts.sign cosign REF

gpg (here): Debian's podman/skopeo have sigstore compiled out and cosign is not installable,
so this is containers' "simple signing": a throwaway GPG key in SCRATCH/gnupg-KEY_NAME
signs the manifest the registry serves; the signature goes to a lookaside store
(SCRATCH/sigstore) that SCRATCH/registries.d points at; SCRATCH/policy.json accepts this
registry's images only when signed by that key (everything else is rejected).
cosign (GitHub): keyless through the job's OIDC token; the cluster policy verifies it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from scripts.push import loopback

USAGE = "Usage: python -m scripts.sign gpg REF SCRATCH OUT_DIR [KEY_NAME] | cosign REF"


def gpg(home: Path, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["gpg", "--batch", *args], env={**os.environ, "GNUPGHOME": str(home)}, **kwargs
    )


def signing_key(home: Path, key_name: str) -> str:
    """The fingerprint of the throwaway key in home, made on first use; its public key exported."""
    home.mkdir(parents=True, exist_ok=True)
    home.chmod(0o700)
    listed = gpg(home, "--list-secret-keys", capture_output=True, text=True)
    if "sec" not in listed.stdout:
        gpg(
            home, "--quiet", "--passphrase", "", "--quick-gen-key",
            f"bikeshare throwaway {key_name} <{key_name}@bikeshare.invalid>",
            "ed25519", "sign", "never",
            capture_output=True, check=True,
        )  # fmt: skip
    colons = gpg(
        home, "--with-colons", "--list-secret-keys", capture_output=True, text=True, check=True
    )
    fingerprint = next(
        line.split(":")[9] for line in colons.stdout.splitlines() if line.startswith("fpr:")
    )
    with (home / "public.gpg").open("wb") as out:
        gpg(home, "--export", fingerprint, stdout=out, check=True)
    return fingerprint


def sign_gpg(ref: str, scratch: Path, out: Path, key_name: str) -> int:
    scratch.mkdir(parents=True, exist_ok=True)
    scratch = scratch.resolve()
    (out / "release").mkdir(parents=True, exist_ok=True)
    registry, repo_digest = ref.split("/", 1)  # bikeshare@sha256:…
    digest = ref.split("@", 1)[1]
    home = scratch / f"gnupg-{key_name}"
    fingerprint = signing_key(home, key_name)

    # Sign exactly what the registry serves for this digest.
    manifest = scratch / "manifest.json"
    served = subprocess.run(
        ["skopeo", "inspect", "--raw", f"--tls-verify={'false' if loopback(registry) else 'true'}",
         f"docker://{ref}"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    manifest.write_bytes(served)
    if f"sha256:{hashlib.sha256(served).hexdigest()}" != digest:
        print(f"The registry served a manifest that does not match {digest}.", file=sys.stderr)
        return 1
    signatures = scratch / "sigstore" / repo_digest.replace("@sha256:", "@sha256=")
    signatures.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["skopeo", "standalone-sign", "--output", signatures / "signature-1", manifest, ref,
         fingerprint],
        env={**os.environ, "GNUPGHOME": str(home)}, check=True,
    )  # fmt: skip

    # Where readers find signatures, and what they accept.
    (scratch / "registries.d").mkdir(exist_ok=True)
    (scratch / "registries.d" / "bikeshare.yaml").write_text(
        f"docker:\n  {registry}:\n    lookaside: file://{scratch / 'sigstore'}\n"
    )
    signer = {
        "type": "signedBy",
        "keyType": "GPGKeys",
        "keyPath": str(scratch / "gnupg-signer" / "public.gpg"),
    }
    policy = {"default": [{"type": "reject"}], "transports": {"docker": {registry: [signer]}}}
    (scratch / "policy.json").write_text(json.dumps(policy, indent=2) + "\n")
    shutil.copy(signatures / "signature-1", out / "release" / "image.signature")
    shutil.copy(home / "public.gpg", out / "release" / f"signer-{key_name}.gpg")
    print(f"Signed {ref} with {key_name} key {fingerprint}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) == 2 and args[0] == "cosign":
        if shutil.which("cosign") is None:
            print("cosign not found (sigstore/cosign-installer).", file=sys.stderr)
            return 1
        return subprocess.run(["cosign", "sign", "--yes", args[1]]).returncode
    if len(args) in (4, 5) and args[0] == "gpg":
        return sign_gpg(
            args[1], Path(args[2]), Path(args[3]), args[4] if len(args) == 5 else "signer"
        )
    print(USAGE, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
