"""Fixtures of the batch tests: the session's moto server (tests/fixtures/moto.py, HTTPS),
the champion model, and a fresh bucket per test."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import boto3
import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def batch_env(champion_in_store, moto_endpoint) -> dict[str, str]:
    """Environment of a batch subprocess: the session's model store (tests/conftest.py) and
    the moto fixture's credentials and CA bundle (tests/fixtures/moto.py)."""
    return dict(os.environ)


@pytest.fixture(scope="session")
def s3(moto_endpoint):
    # Credentials and the server's CA bundle come from the environment the fixture sets.
    return boto3.client("s3", endpoint_url=moto_endpoint, region_name="us-east-1")


@pytest.fixture
def bucket(s3) -> str:
    """A fresh bucket per test, so tests never see each other's objects."""
    name = f"bikeshare-batch-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    return name


@pytest.fixture(scope="session")
def champion_predictor(champion_in_store):
    """The champion's predictor, loaded the way the batch job loads it."""
    from scoring.job import load_predictor

    return load_predictor(champion_in_store)


def read_json(s3, bucket: str, key: str) -> dict:
    return json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
