"""MLflow tracking and registry: every training run logged, every promoted model a version.

Where: MLFLOW_TRACKING_URI when set (a server: tests run one on loopback with its artifacts
in the moto bucket; on AWS see terraform/README.md). Otherwise the embedded default, no
server: a SQLite store and an artifact folder in the repository's .mlflow/ (not in git;
`make mlflow-ui` opens it). Git stays the source of truth: the champion record pins the
registered name, version and sha256; the alias `champion` follows the record after merge.

mlflow (the `tracking` extra) is imported here only: the serving image does not carry it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from model import artifact, paths

EXPERIMENT = "bikeshare"
REGISTERED_NAME = "bikeshare"
ALIAS = "champion"
EMBEDDED = paths.ROOT / ".mlflow"
UI_DEFAULT = "http://127.0.0.1:5000"  # `make mlflow-ui`

# MLflow draws a progress bar on stderr for every download; the CLIs' contract is one sentence
# per failure there (and CI logs do not need bars).
os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")


class TrackingError(artifact.ArtifactError):
    """The registry cannot give the artifact the record names."""


def tracking_uri() -> str:
    return os.environ.get("MLFLOW_TRACKING_URI") or f"sqlite:///{EMBEDDED / 'mlflow.db'}"


def _client():
    # Artifacts stream through the server (7 x 10^5 bytes): CI needs no S3 access, and a
    # server that offers presigned downloads is not taken up on it.
    os.environ.setdefault("MLFLOW_ENABLE_PROXY_MULTIPART_DOWNLOAD", "false")
    import mlflow
    from mlflow import MlflowClient

    uri = tracking_uri()
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    if uri.startswith("sqlite:///"):
        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    return MlflowClient(tracking_uri=uri, registry_uri=uri)


def _experiment_id(client) -> str:
    found = client.get_experiment_by_name(EXPERIMENT)
    if found is not None:
        return found.experiment_id
    uri = tracking_uri()
    location = None
    if uri.startswith("sqlite:///"):  # embedded: artifacts beside the database
        location = (Path(uri.removeprefix("sqlite:///")).parent / "artifacts").as_uri()
    return client.create_experiment(EXPERIMENT, artifact_location=location)


def run_url(experiment_id: str, run_id: str) -> str:
    """Link to the run in the MLflow UI: MLFLOW_UI_URL, else the server, else `make mlflow-ui`."""
    uri = tracking_uri()
    base = os.environ.get("MLFLOW_UI_URL") or (uri if uri.startswith("http") else UI_DEFAULT)
    return f"{base.rstrip('/')}/#/experiments/{experiment_id}/runs/{run_id}"


def _metric_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_./ -]", "_", text)


def _flat(prefix: str, value: Any) -> dict[str, str]:
    if isinstance(value, dict):
        out: dict[str, str] = {}
        for key, inner in value.items():
            out.update(_flat(f"{prefix}.{key}" if prefix else str(key), inner))
        return out
    return {prefix: json.dumps(value) if isinstance(value, list) else str(value)}


@dataclass
class Run:
    """One training run in MLflow; the flow calls these in its own order."""

    client: Any
    experiment_id: str
    run_id: str

    @property
    def url(self) -> str:
        return run_url(self.experiment_id, self.run_id)

    def log_candidate(self, candidate: dict[str, Any], champion_metrics: dict | None) -> None:
        from mlflow.entities import Metric, Param, RunTag

        params = [Param(k, v[:6000]) for k, v in sorted(_flat("", candidate["params"]).items())]
        metrics = {f"holdout.{k}": v for k, v in candidate["metrics"]["overall"].items()}
        for name, values in candidate["metrics"]["slices"].items():
            metrics |= {f"slice.{_metric_name(name)}.{k}": v for k, v in values.items()}
        if champion_metrics:
            metrics |= {f"champion.{k}": v for k, v in champion_metrics["overall"].items()}
        tags = {
            "model_version": candidate["version"],
            "data_fingerprint": candidate["data"]["fingerprint"],
            "code_commit": candidate["code_commit"],
            "code_sha256": candidate["code_sha256"],
            "holdout": candidate["trained_on"]["holdout"],
            "trained_on": ",".join(candidate["trained_on"]["periods"]),
            "mlflow.source.git.commit": candidate["code_commit"],
        }
        self.client.log_batch(
            self.run_id,
            metrics=[Metric(k, float(v), 0, 0) for k, v in sorted(metrics.items())],
            params=params,
            tags=[RunTag(k, str(v)) for k, v in tags.items()],
        )
        self.client.log_dict(self.run_id, candidate["data"], "data_fingerprint.json")

    def log_verdict(self, passed: bool, reasons: list[str], promoted: bool) -> None:
        self.client.set_tag(self.run_id, "gate.verdict", "pass" if passed else "reject")
        self.client.set_tag(self.run_id, "gate.reasons", " | ".join(reasons)[:5000])
        self.client.set_tag(self.run_id, "promoted", str(promoted).lower())

    def log_folder(self, folder: Path, into: str) -> None:
        """The report (report.md and its plots) or the gate result, as run artifacts."""
        self.client.log_artifacts(self.run_id, str(folder), into)

    def register(self, model: Any, record: dict[str, Any]) -> dict[str, Any]:
        """Log the model (pickle, see model/artifact.py) and make it a registered version;
        returns the record's `artifact` block, hashed from the bytes the registry holds."""
        import mlflow
        import mlflow.sklearn

        with _quiet("mlflow.sklearn"), mlflow.start_run(run_id=self.run_id):
            info = mlflow.sklearn.log_model(
                model,
                name="model",
                serialization_format=artifact.FORMAT,
                pip_requirements=[f"scikit-learn=={record['libraries']['scikit-learn']}"],
                registered_model_name=REGISTERED_NAME,
            )
        version = int(info.registered_model_version)
        block = {
            "registry": "mlflow",
            "name": REGISTERED_NAME,
            "version": version,
            "uri": f"models:/{REGISTERED_NAME}/{version}",
            "file": artifact.FILE_NAME,
            "format": artifact.FORMAT,
            "run_id": self.run_id,
        }
        block["sha256"] = artifact.sha256(fetch(block))
        if block["sha256"] != artifact.sha256(artifact.dumps(model)):
            raise TrackingError(f"{block['uri']} does not hold the bytes that were logged.")
        self.client.set_model_version_tag(REGISTERED_NAME, str(version), "sha256", block["sha256"])
        return block


