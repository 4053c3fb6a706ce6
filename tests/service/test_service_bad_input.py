"""Every bad input answers 4xx with a message; the server stays healthy and logs no input."""

import httpx
import pytest

from tests.service.bad_requests import BAD_REQUESTS, GOOD_RECORD, SENTINEL, SENTINELS

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
    message = response.json()["error"]
    assert isinstance(message, str) and message
    assert SENTINEL not in response.text and "Traceback" not in response.text


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
