"""Push the built image and record its manifest digest, checked against the registry itself
(`make push`).

    python -m scripts.push LOCAL_IMAGE REGISTRY REPO TAG OUT_DIR

Writes OUT_DIR/image-digest.txt (sha256:…) and OUT_DIR/image-ref.txt (REGISTRY/REPO@sha256:…),
copied to OUT_DIR/release/ for the release artifact.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

MANIFESTS = ", ".join(
    [
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    ]
)


def loopback(registry: str) -> bool:
    """Only the loopback stand-in speaks plain HTTP; every other registry must verify TLS."""
    return registry.split(":", 1)[0] in {"127.0.0.1", "localhost"}


def served_digest(registry: str, repo: str, tag: str) -> str:
    """The digest the registry serves for the tag: its API's Docker-Content-Digest on the
    loopback registry; skopeo (with the login's credentials) elsewhere."""
    if loopback(registry):
        request = urllib.request.Request(
            f"http://{registry}/v2/{repo}/manifests/{tag}", method="HEAD",
            headers={"Accept": MANIFESTS},
        )  # fmt: skip
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 (loopback)
            return answer.headers.get("Docker-Content-Digest", "")
    return subprocess.run(
        ["skopeo", "inspect", "--format", "{{.Digest}}", f"docker://{registry}/{repo}:{tag}"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip


def push(local_image: str, registry: str, repo: str, tag: str, out: Path) -> int:
    (out / "release").mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    print(f"Pushing {local_image} to {registry}/{repo}:{tag} ...", flush=True)
    digest_file = out / "image-digest.txt"
    # --remove-signatures: a pushed image pulled back through the policy (make up) carries its
    # signature in local storage, and podman refuses to re-push it otherwise; make sign signs
    # again.
    subprocess.run(
        ["podman", "push", "--quiet", "--remove-signatures",
         f"--tls-verify={'false' if loopback(registry) else 'true'}",
         "--digestfile", digest_file, local_image, f"docker://{registry}/{repo}:{tag}"],
        check=True,
    )  # fmt: skip
    pushed = digest_file.read_text().strip()
    served = served_digest(registry, repo, tag)
    if pushed != served:
        what = served or "nothing"
        print(
            f"Digest mismatch: pushed {pushed} but {registry} serves {what} for {repo}:{tag}.",
            file=sys.stderr,
        )
        return 1
    ref = f"{registry}/{repo}@{pushed}"
    digest_file.write_text(pushed + "\n")
    (out / "image-ref.txt").write_text(ref + "\n")
    for name in ("image-digest.txt", "image-ref.txt"):
        shutil.copy(out / name, out / "release" / name)
    took = time.monotonic() - start
    print(f"Pushed {registry}/{repo}:{tag} in {took:.0f} s; registry serves the same digest:")
    print(f"  {ref}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 5:
        print(
            "Usage: python -m scripts.push LOCAL_IMAGE REGISTRY REPO TAG OUT_DIR", file=sys.stderr
        )
        return 2
    return push(*args[:4], Path(args[4]))


if __name__ == "__main__":
    sys.exit(main())
