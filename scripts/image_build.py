"""Containerize a bento on the recorded base image (`make image`).

    python -m scripts.image_build BENTO_TAG BASE_RECORD IMAGE_RECORD

Env: BENTOML (the bentoml CLI), UV (the project's pinned uv binary), IMAGE_MAX_MB,
BUILD_TOOLS_DIR (the build-only tools mounted into the build; its uv-cache/ is kept between
builds), IMAGE_REBUILD (set: build even when the record says the image is there).
- `--from` pins the build to the base's recorded image ID, whatever the tag points to now.
- uv and the host's CA bundle are bind-mounted for the build only: neither ships.
- The result is recorded in IMAGE_RECORD; the build is skipped when the same bento on the
  same base is already there.
- `--squash-all --layers` folds the image into one layer, so what image/slim.py removes after
  the install really leaves the image, and keeps the build's intermediate layers as a cache:
  a new bento on the same base and lock rebuilds only its own files (7 s instead of 40 s).
  Plain `--squash` would throw that cache away on every build (podman issue #14712).
"""

from __future__ import annotations

import os
import shutil
import ssl
import subprocess
import sys
import time
from pathlib import Path

from scripts.base_image import read_record, write_record

REPO = Path(__file__).resolve().parents[1]
# Lines of the build worth showing as it goes (BentoML prefixes podman's with "INFO: ").
PROGRESS = ("STEP ", "COMMIT", "Successfully tagged")


class Refusal(Exception):
    """One sentence on stderr, exit 1."""


