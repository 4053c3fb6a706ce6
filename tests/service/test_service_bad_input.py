"""Every bad input answers 4xx with a message; the server stays healthy and logs no input."""

import httpx
import pytest

from tests.service.bad_requests import BAD_REQUESTS, GOOD_RECORD, SENTINELS

pytestmark = pytest.mark.slow  # the bentoml server


def send(url: str, case) -> httpx.Response:
    content = case.body
    if case.chunked:

        def chunks(data=case.body, size=1 << 20):
            for start in range(0, len(data), size):
                yield data[start : start + size]

        content = chunks()
    return httpx.post(f"{url}{case.path}", content=content, headers=case.headers, timeout=60)


@pytest.mark.parametrize("case", BAD_REQUESTS, ids=lambda c: c.name)
def test_bad_input_gets_a_clear_4xx(service, case):
    url, _ = service
    response = send(url, case)
    assert response.status_code == case.status, response.text[:500]
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == case.status and problem["title"]
    assert isinstance(problem["detail"], str) and problem["detail"]
    for sentinel in SENTINELS:  # never a request value, nor a key the schema does not know
        assert sentinel not in response.text
    assert "Traceback" not in response.text


def test_server_is_healthy_after_bad_input_and_logs_no_request_data(service):
    url, log = service
    for case in BAD_REQUESTS:
        send(url, case)
    assert httpx.get(f"{url}/readyz", timeout=10).status_code == 200
    good = httpx.post(f"{url}/predict", json={"records": [GOOD_RECORD]}, timeout=10)
    assert good.status_code == 200
    text = log.read_text()
    for sentinel in SENTINELS:
        assert sentinel not in text
    assert "Traceback" not in text
    assert "status=5" not in text


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", "/predict", 405), ("GET", "/explain", 405), ("GET", "/no-such-route", 404)],
)
def test_wrong_method_or_path_gets_the_same_problem_shape(service, method, path, status):
    url, _ = service
    response = httpx.request(method, f"{url}{path}", timeout=10)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == status and response.json()["detail"]
