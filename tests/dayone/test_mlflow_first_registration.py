"""Day one's first registration against a new account's MLflow: a real `mlflow server` on a
real PostgreSQL with its artifacts in (moto) S3; the release then fetches from it."""

import json

import boto3
import pytest
from mlflow import MlflowClient

from dayone.__main__ import main as dayone
from model import artifact, bentoml_store, paths, registry
from model import record as records
from model.cli import main as model_cli

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def registered(mlflow_on_postgres, monkeypatch_module):
    url, bucket = mlflow_on_postgres
    monkeypatch_module.setenv("MLFLOW_TRACKING_URI", url)
    assert dayone(["mlflow-register-first"]) == 0
    return url, bucket


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


def test_the_champion_becomes_version_1_with_its_sha256(registered, moto_endpoint):
    url, bucket = registered
    committed = records.load(paths.CHAMPION)["artifact"]
    version = MlflowClient(url).get_model_version(committed["name"], "1")
    assert version.tags["sha256"] == committed["sha256"]
    s3 = boto3.client("s3", endpoint_url=moto_endpoint)
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="mlflow/")["Contents"]]
    pickles = [k for k in keys if k.endswith(f"/{artifact.FILE_NAME}")]
    bodies = {artifact.sha256(s3.get_object(Bucket=bucket, Key=k)["Body"].read()) for k in pickles}
    assert committed["sha256"] in bodies


def test_the_release_fetches_version_1_from_the_new_server(
    registered, tmp_path, monkeypatch, capsys
):
    def refuse(*args, **kwargs):
        raise AssertionError("the release path called a training function")

    monkeypatch.setattr("sklearn.pipeline.Pipeline.fit", refuse)
    record = records.load(paths.CHAMPION)
    home = tmp_path / "bentoml" / "models"
    home.mkdir(parents=True)
    with bentoml_store.model_store_at(home):
        assert model_cli(["release-model"]) == 0, capsys.readouterr()
        stored = registry.model_file(record["bento_model_tag"])
    assert artifact.file_sha256(stored) == record["artifact"]["sha256"]


def test_a_second_run_changes_nothing(registered, capsys):
    url, _ = registered
    assert dayone(["mlflow-register-first"]) == 0
    assert "already the champion" in capsys.readouterr().out
    assert len(MlflowClient(url).search_model_versions("name='bikeshare'")) == 1


def test_a_record_whose_sha256_git_cannot_rebuild_is_refused(registered, tmp_path, capsys):
    from dayone.mlflow_first import FirstRegistrationError, register_first

    record = json.loads(paths.CHAMPION.read_text())
    record["artifact"]["sha256"] = "0" * 64
    path = tmp_path / "champion.json"
    path.write_text(json.dumps(record))
    with pytest.raises(FirstRegistrationError, match="not this champion"):
        register_first(path)  # the server already holds a different version 1: refused first