def podman_inspect(image: str, field: str) -> str:
    return subprocess.run(
        ["podman", "image", "inspect", "--format", f"{{{{.{field}}}}}", image],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip


def check_dockerfile(bentoml: str, bento_tag: str, base_name: str) -> None:
    """The bento's Dockerfile must come from bento/image.py (IMAGE), not BentoML's defaults."""
    path = subprocess.run(
        [bentoml, "get", bento_tag, "-o", "path"], capture_output=True, text=True, check=True
    ).stdout.strip()
    dockerfile = Path(path) / "env" / "docker" / "Dockerfile"
    if not any(
        line.startswith(f"FROM {base_name} ") for line in dockerfile.read_text().splitlines()
    ):
        raise Refusal(
            f"Bento {bento_tag} is not built on {base_name}: bento/service.py must pass"
            " image=IMAGE (from bento.image) to @bentoml.service, with no python: or docker:"
            " section in bento/bentofile.yaml (bento/requirements.txt is the lock)."
        )


def up_to_date(record: Path, bento_tag: str, base_id: str) -> bool:
    if os.environ.get("IMAGE_REBUILD") or not record.is_file():
        return False
    values = read_record(record)
    return (
        values.get("BENTO_TAG") == bento_tag
        and values.get("BASE_IMAGE_ID") == base_id
        and subprocess.run(["podman", "image", "exists", values.get("IMAGE_ID", "-")]).returncode
        == 0
    )


def host_ca_bundle() -> Path | None:
    """The CA bundle this machine's Python trusts (PyPI may sit behind an intercepting proxy)."""
    found = os.environ.get("PIP_CERT") or os.environ.get("SSL_CERT_FILE")
    found = found or ssl.get_default_verify_paths().cafile
    return Path(found) if found and Path(found).is_file() else None


def replace_file(target: Path, write) -> None:
    """Write target whole or not at all (another checkout may build with the same tools)."""
    partial = target.with_name(f".{target.name}.{os.getpid()}")
    write(partial)
    partial.replace(target)


def build_tools(tools: Path, uv: Path) -> Path:
    """Build-only tools, bind-mounted over the base's empty /usr/local/bin (BentoML passes one
    --volume through intact): the pinned uv, wrapped to trust the host's CA bundle, and uv's
    download cache, kept between builds outside the image (under the build user's home it
    would add ~500 MB). None of it ships."""
    (tools / "uv-cache").mkdir(parents=True, exist_ok=True)
    replace_file(tools / "uv.bin", lambda p: shutil.copy(uv.resolve(), p))
    # image/slim.py: run by bento/image.py's slimming step inside the build.
    replace_file(tools / "slim.py", lambda p: shutil.copy(REPO / "image" / "slim.py", p))
    cert = ""
    bundle = host_ca_bundle()
    if bundle:
        replace_file(tools / "ca-certificates.crt", lambda p: shutil.copy(bundle, p))
        cert = "SSL_CERT_FILE=/usr/local/bin/ca-certificates.crt "
    else:
        (tools / "ca-certificates.crt").unlink(missing_ok=True)
    wrapper = (
        "#!/bin/sh\n"
        f"{cert}UV_CACHE_DIR=/usr/local/bin/uv-cache UV_LINK_MODE=copy "
        'exec /usr/local/bin/uv.bin "$@"\n'
    )
    replace_file(tools / "uv", lambda p: (p.write_text(wrapper), p.chmod(0o755)))
    return tools


def containerize(
    bentoml: str, bento_tag: str, name: str, base: dict, tools: Path, log: Path
) -> None:
    version = bento_tag.split(":", 1)[-1]
    revision = subprocess.run(
        ["git", "rev-parse", "HEAD"], capture_output=True, text=True, cwd=REPO
    )
    labels = {
        "org.opencontainers.image.base.name": base["BASE_IMAGE_NAME"],
        "org.opencontainers.image.base.digest": base["BASE_IMAGE_DIGEST"],
        "org.opencontainers.image.version": version,
        "org.opencontainers.image.revision": revision.stdout.strip() or "unknown",
        "org.opencontainers.image.title": "bikeshare",
    }
    command = [
        bentoml, "containerize", bento_tag, "--backend", "podman", "--image-tag", name,
        "--opt", f"from={base['BASE_IMAGE_ID']}", "--opt", "squash-all", "--opt", "layers",
        "--opt", f"volume={tools.resolve()}:/usr/local/bin",
        *(arg for key, value in labels.items() for arg in ("--opt", f"label={key}={value}")),
    ]  # fmt: skip
    start = time.monotonic()
    print(f"Containerizing {bento_tag} on {base['BASE_IMAGE_NAME']} (full log: {log})", flush=True)
    # The full log goes to the file; each build step (and the squash/commit) is printed as one
    # line with the time since the start, so a build that takes minutes is never silent.
    with log.open("w") as out:
        proc = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        for line in proc.stdout:
            out.write(line)
            shown = line.rstrip("\n").removeprefix("INFO: ")
            if shown.startswith(PROGRESS):
                print(f"  [{time.monotonic() - start:4.0f} s] {shown[:110]}", flush=True)
    if proc.wait() != 0:
        sys.stderr.write("\n".join(log.read_text().splitlines()[-30:]) + "\n")
        raise SystemExit(1)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 3:
        print(
            "Usage: python -m scripts.image_build BENTO_TAG BASE_RECORD IMAGE_RECORD",
            file=sys.stderr,
        )
        return 2
    bento_tag, base, record = args[0], read_record(Path(args[1])), Path(args[2])
    bentoml = os.environ.get("BENTOML", "bentoml")
    uv = os.environ.get("UV")
    if not uv:
        print("Set UV to the pinned uv binary (make venv installs it).", file=sys.stderr)
        return 1
    max_mb = int(os.environ.get("IMAGE_MAX_MB", "700"))
    name = f"localhost/bikeshare:{bento_tag.split(':', 1)[-1]}"
    try:
        check_dockerfile(bentoml, bento_tag, base["BASE_IMAGE_NAME"])
    except Refusal as refusal:
        print(refusal, file=sys.stderr)
        return 1
    if up_to_date(record, bento_tag, base["BASE_IMAGE_ID"]):
        size = int(read_record(record)["IMAGE_SIZE_BYTES"])
        print(f"Image cached: {name}, {size // 1_000_000} MB uncompressed")
        return 0
    tools = Path(os.environ.get("BUILD_TOOLS_DIR") or record.parent / "build-tools")
    start = time.monotonic()
    containerize(
        bentoml,
        bento_tag,
        name,
        base,
        build_tools(tools, Path(uv)),
        record.parent / "containerize.log",
    )
    image_id, size = podman_inspect(name, "Id"), int(podman_inspect(name, "Size"))
    values = {
        "IMAGE_NAME": name,
        "IMAGE_ID": image_id,
        "IMAGE_SIZE_BYTES": str(size),
        "BENTO_TAG": bento_tag,
        "BASE_IMAGE_ID": base["BASE_IMAGE_ID"],
    }
    write_record(record, values)
    mb = size // 1_000_000
    print(
        f"Image {name} built in {time.monotonic() - start:.0f} s: {mb} MB uncompressed"
        f" (budget {max_mb} MB), ID {image_id[:12]}"
    )
    if mb > max_mb:
        print(
            f"Image is over the {max_mb} MB budget: see image/README.md (what goes in and why).",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
