"""The moto AWS emulator for ENV=local (`make moto-start`, `make moto-stop`): one HTTPS server
per checkout on loopback, kept between make calls so that `make tf-apply ENV=local` can be
followed by `make tf-plan ENV=local`. Buckets deny requests without TLS, hence the
throw-away certificate (scripts/moto_tls.py).

    python -m scripts.emulator start PORT DIR [STALE...]   (a running server is left alone)
    python -m scripts.emulator stop DIR [STALE...]         (the emulated stack goes with it)

DIR keeps the certificate, key, pid and log. STALE paths (Terraform state of the emulated
stack) are removed when a new server starts and when it stops: they describe a dead one.
PYTHON: an interpreter with moto[server] (default: the project's .venv).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
USAGE = "Usage: python -m scripts.emulator start PORT DIR [STALE...] | stop DIR [STALE...]"


def running(pid_file: Path) -> bool:
    try:
        os.kill(int(pid_file.read_text()), 0)
    except (OSError, ValueError):
        return False
    return True


def remove(paths: list[str]) -> None:
    for path in map(Path, paths):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def answers(endpoint: str, cafile: Path | None = None) -> bool:
    context = ssl.create_default_context(cafile=str(cafile)) if cafile else None
    try:
        urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=2, context=context)  # noqa: S310
    except OSError:
        return False
    return True


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_command(python: str, port: int, cert: Path | None = None, key: Path | None = None):
    """moto's server with this repository's patches (scripts/moto_server.py), TLS when given."""
    command = [python, str(HERE / "moto_server.py"), "-H", "127.0.0.1", "-p", str(port)]
    return [*command, "-s", "-c", str(cert), "-k", str(key)] if cert else command


class NotReady(RuntimeError):
    """The emulator exited or did not answer in time (the message names its log)."""


def wait_ready(
    endpoint: str, proc: subprocess.Popen, log: Path, cafile: Path | None = None, timeout=60.0
) -> None:
    """Return once moto answers on endpoint; NotReady with the log's tail if it never does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:] if log.is_file() else ""
            raise NotReady(f"moto_server exited with {proc.returncode}; see {log}:\n{tail}")
        if answers(endpoint, cafile):
            return
        time.sleep(0.2)
    raise NotReady(f"moto_server did not answer on {endpoint} within {timeout:.0f} s; see {log}.")


def start(port: int, directory: Path, stale: list[str], python: str, timeout: float = 30) -> int:
    directory.mkdir(parents=True, exist_ok=True)
    pid_file = directory / "moto.pid"
    if pid_file.is_file() and running(pid_file):
        return 0
    remove(stale)
    subprocess.run([python, HERE / "moto_tls.py", directory], check=True, stdout=subprocess.DEVNULL)
    endpoint = f"https://127.0.0.1:{port}"
    cert, log_path = directory / "cert.pem", directory / "moto.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            server_command(python, port, cert, directory / "key.pem"),
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, "MOTO_IAM_LOAD_MANAGED_POLICIES": "true"},
        )  # fmt: skip
    pid_file.write_text(f"{server.pid}\n")
    try:
        wait_ready(endpoint, server, log_path, cert, timeout)
    except NotReady:
        print(f"moto did not start on port {port}; see {log_path}", file=sys.stderr)
        return 1
    print(f"moto listening on {endpoint} (state of the local stack starts empty)")
    return 0


def stop(directory: Path, stale: list[str]) -> int:
    pid_file = directory / "moto.pid"
    if not pid_file.is_file():
        return 0
    with contextlib.suppress(OSError, ValueError):
        os.kill(int(pid_file.read_text()), signal.SIGTERM)
    pid_file.unlink()
    remove(stale)
    print("moto stopped")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    python = os.environ.get("PYTHON") or str(REPO / ".venv" / "bin" / "python")
    if len(args) >= 3 and args[0] == "start" and args[1].isdigit():
        return start(int(args[1]), Path(args[2]), args[3:], python)
    if len(args) >= 2 and args[0] == "stop":
        return stop(Path(args[1]), args[2:])
    print(USAGE, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