@contextlib.contextmanager
def _quiet(logger: str) -> Iterator[None]:
    """MLflow warns on every pickle save; the choice is stated in model/artifact.py."""
    log = logging.getLogger(logger)
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(level)


@contextlib.contextmanager
def run(name: str) -> Iterator[Run]:
    """A run around one training; ends FAILED if the flow raises."""
    client = _client()
    experiment_id = _experiment_id(client)
    created = client.create_run(experiment_id, run_name=name)
    tracked = Run(client, experiment_id, created.info.run_id)
    try:
        yield tracked
    except BaseException:
        client.set_terminated(tracked.run_id, "FAILED")
        raise
    client.set_terminated(tracked.run_id, "FINISHED")


def fetch(block: dict[str, Any]) -> bytes:
    """The artifact file of the registered version the record names (never trains)."""
    from mlflow.artifacts import download_artifacts
    from mlflow.exceptions import MlflowException

    _client()
    with tempfile.TemporaryDirectory() as tmp:
        try:
            folder = download_artifacts(artifact_uri=block["uri"], dst_path=tmp)
        except MlflowException as err:
            raise TrackingError(
                f"model {block['uri']} is not in the registry at {tracking_uri()} "
                f"({err.error_code}); set MLFLOW_TRACKING_URI to the registry it was recorded in."
            ) from err
        path = Path(folder) / block["file"]
        if not path.is_file():
            raise TrackingError(f"model {block['uri']} has no {block['file']}.")
        return path.read_bytes()


def move_alias(block: dict[str, Any]) -> str:
    """Point `champion` at the version the record pins (CI, after the merge)."""
    from mlflow.exceptions import MlflowException

    client = _client()
    try:
        client.set_registered_model_alias(block["name"], ALIAS, str(block["version"]))
    except MlflowException as err:
        raise TrackingError(
            f"cannot point {block['name']}@{ALIAS} at version {block['version']} "
            f"({err.error_code})."
        ) from err
    return f"models:/{block['name']}@{ALIAS}"
