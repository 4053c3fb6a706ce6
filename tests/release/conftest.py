"""The committed champion, trained once from git, registered in MLflow registries of the
session's own: an embedded one (SQLite + folder) and a real `mlflow server` on loopback whose
artifacts live in the artifacts bucket on the moto emulator (applied by Terraform)."""

import contextlib
import copy
import os
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from threadpoolctl import threadpool_limits

from model import paths, tracking
from model import record as records
from model.pipeline import train_candidate

REPO = Path(__file__).resolve().parents[2]
SERVER_PORTS = range(5071, 5080)


@dataclass
class Registry:
    uri: str
    record: dict  # the committed champion, its artifact block pointing into this registry

    @contextlib.contextmanager
    def active(self):
        """MLFLOW_TRACKING_URI set to this registry for the duration."""
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("MLFLOW_TRACKING_URI", self.uri)
            yield

    def write_record(self, path: Path) -> Path:
        records.save(self.record, path)
        return path


@pytest.fixture(scope="session")
def champion_model():
    """The committed champion rebuilt from git (training is deterministic here)."""
    record = records.load(paths.CHAMPION)
    with threadpool_limits(limits=1, user_api="openmp"):
        model, candidate, _ = train_candidate(paths.DATA, record["params"])
    assert candidate["version"] == record["version"]
    return model, record


def register(uri: str, champion_model) -> Registry:
    model, committed = champion_model
    registry = Registry(uri, copy.deepcopy(committed))
    with registry.active(), tracking.run(committed["version"]) as run:
        run.log_candidate(committed, None)
        registry.record["artifact"] = run.register(model, committed)
    return registry


@pytest.fixture(scope="session")
def embedded_registry(tmp_path_factory, champion_model) -> Registry:
    folder = tmp_path_factory.mktemp("mlflow-embedded")
    return register(f"sqlite:///{folder / 'mlflow.db'}", champion_model)


def _free_port() -> int:
    for port in SERVER_PORTS:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.fail(f"no free port for the MLflow server in {SERVER_PORTS}")


def _server_binary() -> Path:
    found = os.environ.get("MLFLOW_SERVER", "")
    if not found or not Path(found).is_file():
        pytest.fail(
            "the MLflow server is not installed: run `make mlflow-server-install` "
            "(make test exports MLFLOW_SERVER, its path)."
        )
    return Path(found)


@pytest.fixture(scope="session")
def mlflow_server(tf_local_stack, moto_endpoint, tmp_path_factory):
    """(URL, bucket): `mlflow server` on loopback, artifacts proxied to the bucket on moto."""
    bucket = tf_local_stack.outputs["artifacts_bucket_name"]
    folder = tmp_path_factory.mktemp("mlflow-server")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    # No job runner: its huey consumers outlive the server's process group.
    env = {
        **os.environ,
        "MLFLOW_S3_ENDPOINT_URL": moto_endpoint,
        "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false",
    }
    env.pop("MLFLOW_TRACKING_URI", None)
    log = folder / "server.log"
    command = [
        _server_binary(), "server",
        "--backend-store-uri", f"sqlite:///{folder / 'mlflow.db'}",
        "--artifacts-destination", f"s3://{bucket}/mlflow",
        "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
    ]  # fmt: skip
    with log.open("wb") as out:
        server = subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, f"mlflow server exited:\n{log.read_text()[-3000:]}"
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"mlflow server not ready in 120 s:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        yield url, bucket
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)


@pytest.fixture(scope="session")
def server_registry(mlflow_server, champion_model) -> Registry:
    url, _ = mlflow_server
    return register(url, champion_model)
