"""A drift dispatch's data into the retrain: fetched by the payload's presigned URL (moto),
sha256-checked, added as the new month when the contract accepts it, else the run retrains
on the data in git and says why."""

from __future__ import annotations

import hashlib
import shutil
import uuid
from pathlib import Path

import boto3
import pytest

from intake import dispatched

ROOT = Path(__file__).resolve().parents[2]
DECEMBER = ROOT / "data" / "2011-12.csv"

pytestmark = pytest.mark.slow  # moto


@pytest.fixture
def workspace(tmp_path) -> Path:
    """data/ up to November and the datasheet, as the retrain workflow's checkout has them."""
    (tmp_path / "data").mkdir()
    for path in (ROOT / "data").iterdir():
        if path.name != DECEMBER.name:
            shutil.copy(path, tmp_path / "data" / path.name)
    return tmp_path


@pytest.fixture
def pointer(moto_endpoint, monkeypatch, tmp_path):
    import os

    monkeypatch.setenv("SSL_CERT_FILE", os.environ["AWS_CA_BUNDLE"])  # moto's own CA
    s3 = boto3.client("s3", endpoint_url=moto_endpoint, region_name="us-east-1")
    bucket = f"bikeshare-dispatch-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=bucket)

    def put(key: str, body: bytes, sha256: str | None = None) -> dict:
        s3.put_object(Bucket=bucket, Key=key, Body=body)
        url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key})
        digest = sha256 or hashlib.sha256(body).hexdigest()
        return {"uri": f"s3://{bucket}/{key}", "sha256": digest, "url": url}

    return put


def payload(pointer, data: bytes, sha256: str | None = None) -> dict:
    drift = b'{"retrain": true, "alert": ["windspeed", "weathersit"]}'
    return {
        "period": "2011-12",
        "model_version": "2011-11-abc",
        "alert": ["windspeed", "weathersit"],
        "data": pointer("input/2011-12.csv", data, sha256),
        "drift": pointer("scores/2011-12/x/drift.json", drift),
    }


def test_scored_training_data_becomes_the_new_month(workspace, pointer):
    note = dispatched.apply(workspace, payload(pointer, DECEMBER.read_bytes()))
    assert (workspace / "data/2011-12.csv").read_bytes() == DECEMBER.read_bytes()
    assert "| `2011-12.csv` |" in (workspace / "data/DATASHEET.md").read_text()
    assert "became `data/2011-12.csv`" in note and "`windspeed`" in note
    assert (workspace / "build/drift-retrain.md").read_text() == note


def test_features_only_data_retrains_on_git_and_says_why(workspace, pointer):
    lines = DECEMBER.read_text().splitlines()
    header = lines[0].split(",")
    keep = [i for i, c in enumerate(header) if c not in {"casual", "registered", "bikers"}]
    features = "\n".join(",".join(r.split(",")[i] for i in keep) for r in lines) + "\n"
    note = dispatched.apply(workspace, payload(pointer, features.encode()))
    assert not (workspace / "data/2011-12.csv").exists()
    assert "retrains on the data in git" in note and "contract" in note


def test_data_that_does_not_hash_to_the_payload_is_refused(workspace, pointer):
    with pytest.raises(dispatched.DispatchError, match="does not hash"):
        dispatched.apply(workspace, payload(pointer, DECEMBER.read_bytes(), "0" * 64))
    assert not (workspace / "data/2011-12.csv").exists()
