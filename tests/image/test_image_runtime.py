"""The container runs as the Deployment says: unprivileged, read-only, loopback-only port."""

import httpx
import pytest

from image.run import RUNTIME
from tests.image.conftest import run

pytestmark = pytest.mark.slow  # podman: an image built, run or pushed


def exec_in(name: str, command: str) -> str:
    return run("podman", "exec", name, "sh", "-c", command).stdout


def test_container_is_live_and_ready(container):
    url, _ = container
    assert httpx.get(url + RUNTIME["liveness"], timeout=5).status_code == 200
    assert httpx.get(url + RUNTIME["readiness"], timeout=5).status_code == 200


def test_port_is_published_on_loopback_only(container):
    _, name = container
    published = run("podman", "port", name).stdout.split()
    assert published[0] == f"{RUNTIME['container_port']}/tcp"
    assert published[-1].startswith("127.0.0.1:")


def test_runs_as_non_root_without_capabilities(container):
    _, name = container
    assert exec_in(name, "id -u").strip() == str(RUNTIME["uid"]) != "0"
    status = dict(line.split(":\t", 1) for line in exec_in(name, "cat /proc/1/status").splitlines())
    assert status["CapEff"].strip() == "0000000000000000"
    assert status["CapPrm"].strip() == "0000000000000000"
    assert status["NoNewPrivs"].strip() == "1"


def test_root_filesystem_is_read_only_and_only_tmp_is_writable(container):
    _, name = container
    root = [
        line.split() for line in exec_in(name, "cat /proc/1/mountinfo").splitlines()
        if line.split()[4] == "/"
    ]  # fmt: skip
    assert "ro" in root[0][5].split(",")
    dirs = "/ /app /home/bentoml /run /var/tmp /tmp"
    probes = f"for d in {dirs}; do touch $d/.w 2>/dev/null && echo $d; done"
    assert exec_in(name, probes).split() == ["/tmp"]
