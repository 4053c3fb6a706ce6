"""Build the service's base image from Debian packages: debootstrap (minbase) + python3 +
ca-certificates, then `podman import`. No image registry is needed, and every package comes
from Debian's signed archive. uv is not in it: `make image` bind-mounts the project's pinned
uv into the build, so the build tool (38 MB) never ships in the service image.

    python -m scripts.base_image NAME CACHE_DIR RECORD_FILE

Writes RECORD_FILE (KEY=VALUE lines: image ID and digest, versions). The build is skipped
when CACHE_DIR (shared by every checkout: the Debian packages, the key and record of the last
build) says the same build already made an image that podman still has.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve()
SUITE = os.environ.get("DEBIAN_SUITE", "bookworm")
DEFAULT_MIRROR = "http://deb.debian.org/debian"
APT_SOURCES = [Path("/etc/apt/sources.list"), Path("/etc/apt/sources.list.d")]
MIRROR_LINE = re.compile(r"(https?://\S+/debian/?)(\s|$)")
# Smaller image: no docs (copyright files stay), manuals, locales, apt lists or logs.
TRIM = ["usr/share/man", "usr/share/info", "usr/share/locale", "usr/share/lintian"]


def cache_key(suite: str = SUITE) -> str:
    """Everything that shapes the image: this file and the suite."""
    return hashlib.sha256(HERE.read_bytes() + suite.encode()).hexdigest()[:16]


def debian_mirror(sources: list[Path] = APT_SOURCES) -> str:
    """The Debian mirror this machine's apt already uses; deb.debian.org elsewhere."""
    if os.environ.get("DEBIAN_MIRROR"):
        return os.environ["DEBIAN_MIRROR"]
    files = [p for s in sources for p in ([s] if s.is_file() else sorted(s.glob("*")))]
    for path in files:
        try:
            found = MIRROR_LINE.search(path.read_text(errors="replace"))
        except OSError:
            continue
        if found:
            return found.group(1)
    return DEFAULT_MIRROR


def read_record(path: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return dict(pairs)


def write_record(path: Path, values: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}")
    partial.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
    partial.replace(path)


def image_exists(image: str) -> bool:
    return subprocess.run(["podman", "image", "exists", image]).returncode == 0


def cached(name: str, cache: Path, record: Path) -> bool:
    """The last build of this key still exists: record it here and point NAME at it."""
    key_file, cached_record = cache / "base-image.key", cache / "base-image.env"
    if not (key_file.is_file() and cached_record.is_file()):
        return False
    values = read_record(cached_record)
    if key_file.read_text().strip() != cache_key() or not image_exists(
        values.get("BASE_IMAGE_ID", "-")
    ):
        return False
    # Another checkout may have moved the tag; builds use the ID anyway.
    subprocess.run(["podman", "tag", values["BASE_IMAGE_ID"], name], check=True)
    write_record(record, values)
    print(f"Base image cached: {name} ({values['BASE_IMAGE_ID']})")
    return True


def build(name: str, cache: Path, record: Path) -> None:
    sudo = [] if os.geteuid() == 0 else ["sudo"]  # debootstrap and the root-owned tree need root
    mirror = debian_mirror()
    root = cache / f"rootfs-{os.getpid()}"
    start = time.monotonic()

    def stage(message: str) -> None:  # one line per stage: the build is quiet for minutes
        print(f"  [{time.monotonic() - start:4.0f} s] {message}", flush=True)

    stage(f"debootstrap {SUITE} (minbase + python3, ca-certificates) from {mirror} ...")
    debs = cache / "debs"
    debs.mkdir(parents=True, exist_ok=True)
    log = cache / "debootstrap.log"
    with log.open("wb") as out:
        done = subprocess.run(
            [*sudo, "debootstrap", "--variant=minbase", "--include=python3,ca-certificates",
             f"--cache-dir={debs}", SUITE, root, mirror],
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    if done.returncode != 0:
        sys.stderr.write("\n".join(log.read_text(errors="replace").splitlines()[-20:]) + "\n")
        subprocess.run([*sudo, "rm", "-rf", root])
        raise SystemExit(f"debootstrap failed (exit {done.returncode}); log: {log}")
    packages = log.read_text(errors="replace").count("I: Validating ")
    stage(f"debootstrap done: {packages} packages; trimming docs and caches ...")
    subprocess.run(
        [*sudo, "find", root / "usr/share/doc", "-type", "f", "!", "-name", "copyright", "-delete"],
        check=True,
    )
    trimmed = [root / p for p in TRIM] + [root / "var/lib/apt/lists", root / "var/cache/apt"]
    subprocess.run([*sudo, "rm", "-rf", *trimmed, *(root / "var/log").glob("*")], check=True)
    subprocess.run(
        [*sudo, "find", root / "var/cache/debconf", "-name", "*-old", "-delete"], check=True
    )
    version = "import platform; print(platform.python_version())"
    python = subprocess.run(
        [*sudo, "chroot", root, "python3", "-c", version],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip

    stage("podman import ...")
    tar = subprocess.Popen(
        [*sudo, "tar", "--numeric-owner", "-C", root, "-cf", "-", "."], stdout=subprocess.PIPE
    )
    subprocess.run(
        ["podman", "import", "--quiet", "--change", 'CMD ["/bin/bash"]', "--change",
         "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "-", name],
        stdin=tar.stdout, stdout=subprocess.DEVNULL, check=True,
    )  # fmt: skip
    tar.stdout.close()
    if tar.wait() != 0:
        raise SystemExit("tar of the debootstrapped tree failed.")
    subprocess.run([*sudo, "rm", "-rf", root], check=True)

    def inspect(field: str) -> str:
        return subprocess.run(
            ["podman", "image", "inspect", "--format", f"{{{{.{field}}}}}", name],
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip

    values = {
        "BASE_IMAGE_NAME": name,
        "BASE_IMAGE_ID": inspect("Id"),
        "BASE_IMAGE_DIGEST": inspect("Digest"),
        "DEBIAN_SUITE": SUITE,
        "DEBIAN_MIRROR": mirror,
        "PYTHON_VERSION": python,
    }
    write_record(cache / "base-image.env", values)
    (cache / "base-image.key").write_text(cache_key() + "\n")
    write_record(record, values)
    print(
        f"Base image built in {time.monotonic() - start:.0f} s: {name} ({values['BASE_IMAGE_ID']})"
    )


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 3:
        print("Usage: python -m scripts.base_image NAME CACHE_DIR RECORD_FILE", file=sys.stderr)
        return 2
    name, cache, record = args[0], Path(args[1]).resolve(), Path(args[2])
    cache.mkdir(parents=True, exist_ok=True)
    if shutil.which("podman") is None or shutil.which("debootstrap") is None:
        print("podman or debootstrap not found: run `make image-tools`.", file=sys.stderr)
        return 1
    with (cache / "base-image.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another checkout may be building the same image
        if not cached(name, cache, record):
            build(name, cache, record)
    return 0


if __name__ == "__main__":
    sys.exit(main())
