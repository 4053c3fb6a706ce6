"""Every training run is logged to MLflow (the session's embedded store, see tests/conftest.py):
params, metrics overall and per slice, data fingerprint, code commit, the verdict and the
report's plots; a pass becomes a registered version whose sha256 the record pins."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from mlflow import MlflowClient
from mlflow.artifacts import download_artifacts

from model import artifact, registry, tracking
from model.cli import main
from model.record import load

from .conftest import DECEMBER, REPO

pytestmark = pytest.mark.slow  # trains models


def tracked_run(gate_file: Path):
    gate = json.loads(gate_file.read_text())
    run_id = gate["mlflow_run"].rsplit("/", 1)[1]
    client = MlflowClient(tracking.tracking_uri())
    return gate, client, client.get_run(run_id)


def artifact_paths(client, run_id: str, path: str = "") -> set[str]:
    found = set()
    for item in client.list_artifacts(run_id, path):
        found |= artifact_paths(client, run_id, item.path) if item.is_dir else {item.path}
    return found


def test_run_logs_params_metrics_slices_lineage_verdict_and_plots(shifted_run):
    ws, _, code, printed = shifted_run
    gate, client, run = tracked_run(ws.out / "gate.json")
    candidate = gate["candidate"]
    assert f"mlflow run: {gate['mlflow_run']}" in printed
    assert run.info.status == "FINISHED"
    data = run.data
    assert data.params["estimator.max_iter"] == str(candidate["params"]["estimator"]["max_iter"])
    assert data.metrics["holdout.rmse"] == candidate["metrics"]["overall"]["rmse"]
    for name, values in candidate["metrics"]["slices"].items():
        assert data.metrics[f"slice.{name.replace('=', '_')}.rmse"] == values["rmse"]
    assert data.metrics["champion.rmse"] == gate["champion_metrics_on_holdout"]["overall"]["rmse"]
    assert data.tags["data_fingerprint"] == candidate["data"]["fingerprint"]
    assert data.tags["code_commit"] == candidate["code_commit"]
    assert data.tags["gate.verdict"] == ("pass" if code == 0 else "reject")
    logged = artifact_paths(client, run.info.run_id)
    for name in ("report.md", "metrics.png", "slices.png", "importance.png", "drift.png"):
        assert f"report/{name}" in logged
    assert "gate/gate.json" in logged and "data_fingerprint.json" in logged


def test_pass_registers_the_pinned_bytes(workspace, tmp_path, capsys):
    """December as it is: the candidate passes, the record pins the registered bytes."""
    ws = workspace
    shutil.copy(DECEMBER, ws.data / DECEMBER.name)
    before = load(ws.champion)
    assert main(ws.args("retrain")) == 0, capsys.readouterr()
    record = load(ws.champion)
    pinned = record["artifact"]
    assert record["version"] != before["version"]
    assert pinned["registry"] == "mlflow" and pinned["name"] == tracking.REGISTERED_NAME
    assert pinned["uri"] == f"models:/{pinned['name']}/{pinned['version']}"
    gate, client, run = tracked_run(ws.out / "gate.json")
    assert gate["candidate"]["artifact"] == pinned  # what the PR body shows
    assert pinned["run_id"] == run.info.run_id
    version = client.get_model_version(pinned["name"], str(pinned["version"]))
    assert version.tags["sha256"] == pinned["sha256"]
    folder = Path(download_artifacts(artifact_uri=pinned["uri"], dst_path=str(tmp_path)))
    assert artifact.file_sha256(folder / artifact.FILE_NAME) == pinned["sha256"]
    stored = registry.model_file(record["bento_model_tag"])
    assert artifact.file_sha256(stored) == pinned["sha256"]

    # The retrain PR's body (`make wf-model-report`) carries the sha256; it links the run only
    # on the environment's MLflow server (config/platform.yaml), which a reviewer can open.
    body = tmp_path / "model-report.md"
    script = REPO / ".github" / "scripts" / "model_report.py"
    run_id = gate["mlflow_run"].rsplit("/", 1)[-1]
    platform = tmp_path / "platform.yaml"
    platform.write_text("github_repository: acme/bikeshare\n")
    command = [sys.executable, script, ws.out / "gate.json", ws.reports, body]
    subprocess.run([*command, "--platform", platform], check=True)
    text = body.read_text()
    assert f"sha256 `{pinned['sha256']}`" in text
    assert gate["mlflow_run"] not in text and pinned["uri"] not in text  # gone with the runner
    assert f"MLflow run `{run_id[:12]}` lives in the workflow's own store" in text
    server = gate["mlflow_run"].split("/#/")[0]
    platform.write_text(f"github_repository: acme/bikeshare\nmlflow_url: {server}\n")
    subprocess.run([*command, "--platform", platform], check=True)
    text = body.read_text()
    assert f"]({gate['mlflow_run']}) on {server}" in text
    assert f"`{pinned['name']}` version {pinned['version']} on the MLflow server" in text


def test_rejected_candidate_is_logged_but_not_registered(workspace, tmp_path):
    shutil.copy(DECEMBER, workspace.data / DECEMBER.name)
    params = yaml.safe_load((REPO / "config" / "params.yaml").read_text())
    params["estimator"]["max_iter"] = 5
    (tmp_path / "worse.yaml").write_text(yaml.safe_dump(params))
    client = MlflowClient(tracking.tracking_uri())
    versions_before = len(client.search_model_versions(f"name='{tracking.REGISTERED_NAME}'"))

    assert main(workspace.args("retrain", "--params", str(tmp_path / "worse.yaml"))) == 1

    gate, client, run = tracked_run(workspace.out / "gate.json")
    assert run.data.tags["gate.verdict"] == "reject"
    assert run.data.tags["promoted"] == "false"
    assert "artifact" not in gate["candidate"]
    versions_after = len(client.search_model_versions(f"name='{tracking.REGISTERED_NAME}'"))
    assert versions_after == versions_before
