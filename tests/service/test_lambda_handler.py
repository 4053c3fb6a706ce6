"""The Lambda handler over API Gateway proxy events (AWS SAM CLI's shapes, both payload
versions): the service's answers, good and bad, from the one predictor.

"The service's answers" is checked against the real service (`bentoml serve` over HTTP on
loopback, the session's `service` fixture): the same status and the same problem document.
"""

from __future__ import annotations

import json
import logging
import math

import httpx
import pytest

from bento import lambda_handler
from bento.explain import MAX_EXPLAIN_ROWS
from model import paths
from model.predictor import Predictor
from model.schema import FEATURES
from tests.fixtures.lambda_events import KINDS, event
from tests.service.bad_requests import BAD_REQUESTS as SERVICE_BAD_REQUESTS
from tests.service.bad_requests import GOOD_RECORD, SENTINELS

# The service's hostile set on the routes the Lambda function serves (SageMaker's
# /invocations is the endpoint's route, not the function's: it answers 404 there).
BAD_REQUESTS = [c for c in SERVICE_BAD_REQUESTS if c.path != "/invocations"]

pytestmark = pytest.mark.slow  # loads the champion from the store
JSON = {"content-type": "application/json"}
# What a REST API sends through modules/api-gateway's /lambda/{proxy+}; "" is a root proxy.
PREFIXES = ("/lambda", "")


@pytest.fixture(scope="module")
def handler(champion_in_store) -> lambda_handler.Handler:
    return lambda_handler.load()


@pytest.fixture(scope="module")
def service_answer(service):
    """(status, JSON body) of the served service for one POST."""
    url, _ = service

    def call(path: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict]:
        answer = httpx.post(url + path, content=body, headers=headers, timeout=30)
        return answer.status_code, answer.json()

    return call


def records(*rows: dict) -> bytes:
    return json.dumps({"records": list(rows)}).encode()


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize("kind", KINDS)
def test_predict_answers_what_the_service_answers(handler, service_answer, kind, prefix):
    body = records(GOOD_RECORD, {**GOOD_RECORD, "hr": 17, "weathersit": "light rain/snow"})
    answer = handler(event(kind, "POST", "/predict", body, JSON, prefix))
    assert answer["statusCode"] == 200, answer["body"]
    assert answer["headers"]["content-type"] == "application/json"
    assert json.loads(answer["body"]) == service_answer("/predict", body, JSON)[1]


@pytest.mark.parametrize("kind", KINDS)
def test_predict_batch_goes_through_the_one_predictor(handler, kind):
    columns = {name: [GOOD_RECORD[name]] * 40 for name in FEATURES} | {"hr": list(range(24)) * 2}
    columns = {name: values[:40] for name, values in columns.items()}
    body = json.dumps({"columns": columns}).encode()
    answer = handler(event(kind, "POST", "/predict_batch", body, JSON, "/lambda"))
    assert answer["statusCode"] == 200, answer["body"]
    expected = Predictor(handler.predictor.pipeline).predict(columns).tolist()
    assert json.loads(answer["body"])["rentals"] == expected
    assert len(set(expected)) > 1


@pytest.mark.parametrize("case", BAD_REQUESTS, ids=lambda c: c.name)
@pytest.mark.parametrize("kind", KINDS)
def test_bad_input_gets_the_services_answer(handler, service_answer, kind, case):
    """The hostile set of the service: same status, same body. (API Gateway has no chunked
    bodies: the chunked case arrives whole, and both must still answer 413.)"""
    answer = handler(event(kind, "POST", case.path, case.body, case.headers, "/lambda"))
    _, body = service_answer(case.path, case.body, case.headers)
    assert (answer["statusCode"], json.loads(answer["body"])) == (case.status, body)
    assert not any(s in answer["body"] for s in SENTINELS[:2])


def test_explain_sums_to_the_log_prediction_and_is_bounded(handler):
    body = records(GOOD_RECORD, {**GOOD_RECORD, "hr": 18})
    explained = handler(event("rest-v1", "POST", "/explain", body, JSON, "/lambda"))
    assert explained["statusCode"] == 200, explained["body"]
    answer = json.loads(explained["body"])
    predicted = json.loads(handler(event("rest-v1", "POST", "/predict", body, JSON))["body"])
    for contributions, rentals in zip(answer["contributions"], predicted["rentals"], strict=True):
        assert set(contributions) == set(FEATURES)
        total = answer["base_value"] + sum(contributions.values())
        assert total == pytest.approx(math.log(rentals), abs=1e-3)
    too_many = records(*[GOOD_RECORD] * (MAX_EXPLAIN_ROWS + 1))
    refused = handler(event("http-v2", "POST", "/explain", too_many, JSON))
    assert refused["statusCode"] == 400
    assert "at most 100 items" in json.loads(refused["body"])["detail"]


@pytest.mark.parametrize("kind", KINDS)
def test_version_and_health_are_gets(handler, kind):
    version = handler(event(kind, "GET", "/version", headers={}))
    assert version["statusCode"] == 200
    champion = json.loads(paths.CHAMPION.read_text())
    assert json.loads(version["body"])["model_version"] == champion["version"]
    assert json.loads(version["body"])["bento_model_tag"] == champion["bento_model_tag"]
    assert handler(event(kind, "GET", "/healthz", headers={}))["statusCode"] == 200
    assert handler(event(kind, "POST", "/version", b"{}", JSON))["statusCode"] == 405
    assert handler(event(kind, "GET", "/predict", headers={}))["statusCode"] == 405
    missing = handler(event(kind, "GET", "/metrics", headers={}))
    assert missing["statusCode"] == 404
    assert "/docs.json" in json.loads(missing["body"])["detail"]
    assert version["headers"]["Model-Version"] == champion["version"]


def test_no_request_data_in_logs(handler, caplog):
    caplog.set_level(logging.DEBUG)
    for case in BAD_REQUESTS:
        handler(event("rest-v1", "POST", case.path, case.body, case.headers))
    assert "rejected request on /predict" in caplog.text
    for sentinel in SENTINELS:
        assert sentinel not in caplog.text


def test_a_failure_inside_is_a_500_with_one_sentence(handler, monkeypatch, caplog):
    monkeypatch.setattr(lambda_handler, "_HANDLER", handler)

    def broken(columns):
        raise RuntimeError(GOOD_RECORD["weathersit"])  # request data in the exception

    monkeypatch.setattr(handler.predictor, "predict", broken)
    answer = lambda_handler.handler(
        event("rest-v1", "POST", "/predict", records(GOOD_RECORD), JSON), None
    )
    assert answer["statusCode"] == 500
    assert answer["headers"]["content-type"] == "application/problem+json"
    assert json.loads(answer["body"])["status"] == 500
    assert "RuntimeError" not in answer["body"] and "clear" not in answer["body"]
    assert "RuntimeError" in caplog.text and "clear" not in caplog.text
