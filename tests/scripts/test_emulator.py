"""scripts/emulator.py: `make moto-start` starts one HTTPS moto per checkout, leaves a running
one alone, and clears the stale Terraform state when it starts or stops."""

import socket
import ssl
import sys
import urllib.request

import pytest

from scripts import emulator


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow  # starts moto
def test_start_is_idempotent_and_stop_clears_stale_state(tmp_path, capsys):
    directory, stale = tmp_path / "moto", tmp_path / "tfstate"
    stale.mkdir()
    port = free_port()
    assert emulator.start(port, directory, [str(stale)], sys.executable) == 0
    assert not stale.exists(), "state of a dead emulator left behind"
    pid = (directory / "moto.pid").read_text()
    context = ssl.create_default_context(cafile=str(directory / "cert.pem"))
    with urllib.request.urlopen(f"https://127.0.0.1:{port}/moto-api/", context=context) as answer:
        assert answer.status == 200
    stale.mkdir()
    assert emulator.start(port, directory, [str(stale)], sys.executable) == 0
    assert (directory / "moto.pid").read_text() == pid and stale.exists()
    assert emulator.stop(directory, [str(stale)]) == 0
    assert not (directory / "moto.pid").exists() and not stale.exists()
    assert "moto stopped" in capsys.readouterr().out


@pytest.mark.slow  # starts moto (which then fails to bind)
def test_a_server_that_cannot_start_says_where_its_log_is(tmp_path, capsys):
    """A port already taken: the child exits, the caller gets one sentence and exit 1."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = emulator.start(port, tmp_path / "moto", [], sys.executable, timeout=20)
    assert code == 1
    assert (
        f"moto did not start on port {port}; see {tmp_path / 'moto' / 'moto.log'}"
        in capsys.readouterr().err
    )


def test_usage():
    assert emulator.main(["start", "not-a-port", "dir"]) == 2
    assert emulator.main([]) == 2
