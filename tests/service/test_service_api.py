"""Online and batch predictions over real HTTP equal in-process predictions of the champion."""

import json
from pathlib import Path

import bentoml
import httpx
import numpy as np
import pandas as pd
import pytest

from model.schema import FEATURES
from model.train import predict
from tests.service.bad_requests import GOOD_RECORD

pytestmark = pytest.mark.slow  # the bentoml server

REPO = Path(__file__).resolve().parents[2]
CHAMPION = json.loads((REPO / "config" / "champion.json").read_text())


def holdout_rows(n: int) -> pd.DataFrame:
    return pd.read_csv(REPO / "data" / "2011-12.csv").head(n)[list(FEATURES)]


def test_online_predictions_equal_in_process(service, champion_in_store):
    url, _ = service
    rows = holdout_rows(50)
    response = httpx.post(f"{url}/predict", json={"records": rows.to_dict("records")}, timeout=30)
    assert response.status_code == 200, response.text
    body = response.json()
    expected = predict(bentoml.sklearn.load_model(champion_in_store), rows)
    np.testing.assert_allclose(body["rentals"], expected, atol=1e-3)
    assert body["model_version"] == CHAMPION["version"]


def test_batch_predictions_equal_online(service):
    url, _ = service
    rows = holdout_rows(500)
    online = httpx.post(f"{url}/predict", json={"records": rows.to_dict("records")}, timeout=30)
    batch = httpx.post(f"{url}/predict_batch", json={"columns": rows.to_dict("list")}, timeout=30)
    assert batch.status_code == 200, batch.text
    assert batch.json()["rentals"] == online.json()["rentals"]


def test_version_names_model_and_data(service):
    url, _ = service
    body = httpx.get(f"{url}/version", timeout=10).json()
    assert body["model_version"] == CHAMPION["version"]
    assert body["data_fingerprint"] == CHAMPION["data"]["fingerprint"]


def test_health_readiness_and_metrics(service):
    url, _ = service
    httpx.post(f"{url}/predict", json={"records": [GOOD_RECORD]}, timeout=10)
    assert httpx.get(f"{url}/livez", timeout=10).status_code == 200
    assert httpx.get(f"{url}/readyz", timeout=10).status_code == 200
    metrics = httpx.get(f"{url}/metrics", timeout=10).text
    assert f'model_version="{CHAMPION["version"]}"' in metrics
    assert "bikeshare_predicted_rentals_bucket" in metrics
    assert "bentoml_service_request_total{" in metrics
