"""The request rules and the error shape as plain functions (what another entry point calls):
the same answers as the HTTP service, without ASGI or BentoML."""

from __future__ import annotations

import json

import pytest

from bento import problems, request_checks
from bento.schemas import MAX_BODY_BYTES
from tests.service.bad_requests import BAD_REQUESTS, GOOD_RECORD, SENTINELS
from tests.service.sagemaker_requests import csv_body

GOOD = json.dumps({"records": [GOOD_RECORD]}).encode()


def test_a_good_request_gives_columns():
    columns = request_checks.check_request("/predict", "POST", "application/json", GOOD)
    assert columns["hr"] == [GOOD_RECORD["hr"]] and len(columns) == len(GOOD_RECORD)


def test_csv_on_invocations_gives_the_same_columns_as_json():
    rows = csv_body([GOOD_RECORD])
    as_csv = request_checks.check_request("/invocations", "POST", "text/csv", rows)
    as_json = request_checks.check_request("/invocations", "POST", "application/json", GOOD)
    assert as_csv == as_json


# The hostile set minus what only a server sees (chunked bodies are the same bytes here).
@pytest.mark.parametrize("case", BAD_REQUESTS, ids=lambda c: c.name)
def test_bad_requests_get_the_service_s_status_and_shape(case):
    with pytest.raises(problems.Problem) as refused:
        request_checks.check_request(case.path, "POST", case.headers.get("content-type"), case.body)
    problem = refused.value
    assert problem.status == case.status
    document = json.loads(problem.body())
    assert document["status"] == case.status and document["detail"]
    assert document["type"] == "about:blank" and document["title"]
    for sentinel in SENTINELS:
        assert sentinel not in problem.body().decode()
    assert problem.headers() == {"content-type": "application/problem+json"}


def test_wrong_method_and_declared_size():
    with pytest.raises(problems.Problem) as refused:
        request_checks.check_request("/predict", "GET", "application/json", b"")
    assert refused.value.status == 405
    with pytest.raises(problems.Problem) as refused:
        request_checks.check_size(MAX_BODY_BYTES + 1)
    assert refused.value.status == 413


def test_errors_point_into_the_body_with_json_pointers():
    body = json.dumps({"records": [GOOD_RECORD, {**GOOD_RECORD, "hr": 24, "temp": "x"}]})
    with pytest.raises(problems.Problem) as refused:
        request_checks.columns_from_body("/predict", body.encode())
    pointers = [e["pointer"] for e in refused.value.errors]
    assert pointers == ["#/records/1/hr", "#/records/1/temp"]
    assert problems.pointer(("a/b", "c~d")) == "#/a~1b/c~0d"  # RFC 6901 escapes


def test_only_the_first_errors_are_listed():
    body = json.dumps({"records": [{"x": 1}] * 10}).encode()
    with pytest.raises(problems.Problem) as refused:
        request_checks.columns_from_body("/predict", body)
    assert len(refused.value.errors) == problems.SHOWN_ERRORS
    assert "more)" in refused.value.detail
