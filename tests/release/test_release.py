"""The release path ships the registered artifact the record pins, never a retrained model:
fetch → sha256 against the record → BentoML store → bento, whose model file hashes to the
record. Any training function called on the way fails the test; a mismatch refuses."""

import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from model import artifact, registry
from model.bentoml_store import model_store_at
from model.cli import main

from .conftest import REPO

TRAINING = (
    "model.train.fit",
    "model.pipeline.fit",
    "model.pipeline.train_candidate",
    "model.pipeline.ensure_registered",
    "model.flow.gate_candidate",
    "sklearn.pipeline.Pipeline.fit",
    "sklearn.ensemble.HistGradientBoostingRegressor.fit",
)


@pytest.fixture
def no_training(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the release path called a training function")

    for target in TRAINING:
        monkeypatch.setattr(target, refuse)


def release(registry_, record_path: Path, home: Path) -> int:
    """`python -m model release-model` in-process (so the training patches hold), into a
    BentoML home of its own."""
    (home / "models").mkdir(parents=True, exist_ok=True)
    with registry_.active(), model_store_at(home / "models"):
        return main(["--champion", str(record_path), "release-model"])


def stored_file(record: dict, home: Path) -> Path | None:
    with model_store_at(home / "models"):
        return registry.model_file(record["bento_model_tag"])


def one_sentence(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line]
    assert len(lines) == 1, text
    return lines[0]


def test_committed_champion_rebuilds_to_the_pinned_bytes(champion_model):
    """Why `make register` may rebuild the local default from git: same bytes, same sha256."""
    model, committed = champion_model
    assert artifact.sha256(artifact.dumps(model)) == committed["artifact"]["sha256"]


def test_release_fetches_checks_imports_and_never_trains(
    embedded_registry, no_training, tmp_path, capsys
):
    record = embedded_registry.record
    home = tmp_path / "bentoml"
    code = release(embedded_registry, embedded_registry.write_record(tmp_path / "c.json"), home)
    assert code == 0, capsys.readouterr().err
    stored = stored_file(record, home)
    assert artifact.file_sha256(stored) == record["artifact"]["sha256"]

    # The bento built from that store: its model file hashes to the committed record.
    built = subprocess.run(
        [sys.executable, "-m", "bento.build"],
        cwd=REPO, env={**os.environ, "BENTOML_HOME": str(home)},
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr[-3000:]
    bento_tag = built.stdout.strip().splitlines()[-1]
    # What containerize ships: the bento exported with its models, read back from the archive.
    archive = tmp_path / "bikeshare.bento"
    exported = subprocess.run(
        [Path(sys.executable).parent / "bentoml", "export", bento_tag, archive],
        env={**os.environ, "BENTOML_HOME": str(home)}, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert exported.returncode == 0, exported.stderr[-3000:]
    model_name, model_version = record["bento_model_tag"].split(":")
    with tarfile.open(archive) as tar:
        member = f"./models/{model_name}/{model_version}/{registry.MODEL_FILE}"
        shipped = tar.extractfile(tar.getmember(member)).read()
    committed = json.loads((REPO / "config" / "champion.json").read_text())
    assert artifact.sha256(shipped) == committed["artifact"]["sha256"]


def test_tampered_registry_artifact_is_refused(embedded_registry, no_training, tmp_path, capsys):
    record = embedded_registry.record
    folder = Path(embedded_registry.uri.removeprefix("sqlite:///")).parent / "artifacts"
    (pkl,) = [p for p in folder.rglob(artifact.FILE_NAME) if p.parent.name == "artifacts"][:1]
    original = pkl.read_bytes()
    pkl.write_bytes(original[:500] + bytes([original[500] ^ 0xFF]) + original[501:])
    try:
        home = tmp_path / "bentoml"
        code = release(embedded_registry, embedded_registry.write_record(tmp_path / "c.json"), home)
    finally:
        pkl.write_bytes(original)
    assert code == 2
    line = one_sentence(capsys.readouterr().err)
    assert record["bento_model_tag"] in line and record["artifact"]["uri"] in line
    assert "refused" in line
    assert stored_file(record, home) is None  # nothing imported


def test_record_pinning_other_bytes_is_refused(embedded_registry, no_training, tmp_path, capsys):
    other = dict(embedded_registry.record)
    other["artifact"] = {**other["artifact"], "sha256": "0" * 64}
    path = tmp_path / "c.json"
    (tmp_path / "c.json").write_text(json.dumps(other))
    home = tmp_path / "bentoml"
    code = release(embedded_registry, path, home)
    assert code == 2
    assert "refused" in one_sentence(capsys.readouterr().err)
    assert stored_file(other, home) is None


def test_tampered_store_copy_is_refused_not_replaced(
    embedded_registry, no_training, tmp_path, capsys
):
    record = embedded_registry.record
    path = embedded_registry.write_record(tmp_path / "c.json")
    home = tmp_path / "bentoml"
    assert release(embedded_registry, path, home) == 0
    stored = stored_file(record, home)
    stored.write_bytes(b"garbage" + stored.read_bytes()[7:])
    capsys.readouterr()
    assert release(embedded_registry, path, home) == 2
    line = one_sentence(capsys.readouterr().err)
    assert str(stored) in line and record["bento_model_tag"] in line


def test_release_needs_a_registered_version(tmp_path, capsys, embedded_registry):
    unregistered = {**embedded_registry.record, "artifact": {"sha256": "0" * 64}}
    path = tmp_path / "c.json"
    path.write_text(json.dumps(unregistered))
    assert release(embedded_registry, path, tmp_path / "bentoml") == 2
    assert "names no registered MLflow version" in one_sentence(capsys.readouterr().err)
