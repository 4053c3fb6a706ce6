"""SageMaker's routes on the served service (bento/sagemaker.py): GET /ping and POST
/invocations answer like /readyz and /predict, for JSON and CSV bodies, good and bad."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import httpx
import pandas as pd
import pytest

from bento.sagemaker import CsvError, records_from_csv
from model.schema import FEATURES
from tests.service.bad_requests import BAD_REQUESTS, GOOD_RECORD, SENTINELS
from tests.service.sagemaker_requests import CSV, CSV_LIKE_JSON, JSON, csv_body, csv_line, json_with
from tests.service.test_service_bad_input import send

REPO = Path(__file__).resolve().parents[2]
ROWS = 200


@pytest.fixture(scope="module")
def december() -> list[dict]:
    frame = pd.read_csv(REPO / "data" / "2011-12.csv").head(ROWS)
    return json.loads(frame[list(FEATURES)].to_json(orient="records"))


# --- CSV reading, in process ---------------------------------------------------------------


def test_csv_rows_become_predict_records_in_feature_order():
    body = (csv_line(GOOD_RECORD) + "\r\n" + csv_line(GOOD_RECORD, hr="23") + "\n\n").encode()
    records = records_from_csv(body)
    assert records == [GOOD_RECORD, {**GOOD_RECORD, "hr": 23}]
    assert [type(records[0][n]) for n in ("hr", "temp", "mnth")] == [int, float, str]
    # Not a number to Python either: left as text for the request model to refuse.
    assert records_from_csv(csv_line(GOOD_RECORD, hr="9" * 5000).encode())[0]["hr"] == "9" * 5000
    assert records_from_csv(b"\r\n\n") == []
    for odd in ("1_0", " 8", "\u0663"):  # Python reads them as numbers, JSON would not
        assert records_from_csv(csv_line(GOOD_RECORD, hr=odd).encode())[0]["hr"] == odd


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (",".join(FEATURES).encode() + b"\n" + csv_body([GOOD_RECORD]), "without a header"),
        (csv_line(GOOD_RECORD).rsplit(",", 1)[0].encode(), "line 1 has 10 values"),
        (csv_body([GOOD_RECORD]) + b"\n" + csv_body([GOOD_RECORD]), "line 2 has 0 values"),
        (csv_body([GOOD_RECORD]) + b"1,\xff\xfe\n", "not UTF-8"),
        (b'1,"Jan"x,8\n', "malformed"),
        (csv_body([GOOD_RECORD] * 1001), "over 1000 rows"),
    ],
    ids=["header", "too few values", "blank line inside", "not utf-8", "bad quoting", "rows"],
)
def test_csv_that_is_not_rows_of_features_is_refused_in_one_sentence(body, words):
    with pytest.raises(CsvError, match=words) as error:
        records_from_csv(body)
    assert "\n" not in str(error.value)


# --- the entrypoint's choice of port (the real script, BentoML's replaced by a probe) ---------


def entrypoint(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    (tmp_path / "entrypoint.sh").write_bytes((REPO / "bento" / "entrypoint.sh").read_bytes())
    probe = 'echo "port=${BENTOML_PORT:-unset} args=$*"\n'
    (tmp_path / "bentoml-entrypoint.sh").write_text(probe)
    clean = {
        k: v for k, v in os.environ.items() if k not in ("BENTOML_PORT", "SAGEMAKER_BIND_TO_PORT")
    }
    return subprocess.run(
        ["bash", str(tmp_path / "entrypoint.sh"), *args],
        capture_output=True, text=True, env={**clean, **env},
    )  # fmt: skip


def test_serve_argument_listens_on_8080_or_sagemakers_port(tmp_path):
    assert entrypoint(tmp_path).stdout.strip() == "port=unset args="
    assert entrypoint(tmp_path, "serve").stdout.strip() == "port=8080 args=serve"
    bound = entrypoint(tmp_path, "serve", SAGEMAKER_BIND_TO_PORT="8123")
    assert bound.stdout.strip() == "port=8123 args=serve"
    # Outside SageMaker mode the variable changes nothing.
    assert entrypoint(tmp_path, SAGEMAKER_BIND_TO_PORT="8123").stdout.strip() == "port=unset args="


def test_a_bad_sagemaker_port_stops_the_start_with_one_sentence(tmp_path):
    result = entrypoint(tmp_path, "serve", SAGEMAKER_BIND_TO_PORT="80a")
    assert result.returncode != 0 and result.stdout == ""
    assert result.stderr.strip().count("\n") == 0 and "SAGEMAKER_BIND_TO_PORT" in result.stderr


# --- the served service -------------------------------------------------------------------


@pytest.mark.slow
def test_ping_answers_like_readyz(service):
    url, _ = service
    assert httpx.get(f"{url}/ping", timeout=10).status_code == 200
    for method in ("POST", "PUT"):
        ping = httpx.request(method, f"{url}/ping", json={}, timeout=10)
        readyz = httpx.request(method, f"{url}/readyz", json={}, timeout=10)
        assert ping.status_code == readyz.status_code == 405


@pytest.mark.slow
def test_invocations_predict_like_predict_for_json_and_csv(service, december):
    url, _ = service
    predict = httpx.post(f"{url}/predict", json={"records": december}, timeout=30)
    assert predict.status_code == 200, predict.text[:500]
    as_json = httpx.post(f"{url}/invocations", json={"records": december}, timeout=30)
    as_csv = httpx.post(f"{url}/invocations", content=csv_body(december), headers=CSV, timeout=30)
    charset = {"content-type": "text/csv; charset=utf-8"}
    as_csv_utf8 = httpx.post(
        f"{url}/invocations", content=csv_body(december), headers=charset, timeout=30
    )
    for response in (as_json, as_csv, as_csv_utf8):
        assert response.status_code == 200, response.text[:500]
        assert response.json() == predict.json()
    assert len(predict.json()["rentals"]) == ROWS


@pytest.mark.slow
@pytest.mark.parametrize(
    "case", [c for c in BAD_REQUESTS if c.path == "/predict"], ids=lambda c: c.name
)
def test_bad_json_gets_the_same_answer_on_invocations(service, case):
    url, _ = service
    on_predict = send(url, case)
    on_invocations = send(url, type(case)(**{**case.__dict__, "path": "/invocations"}))
    assert on_invocations.status_code == on_predict.status_code == case.status
    if case.status != 415:  # /invocations' 415 also names CSV
        assert on_invocations.json() == on_predict.json()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "cells", "as_json"), CSV_LIKE_JSON, ids=[c[0] for c in CSV_LIKE_JSON]
)
def test_bad_csv_values_get_the_answer_the_same_json_gets(service, name, cells, as_json):
    url, _ = service
    on_predict = httpx.post(f"{url}/predict", content=json_with(as_json), headers=JSON, timeout=10)
    body = (csv_line(GOOD_RECORD, **cells) + "\n").encode()
    on_invocations = httpx.post(f"{url}/invocations", content=body, headers=CSV, timeout=10)
    assert on_predict.status_code == 400, on_predict.text[:300]
    assert on_invocations.status_code == 400
    assert on_invocations.json() == on_predict.json()


@pytest.mark.slow
def test_csv_limits_are_predicts_limits(service):
    url, _ = service
    for rows, status in ((0, 400), (1000, 200), (1001, 400)):
        body = csv_body([GOOD_RECORD] * rows)
        response = httpx.post(f"{url}/invocations", content=body, headers=CSV, timeout=30)
        assert response.status_code == status, (rows, response.text[:300])
    header = ",".join(FEATURES).encode() + b"\n" + csv_body([GOOD_RECORD])
    refused = httpx.post(f"{url}/invocations", content=header, headers=CSV, timeout=10)
    assert refused.status_code == 400 and "header" in refused.json()["detail"]
    huge = b"1" * (16 * 1024 * 1024 + 1)
    assert (
        httpx.post(f"{url}/invocations", content=huge, headers=CSV, timeout=60).status_code == 413
    )


@pytest.mark.slow
def test_csv_only_on_invocations_and_other_types_refused_there(service):
    url, _ = service
    body = csv_body([GOOD_RECORD])
    assert httpx.post(f"{url}/predict", content=body, headers=CSV, timeout=10).status_code == 415
    plain = httpx.post(
        f"{url}/invocations", content=body, headers={"content-type": "text/plain"}, timeout=10
    )
    assert plain.status_code == 415 and "text/csv" in plain.json()["detail"]


@pytest.mark.slow
def test_csv_values_never_reach_the_log(service):
    url, log = service
    for _, cells, _ in CSV_LIKE_JSON:
        body = (csv_line(GOOD_RECORD, **cells) + "\n").encode()
        httpx.post(f"{url}/invocations", content=body, headers=CSV, timeout=10)
    assert httpx.get(f"{url}/ping", timeout=10).status_code == 200
    text = log.read_text()
    for sentinel in SENTINELS:
        assert sentinel not in text
    assert "Traceback" not in text
