"""Schema fuzzing over the Lambda path: bench/fuzz.py's schemathesis run, generated from the
service's own OpenAPI document, sent through an API Gateway stand-in (bench/lambda_gateway.py:
HTTP -> REST API proxy event on SAM CLI's template -> the handler in-process). The verdict is
the service's: bad input is a clear 4xx, never a 5xx."""

import httpx
import pytest

from bench.fuzz import fuzz
from bench.lambda_gateway import GatewayStandIn
from bento import lambda_handler

pytestmark = pytest.mark.slow  # the served service (for its document) and the model


def test_generated_requests_never_get_a_5xx_from_the_lambda_handler(service):
    url, _ = service
    docs = httpx.get(f"{url}/docs.json", timeout=30).json()
    with GatewayStandIn(lambda_handler.load(), docs) as gateway:
        statuses, failures = fuzz(gateway.url, examples=40)
    assert not failures, failures[:10]
    # The document also lists SageMaker's /invocations and GET routes the function answers
    # with 404/405; enough requests must still reach the predictor and its validation.
    assert statuses[400] > 50 and statuses[200] > 20, statuses
