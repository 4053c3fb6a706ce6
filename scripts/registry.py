"""A real OCI registry on loopback (Debian's docker-registry), standing in for ECR locally
(`make registry-start`, `make registry-stop`).

    python -m scripts.registry start PORT DIR | python -m scripts.registry stop DIR

Storage, config, log and pid live in DIR; only 127.0.0.1 is bound.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

CONFIG = """\
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: {storage}
  delete:
    enabled: true
http:
  addr: 127.0.0.1:{port}
"""


def alive(pid_file: Path) -> bool:
    try:
        os.kill(int(pid_file.read_text()), 0)
    except (OSError, ValueError):
        return False
    return True


def answers(port: int) -> bool:
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/v2/", timeout=1)
    except OSError:
        return False
    return True


def start(port: int, directory: Path, timeout: float = 10) -> int:
    (directory / "storage").mkdir(parents=True, exist_ok=True)
    directory = directory.resolve()
    pid_file = directory / "pid"
    if pid_file.is_file() and alive(pid_file):
        running = (directory / "port").read_text().strip()
        print(
            f"Registry already running on 127.0.0.1:{running} (pid {pid_file.read_text().strip()})"
        )
        return 0
    if shutil.which("docker-registry") is None:
        print("docker-registry not found: run `make image-tools` (Debian package docker-registry).",
              file=sys.stderr)  # fmt: skip
        return 1
    config = directory / "config.yml"
    config.write_text(CONFIG.format(storage=directory / "storage", port=port))
    with (directory / "registry.log").open("wb") as log:
        server = subprocess.Popen(
            ["docker-registry", "serve", config], stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    pid_file.write_text(f"{server.pid}\n")
    (directory / "port").write_text(f"{port}\n")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and server.poll() is None:
        if answers(port):
            print(f"Registry on 127.0.0.1:{port} (storage {directory / 'storage'})")
            return 0
        time.sleep(0.2)
    log_tail = (directory / "registry.log").read_text(errors="replace").splitlines()[-20:]
    print(
        f"Registry did not start on 127.0.0.1:{port}; its log:",
        *log_tail,
        sep="\n",
        file=sys.stderr,
    )
    return 1


def stop(directory: Path) -> int:
    pid_file = directory / "pid"
    if pid_file.is_file():
        pid = pid_file.read_text().strip()
        try:
            os.kill(int(pid), signal.SIGTERM)
            print(f"Registry stopped (pid {pid})")
        except (OSError, ValueError):
            pass
        pid_file.unlink()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) == 3 and args[0] == "start" and args[1].isdigit():
        return start(int(args[1]), Path(args[2]))
    if len(args) == 2 and args[0] == "stop":
        return stop(Path(args[1]))
    print("Usage: python -m scripts.registry start PORT DIR | stop DIR", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
