"""Install the Debian packages a check needs when they are missing (mk/common.mk's
`$(call apt_require,pkg ...)`): as root with apt-get, otherwise stop with the command to run.
A missing tool is a clear failure, never a skip.

    python -m scripts.apt_require PACKAGE...

Another apt process may hold the lock (a second job installing at the same time): the
install waits for it (DPkg::Lock::Timeout), and so does the index update, which apt-get
would otherwise refuse at once.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

LOCK_TIMEOUT = 300  # seconds to wait for another apt process
WAIT = ["-o", f"DPkg::Lock::Timeout={LOCK_TIMEOUT}"]
LOCKED = ("Could not get lock", "Unable to lock", "is held by process")


def missing(packages: list[str]) -> list[str]:
    return [
        package
        for package in packages
        if subprocess.run(["dpkg", "-s", package], capture_output=True).returncode != 0
    ]


def update_index(deadline: float) -> None:
    """apt-get update, retried while another process holds the lists' lock."""
    while True:
        done = subprocess.run(["apt-get", *WAIT, "update", "-qq"], capture_output=True, text=True)
        if done.returncode == 0:
            return
        if not any(word in done.stderr for word in LOCKED) or time.monotonic() > deadline:
            sys.stderr.write(done.stderr)
            raise SystemExit(f"apt-get update failed (exit {done.returncode}).")
        time.sleep(5)


def install(packages: list[str]) -> int:
    needed = missing(packages)
    if not needed:
        return 0
    names = " ".join(needed)
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        print(
            f"Missing Debian packages: {names}; run: sudo apt-get install {names}", file=sys.stderr
        )
        return 1
    print(f"Installing Debian packages: {names}", flush=True)
    update_index(time.monotonic() + LOCK_TIMEOUT)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    done = subprocess.run(
        ["apt-get", *WAIT, "install", "-y", "-qq", *needed],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        print(f"apt-get install {names} failed (exit {done.returncode}).", file=sys.stderr)
    return done.returncode


def main(argv: list[str] | None = None) -> int:
    packages = sys.argv[1:] if argv is None else argv
    if not packages:
        print("Usage: python -m scripts.apt_require PACKAGE...", file=sys.stderr)
        return 2
    return install(packages)


if __name__ == "__main__":
    sys.exit(main())
