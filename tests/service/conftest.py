"""The real service, started once per session with `bentoml serve` over HTTP on loopback."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def service(champion_in_store, tmp_path_factory):
    """Yields (base URL, path of the server's log)."""
    port = free_port()
    log = tmp_path_factory.mktemp("service") / "server.log"
    bentoml = Path(sys.executable).parent / "bentoml"
    with log.open("w") as out:
        server = subprocess.Popen(
            [
                str(bentoml),
                "serve",
                "bento.service:Bikeshare",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=os.environ.copy(),
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert server.poll() is None, f"service exited:\n{log.read_text()[-3000:]}"
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    else:
        server.kill()
        pytest.fail(f"service not ready in 90 s:\n{log.read_text()[-3000:]}")
    yield url, log
    os.killpg(server.pid, 15)
    server.wait(timeout=30)
