"""The service in the container answers like the service in process: same predictions from the
champion, the same 4xx for every bad input (tests/service/bad_requests.py), and no request
data in the container's logs."""

import json

import bentoml
import httpx
import numpy as np
import pandas as pd
import pytest

from model.schema import FEATURES
from model.train import predict
from tests.image.conftest import REPO, run
from tests.service.bad_requests import BAD_REQUESTS, GOOD_RECORD, SENTINELS
from tests.service.test_service_bad_input import send

pytestmark = pytest.mark.slow  # podman: an image built, run or pushed

ROWS = 200


@pytest.fixture(scope="module")
def december() -> pd.DataFrame:
    return pd.read_csv(REPO / "data" / "2011-12.csv").head(ROWS)


def test_container_predictions_equal_in_process_predictions(container, champion_in_store, december):
    url, _ = container
    model = bentoml.sklearn.load_model(champion_in_store)
    expected = predict(model, december).round(3)
    records = json.loads(december[list(FEATURES)].to_json(orient="records"))
    online = httpx.post(f"{url}/predict", json={"records": records}, timeout=30)
    columns = {name: [r[name] for r in records] for name in FEATURES}
    batch = httpx.post(f"{url}/predict_batch", json={"columns": columns}, timeout=30)
    for response in (online, batch):
        assert response.status_code == 200, response.text[:500]
        np.testing.assert_allclose(response.json()["rentals"], expected, rtol=0, atol=1e-3)


@pytest.mark.parametrize("case", BAD_REQUESTS, ids=lambda c: c.name)
def test_container_answers_bad_input_with_the_same_4xx(container, case):
    url, _ = container
    response = send(url, case)
    assert response.status_code == case.status, response.text[:500]
    assert response.json()["detail"]


def test_container_stays_healthy_and_logs_no_request_data(container):
    url, name = container
    for case in BAD_REQUESTS:
        assert send(url, case).status_code < 500
    assert httpx.get(f"{url}/readyz", timeout=10).status_code == 200
    good = httpx.post(f"{url}/predict", json={"records": [GOOD_RECORD]}, timeout=10)
    assert good.status_code == 200
    logs = run("podman", "logs", name)
    text = logs.stdout + logs.stderr
    assert "bikeshare" in text  # the log is there, so the checks below mean something
    for sentinel in SENTINELS:
        assert sentinel not in text
    assert "Traceback" not in text
    assert "status=5" not in text
