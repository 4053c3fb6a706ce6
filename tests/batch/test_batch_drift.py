"""Drift on live inputs: the scoring job judges the period it scored against the champion's
training data, publishes drift.json with the predictions, pushes its metrics and, beyond the
threshold, asks GitHub for a retrain. The Pushgateway and GitHub are loopback HTTP receivers
here (GitHub cannot run here; the Pushgateway's text format is checked with the parser
Prometheus' Python client ships)."""

from __future__ import annotations

import json
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd
import pytest
from prometheus_client.parser import text_string_to_metric_families

from model import record as records
from model.schema import BY_NAME, FEATURES
from scoring import drift as live_drift
from scoring.job import score_period
from scoring.rows import BatchError
from scoring.store import input_key, output_prefix

ROOT = Path(__file__).resolve().parents[2]
PERIOD = "2011-12"

pytestmark = pytest.mark.slow


class Receiver:
    """Answers every request with `status` and keeps (method, path, headers, body)."""

    def __init__(self, status: int) -> None:
        self.requests: list[tuple[str, str, dict, bytes]] = []
        seen = self.requests

        class Handler(BaseHTTPRequestHandler):
            def _any(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                seen.append((self.command, self.path, dict(self.headers), body))
                self.send_response(status)
                self.end_headers()

            do_PUT = do_POST = _any

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def test_the_job_publishes_drift_next_to_the_predictions(s3, bucket, champion_predictor):
    s3.put_object(
        Bucket=bucket, Key=input_key(PERIOD), Body=(ROOT / f"data/{PERIOD}.csv").read_bytes()
    )
    record = score_period(s3, bucket, PERIOD, predictor=champion_predictor)
    champion = records.load()
    key = output_prefix(PERIOD, champion["version"]) + "drift.json"
    drift = json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
    assert drift["reference_periods"] == champion["trained_on"]["periods"]
    assert sorted(f["feature"] for f in drift["features"]) == sorted(FEATURES)
    assert drift["rows"] == record["rows"]["scored"]
    assert record["outputs"]["drift.json"]["sha256"]  # covered by the run record
    # December against January-November: its temperatures leave the training range.
    by_name = {f["feature"]: f for f in drift["features"]}
    assert by_name["hr"]["status"] != "alert"  # hours are spread alike every month
    assert by_name["temp"]["ks"] is not None and 0 <= by_name["temp"]["ks"] <= 1


def _shifted(champion: dict) -> pd.DataFrame:
    """December with strong wind and the rarest weather every hour."""
    rows = live_drift.reference(champion).tail(700).copy()
    return rows.assign(windspeed=0.85, weathersit=BY_NAME["weathersit"].categories[-1])


def test_metrics_are_pushed_and_a_retrain_is_requested_beyond_the_threshold():
    champion = records.load()
    config = live_drift.settings()
    drift = live_drift.report(PERIOD, champion, _shifted(champion), config)
    assert len(drift["alert"]) >= config["retrain"]["min_alert_features"], drift["alert"]
    assert drift["retrain"] is True
    gateway, github = Receiver(200), Receiver(204)
    env = {
        live_drift.PUSHGATEWAY: gateway.url,
        live_drift.RETRAIN_REPOSITORY: "acme-mlops/bikeshare-gitops",
        live_drift.GITHUB_API: github.url,
        "GITHUB_TOKEN": "test-token",
    }
    done = live_drift.follow_up(drift, {"in": 700, "scored": 700, "rejected": 0}, env)
    assert len(done) == 2
    [(method, path, _, body)] = gateway.requests
    assert (method, path) == ("PUT", "/metrics/job/bikeshare-score")
    families = {f.name: f for f in text_string_to_metric_families(body.decode())}
    [alerting] = [
        s
        for s in families["bikeshare_scoring_drift_features"].samples
        if s.labels["status"] == "alert"
    ]
    assert alerting.value == len(drift["alert"])
    assert alerting.labels["period"] == PERIOD
    [(method, path, headers, body)] = github.requests
    assert (method, path) == ("POST", "/repos/acme-mlops/bikeshare-gitops/dispatches")
    assert headers["Authorization"] == "Bearer test-token"
    payload = json.loads(body)
    assert payload["event_type"] == "drift-retrain"
    assert payload["client_payload"]["alert"] == drift["alert"]


def test_no_retrain_below_the_threshold_and_a_refusing_gateway_is_an_error():
    champion = records.load()
    drift = live_drift.report(
        PERIOD, champion, live_drift.reference(champion).tail(700), live_drift.settings()
    )
    assert drift["retrain"] is False
    github = Receiver(204)
    env = {
        live_drift.RETRAIN_REPOSITORY: "acme-mlops/bikeshare-gitops",
        live_drift.GITHUB_API: github.url,
    }
    assert live_drift.follow_up(drift, {"in": 1}, env) == []
    assert github.requests == []
    with pytest.raises(BatchError, match="answered 500"):
        live_drift.follow_up(drift, {"in": 1}, {live_drift.PUSHGATEWAY: Receiver(500).url})


def test_a_reference_that_is_not_the_champions_is_refused(tmp_path):
    champion = records.load()
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    first = champion["trained_on"]["periods"][0]
    (data / f"{first}.csv").write_text((data / f"{first}.csv").read_text() + "\n")
    with pytest.raises(BatchError, match=f"{first}.csv is missing or differs"):
        live_drift.reference(champion, data)


def test_the_dispatch_carries_its_evidence_and_repeats_are_dropped_within_the_cool_down(s3, bucket):
    """The payload points at the scored data and drift.json (S3 URI, sha256, a presigned URL
    that serves those very bytes); a second request within the cool-down is dropped, the
    next one after it goes out: the state is an object in the bucket."""
    import datetime as dt
    import hashlib
    import os
    import ssl

    import httpx

    champion = records.load()
    drift = live_drift.report(PERIOD, champion, _shifted(champion), live_drift.settings())
    data = (ROOT / f"data/{PERIOD}.csv").read_bytes()
    s3.put_object(Bucket=bucket, Key=input_key(PERIOD), Body=data)
    drift_key = output_prefix(PERIOD, champion["version"]) + "drift.json"
    s3.put_object(Bucket=bucket, Key=drift_key, Body=live_drift.dumps(drift))
    evidence = live_drift.Evidence(
        s3,
        bucket,
        input_key(PERIOD),
        hashlib.sha256(data).hexdigest(),
        drift_key,
        hashlib.sha256(live_drift.dumps(drift)).hexdigest(),
    )
    github = Receiver(204)
    env = {
        live_drift.RETRAIN_REPOSITORY: "acme-mlops/bikeshare-gitops",
        live_drift.GITHUB_API: github.url,
        "GITHUB_TOKEN": "test-token",
    }
    now = dt.datetime(2026, 12, 1, 4, 0, tzinfo=dt.UTC)
    rows = {"in": 700, "scored": 700, "rejected": 0}

    def run(at: dt.datetime) -> list[str]:
        return live_drift.follow_up(drift, rows, env, evidence, cooldown_hours=168, now=at)

    assert run(now) == ["retrain requested on acme-mlops/bikeshare-gitops"]
    [(_, _, _, body)] = github.requests
    payload = json.loads(body)["client_payload"]
    assert payload["period"] == PERIOD and payload["alert"] == drift["alert"]
    assert payload["data"]["uri"] == f"s3://{bucket}/{input_key(PERIOD)}"
    assert payload["drift"]["uri"] == f"s3://{bucket}/{drift_key}"
    tls = ssl.create_default_context(cafile=os.environ["AWS_CA_BUNDLE"])
    fetched = httpx.get(payload["data"]["url"], verify=tls, timeout=10)
    assert hashlib.sha256(fetched.content).hexdigest() == payload["data"]["sha256"]
    assert len(payload) <= 10  # GitHub's limit on client_payload's top-level properties
    # A re-run of the period two hours later, and the next period's run six days later: dropped.
    for later in (dt.timedelta(hours=2), dt.timedelta(days=6)):
        [line] = run(now + later)
        assert line.startswith("retrain not requested again"), line
    assert len(github.requests) == 1
    # After the cool-down, drift still beyond the threshold asks again.
    assert run(now + dt.timedelta(days=8)) == ["retrain requested on acme-mlops/bikeshare-gitops"]
    assert len(github.requests) == 2
    state = json.loads(s3.get_object(Bucket=bucket, Key=live_drift.DISPATCH_STATE)["Body"].read())
    assert state["at"] == (now + dt.timedelta(days=8)).isoformat()
