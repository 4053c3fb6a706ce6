"""POST /explain: SHAP contributions per raw feature; base + contributions = log(prediction)."""

from __future__ import annotations

import math

import httpx
import numpy as np
import pandas as pd
import pytest

from bento.explain import MAX_EXPLAIN_ROWS, Explainer
from model.schema import FEATURES
from model.validate import load_valid
from tests.conftest import REPO

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def rows() -> pd.DataFrame:
    return load_valid([REPO / "data/2011-12.csv"]).sample(40, random_state=0)


def test_contributions_and_base_value_sum_to_the_log_prediction(champion_in_store, rows):
    import bentoml

    pipeline = bentoml.sklearn.load_model(champion_in_store)
    base, values = Explainer(pipeline).explain(rows)
    assert values.shape == (len(rows), len(FEATURES))
    raw = pipeline.predict(rows[list(FEATURES)])
    np.testing.assert_allclose(base + values.sum(axis=1), np.log(raw), atol=1e-4)
    assert np.abs(values).sum(axis=0).min() >= 0 and np.abs(values).max() > 0.1


def test_explain_endpoint_agrees_with_predict(service, rows):
    url, _ = service
    records = rows[list(FEATURES)].head(10).to_dict("records")
    explained = httpx.post(f"{url}/explain", json={"records": records}, timeout=60)
    assert explained.status_code == 200, explained.text
    body = explained.json()
    predicted = httpx.post(f"{url}/predict", json={"records": records}, timeout=30).json()
    for contributions, rentals in zip(body["contributions"], predicted["rentals"], strict=True):
        assert set(contributions) == set(FEATURES)
        total = body["base_value"] + sum(contributions.values())
        # /predict rounds to 3 decimals: allow that rounding in log space.
        assert math.isclose(math.exp(total), rentals, rel_tol=1e-3, abs_tol=6e-4)
    assert body["model_version"] == predicted["model_version"]


def test_explain_is_bounded_and_answers_bad_input_as_predict_does(service, rows):
    url, _ = service
    record = rows[list(FEATURES)].head(1).to_dict("records")[0]
    too_many = httpx.post(
        f"{url}/explain", json={"records": [record] * (MAX_EXPLAIN_ROWS + 1)}, timeout=30
    )
    assert too_many.status_code == 400, too_many.text
    for bad in ({"records": []}, {"records": [{**record, "hr": 24}]}, {"records": [{"x": 1}]}):
        explain = httpx.post(f"{url}/explain", json=bad, timeout=30)
        predict = httpx.post(f"{url}/predict", json=bad, timeout=30)
        assert explain.status_code == predict.status_code == 400, explain.text


def test_explain_is_in_the_openapi_document(service):
    url, _ = service
    doc = httpx.get(f"{url}/docs.json", timeout=10).json()
    operation = doc["paths"]["/explain"]["post"]
    assert "log(predicted rentals)" in operation.get("description", "") + operation.get(
        "summary", ""
    )
    schemas = doc["components"]["schemas"]
    assert any("base_value" in s.get("properties", {}) for s in schemas.values()), list(schemas)
