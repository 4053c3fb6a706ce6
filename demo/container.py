"""The demo's release path when container tools are present: the real image, by digest."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from demo.serving import free_port

TOOLS = ("podman", "skopeo", "docker-registry", "debootstrap")


def missing_tools() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


def make(*targets: str, **variables: str) -> None:
    command = [
        os.environ.get("MAKE", "make"),
        *targets,
        *(f"{k}={v}" for k, v in variables.items()),
    ]
    subprocess.run(command, check=True)


@contextmanager
def served_image(bento_tag: str) -> Iterator[tuple[str, float, str]]:
    """Containerize the bento, push it to the loopback registry, sign it, pull it back by
    digest through the signature policy and run it as the Deployment does.
    Yields (base URL, seconds from start to ready, image reference with digest)."""
    Path("build").mkdir(exist_ok=True)
    Path("build/bento-tag.txt").write_text(bento_tag + "\n")
    make("image", "push", "sign")
    image_ref = Path("build/image-ref.txt").read_text().strip()
    port = free_port()
    started = time.monotonic()
    try:
        make("image-run", IMAGE_RUN_PORT=str(port))
        yield f"http://127.0.0.1:{port}", time.monotonic() - started, image_ref
    finally:
        make("image-stop")
        make("registry-stop")
