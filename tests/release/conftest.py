"""The committed champion, trained once from git, registered in MLflow registries of the
session's own: an embedded one (SQLite + folder) and a real `mlflow server` on loopback whose
artifacts live in the artifacts bucket on the moto emulator (applied by Terraform)."""

import contextlib
import copy
import socket
from dataclasses import dataclass
from pathlib import Path

import pytest
from threadpoolctl import threadpool_limits

from model import paths, tracking
from model import record as records
from model.pipeline import train_candidate
from tests.fixtures.mlflow_server import mlflow_server as serve_mlflow

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


@pytest.fixture(scope="session")
def mlflow_server(tf_local_stack, moto_endpoint, tmp_path_factory):
    """(URL, bucket): `mlflow server` on loopback, artifacts proxied to the bucket on moto."""
    bucket = tf_local_stack.outputs["artifacts_bucket_name"]
    folder = tmp_path_factory.mktemp("mlflow-server")
    store = f"sqlite:///{folder / 'mlflow.db'}"
    with serve_mlflow(store, bucket, moto_endpoint, folder, _free_port(), ready_within=120) as url:
        yield url, bucket


@pytest.fixture(scope="session")
def server_registry(mlflow_server, champion_model) -> Registry:
    url, _ = mlflow_server
    return register(url, champion_model)
