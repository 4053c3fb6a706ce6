"""The same image started with its Lambda entry point (`python -m awslambdaric
bento.lambda_handler.handler`, as modules/lambda-endpoint configures the function) and invoked
through the Lambda Runtime API, here a STAND-IN (bench/lambda_runtime.py: the three endpoints
awslambdaric uses; no AWS emulator can be had on this machine). It runs with Lambda's
constraints podman can give: read-only root but /tmp, a uid that is not the image's USER, no
capabilities. Events are AWS SAM CLI's shapes (tests/fixtures/lambda_events). Its answers are
compared with the Kubernetes-mode container of the session (`container`): same predictions,
same answers to the service's hostile set.
"""

from __future__ import annotations

import json
import os
import subprocess

import httpx
import pytest

from bench.lambda_cold_start import image_command
from bench.lambda_runtime import RuntimeAPI
from tests.fixtures.lambda_events import event
from tests.service.bad_requests import BAD_REQUESTS as SERVICE_BAD_REQUESTS
from tests.service.bad_requests import GOOD_RECORD, SENTINELS
from tests.service.test_service_bad_input import send

# The service's hostile set on the routes the Lambda function serves (SageMaker's
# /invocations is the endpoint's route, not the function's: it answers 404 there).
BAD_REQUESTS = [c for c in SERVICE_BAD_REQUESTS if c.path != "/invocations"]

pytestmark = pytest.mark.slow
JSON = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def lambda_container(built_image, tmp_path_factory):
    """The image running as a Lambda function would, fed by the stand-in; yields (api, log)."""
    log = tmp_path_factory.mktemp("lambda") / "container.log"
    with RuntimeAPI() as api, log.open("wb") as out:
        name = f"bikeshare-lambda-{os.getpid()}"
        command, env, cwd = image_command(api, built_image["IMAGE_NAME"], name)
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        try:
            api.wait_ready(timeout=180)
            yield api, log
        finally:
            subprocess.run(["podman", "stop", "-t", "2", name], capture_output=True)
            process.terminate()
            process.wait(timeout=60)


def invoke(api: RuntimeAPI, request: dict) -> dict:
    answer = api.invoke(request)
    assert answer.error is None, answer.error
    return answer.result


def test_predict_and_version_match_the_kubernetes_mode_container(lambda_container, container):
    (api, _), (url, _) = lambda_container, container
    rows = [GOOD_RECORD, {**GOOD_RECORD, "hr": 17}, {**GOOD_RECORD, "weathersit": "cloudy/misty"}]
    body = json.dumps({"records": rows}).encode()
    for kind in ("rest-v1", "http-v2"):
        answer = invoke(api, event(kind, "POST", "/predict", body, JSON, "/lambda"))
        assert answer["statusCode"] == 200, answer
        served = httpx.post(f"{url}/predict", content=body, headers=JSON, timeout=30)
        assert json.loads(answer["body"]) == served.json()
    version = invoke(api, event("rest-v1", "GET", "/version", headers={}, proxy_prefix="/lambda"))
    assert json.loads(version["body"]) == httpx.get(f"{url}/version", timeout=10).json()


@pytest.mark.parametrize("case", BAD_REQUESTS, ids=lambda c: c.name)
def test_hostile_set_gets_the_services_answers(lambda_container, container, case):
    (api, _), (url, _) = lambda_container, container
    answer = invoke(api, event("rest-v1", "POST", case.path, case.body, case.headers, "/lambda"))
    served = send(url, case)
    assert answer["statusCode"] == served.status_code == case.status
    assert json.loads(answer["body"]) == served.json()


def test_explain_answers_from_the_image(lambda_container):
    api, _ = lambda_container
    body = json.dumps({"records": [GOOD_RECORD]}).encode()
    answer = invoke(api, event("http-v2", "POST", "/explain", body, JSON))
    assert answer["statusCode"] == 200, answer
    assert set(json.loads(answer["body"])["contributions"][0]) == set(GOOD_RECORD)


def test_logs_hold_no_request_data(lambda_container):
    api, log = lambda_container
    for case in BAD_REQUESTS:
        invoke(api, event("http-v2", "POST", case.path, case.body, case.headers))
    text = log.read_text(errors="replace")
    assert "rejected request on /predict" in text  # the log is there, and names no value
    for sentinel in SENTINELS:
        assert sentinel not in text
