"""The same code against a real `mlflow server` on loopback whose artifacts live in the
artifacts bucket on moto (applied by Terraform): register, release, move the alias."""

import boto3
import pytest
from mlflow import MlflowClient
from mlflow.artifacts import download_artifacts

from model import artifact, registry
from model.bentoml_store import model_store_at
from model.cli import main

pytestmark = pytest.mark.slow


def test_registered_artifact_lives_in_the_bucket(server_registry, mlflow_server, moto_endpoint):
    _, bucket = mlflow_server
    s3 = boto3.client("s3", endpoint_url=moto_endpoint)
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix="mlflow/")
    keys = [o["Key"] for page in pages for o in page.get("Contents", [])]
    pickles = [k for k in keys if k.endswith(f"/{artifact.FILE_NAME}")]
    assert pickles, keys
    bodies = {artifact.sha256(s3.get_object(Bucket=bucket, Key=k)["Body"].read()) for k in pickles}
    assert server_registry.record["artifact"]["sha256"] in bodies
    head = s3.head_object(Bucket=bucket, Key=pickles[0])
    assert head.get("ServerSideEncryption") == "aws:kms"  # the bucket's default, KMS


def test_run_is_tracked_on_the_server(server_registry):
    url = server_registry.uri
    run = MlflowClient(url).get_run(server_registry.record["artifact"]["run_id"])
    metrics, tags = run.data.metrics, run.data.tags
    assert metrics["holdout.rmse"] == server_registry.record["metrics"]["overall"]["rmse"]
    assert "slice.hour_band_morning_peak.rmse" in metrics
    assert tags["data_fingerprint"] == server_registry.record["data"]["fingerprint"]
    assert tags["code_commit"] == server_registry.record["code_commit"]


def test_release_from_the_server_and_alias_follows_the_record(
    server_registry, tmp_path, monkeypatch, capsys
):
    def refuse(*args, **kwargs):
        raise AssertionError("the release path called a training function")

    monkeypatch.setattr("sklearn.pipeline.Pipeline.fit", refuse)
    record = server_registry.record
    path = server_registry.write_record(tmp_path / "champion.json")
    home = tmp_path / "bentoml" / "models"
    home.mkdir(parents=True)
    with server_registry.active():
        with model_store_at(home):
            assert main(["--champion", str(path), "release-model"]) == 0, capsys.readouterr()
            stored = registry.model_file(record["bento_model_tag"])
        assert artifact.file_sha256(stored) == record["artifact"]["sha256"]

        assert main(["--champion", str(path), "champion-alias"]) == 0
        folder = download_artifacts(
            artifact_uri="models:/bikeshare@champion", dst_path=str(tmp_path / "alias")
        )
    pulled = (tmp_path / "alias" / artifact.FILE_NAME).read_bytes()
    assert folder and artifact.sha256(pulled) == record["artifact"]["sha256"]
