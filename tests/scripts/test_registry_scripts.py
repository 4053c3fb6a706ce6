"""scripts/registry.py starts Debian's registry on loopback once (a second start is a no-op)
and stops it; push/sign/sbom refuse bad calls in one line. (The push, signature and SBOM of
the real image run in tests/image, once per test run.)"""

import shutil
import socket
import subprocess
import sys
import urllib.request

import pytest

from scripts import push, registry, sbom_scan

REPO = sbom_scan.REPO


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow  # starts a registry
def test_registry_starts_once_and_stops(tmp_path, capsys):
    if shutil.which("docker-registry") is None:
        pytest.fail("docker-registry not found: run `make image-tools`.")
    port = free_port()
    try:
        assert registry.start(port, tmp_path / "reg") == 0
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/v2/", timeout=5) as answer:
            assert answer.status == 200
        config = (tmp_path / "reg" / "config.yml").read_text()
        assert (
            f"addr: 127.0.0.1:{port}" in config and f"rootdirectory: {tmp_path / 'reg'}" in config
        )
        assert registry.start(port, tmp_path / "reg") == 0
        assert "Registry already running on 127.0.0.1:" in capsys.readouterr().out
    finally:
        registry.stop(tmp_path / "reg")
    assert not (tmp_path / "reg" / "pid").exists()


def test_only_loopback_registries_go_without_tls():
    assert push.loopback("127.0.0.1:5055") and push.loopback("localhost:5000")
    assert not push.loopback("123456789012.dkr.ecr.us-east-1.amazonaws.com")
    assert not push.loopback("127.0.0.1.example.com:443")


def test_sbom_without_syft_says_how_to_get_it(tmp_path):
    assert sbom_scan.sbom("any", tmp_path / "sbom.json", str(tmp_path / "no-syft"), "python3") == 1


@pytest.mark.parametrize(
    ("module", "args"),
    [
        ("scripts.registry", ["start", "not-a-port", "dir"]),
        ("scripts.push", ["only", "three", "args"]),
        ("scripts.sign", ["rsa", "ref"]),
        ("scripts.sbom_scan", []),
    ],
)
def test_usage(module, args):
    done = subprocess.run(
        [sys.executable, "-m", module, *args], capture_output=True, text=True, cwd=REPO
    )
    assert done.returncode == 2 and done.stderr.startswith("Usage:")
