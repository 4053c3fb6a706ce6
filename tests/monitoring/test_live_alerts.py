"""The rules fired for real: Prometheus on loopback scrapes the real service (tests/fixtures/
service.py) every second with the rules the staging overlay ships (alerts' `for:` set to 0s,
expressions unchanged), an induced fault fires an alert, and a real Alertmanager delivers it
to a webhook receiver in this test."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlparse

import httpx
import pytest
from prometheus_client.utils import floatToGoString

from monitoring.reference import BUCKETS, RECORD

from .conftest import ROOT, require_tool, rules_for_release
from .stack import Webhook, start_alertmanager, start_prometheus, stop

pytestmark = pytest.mark.slow

ROW = {
    "season": 1,
    "mnth": "Jan",
    "hr": 8,
    "holiday": 0,
    "weekday": 3,
    "workingday": 1,
    "weathersit": "clear",
    "temp": 0.24,
    "atemp": 0.29,
    "hum": 0.6,
    "windspeed": 0.1,
}


@pytest.fixture(scope="session")
def stack(service, tmp_path_factory, champion_version):
    """(service URL, Prometheus URL, webhook): started once, stopped at the end."""
    url, _ = service
    work = tmp_path_factory.mktemp("monitoring")
    rules = rules_for_release(work, champion_version, for_override="0s")
    webhook = Webhook()
    alertmanager, am_url = start_alertmanager(
        require_tool("prometheus-alertmanager"), work, webhook
    )
    prometheus, prom_url = start_prometheus(
        require_tool("prometheus"), work, rules, urlparse(url).netloc, am_url
    )
    yield url, prom_url, webhook
    stop(prometheus)
    stop(alertmanager)
    webhook.close()


def query(prom_url: str, expr: str) -> list[dict]:
    answer = httpx.get(f"{prom_url}/api/v1/query", params={"query": expr}, timeout=5).json()
    assert answer["status"] == "success", answer
    return answer["data"]["result"]


def wait_for(check, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.5)
    raise AssertionError(f"not seen within {seconds} s: {what}")


def predict(url: str, trickle_seconds: float = 0.0) -> float:
    """One /predict request; with trickle_seconds, its body arrives in pieces over that time."""
    body = json.dumps({"records": [ROW]}).encode()

    def pieces():
        step = max(1, len(body) // 5)
        for at in range(0, len(body), step):
            time.sleep(trickle_seconds / 5)
            yield body[at : at + step]

    started = time.monotonic()
    response = httpx.post(
        f"{url}/predict",
        content=pieces() if trickle_seconds else body,
        headers={"content-type": "application/json"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    return time.monotonic() - started


def test_prometheus_scrapes_the_service_and_evaluates_the_rules(stack, champion_version):
    url, prom_url, _ = stack
    for _ in range(5):
        predict(url)
    wait_for(lambda: query(prom_url, 'up{job="bikeshare"} == 1'), 20, "the service scraped")
    # The release rule says what the service serves: no mismatch while they agree.
    served = wait_for(lambda: query(prom_url, "bikeshare_model_info"), 20, "bikeshare_model_info")
    assert {s["metric"]["model_version"] for s in served} == {champion_version}
    assert not query(prom_url, 'ALERTS{alertname="BikeshareModelVersionMismatch"}')
    # The service's prediction buckets are the reference's, so the shift rule can join them.
    live = {s["metric"]["le"] for s in query(prom_url, "bikeshare_predicted_rentals_bucket")}
    assert live == {floatToGoString(b) for b in BUCKETS}
    reference = query(prom_url, f'{RECORD}{{model_version="{champion_version}"}}')
    assert {s["metric"]["le"] for s in reference} == live
    wait_for(
        lambda: query(prom_url, "bikeshare:predicted_rentals:ks_rate1d"),
        20,
        "the KS recording rule joined live and reference buckets",
    )


def test_slow_requests_fire_the_latency_alert_through_alertmanager(stack):
    url, _, webhook = stack
    assert not webhook.firing("BikeshareHighLatency")
    # The fault: requests whose bodies arrive over 2.5 s (a slow network path to the
    # service); the server times a request from its first byte, so its p99 rises.
    with ThreadPoolExecutor(8) as pool:
        latencies = list(pool.map(lambda _: predict(url, trickle_seconds=2.5), range(8)))
    assert min(latencies) > 2.5, latencies
    firing = wait_for(
        lambda: webhook.firing("BikeshareHighLatency"), 40, "BikeshareHighLatency at the webhook"
    )
    assert firing[0]["labels"]["endpoint"] == "/predict"
    assert firing[0]["labels"]["severity"] == "page"
    # The error alert stays quiet: slow is not failed.
    assert not webhook.firing("BikeshareHighErrorRatio")


def test_every_dashboard_query_is_valid_promql_with_data_where_the_service_exports_it(stack):
    _, prom_url, _ = stack
    dashboard = json.loads((ROOT / "monitoring/dashboards/bikeshare.json").read_text())
    assert dashboard["uid"] and dashboard["schemaVersion"] >= 36
    ids = [p["id"] for p in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    exprs = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    for expr in exprs:
        query(prom_url, expr)  # asserts Prometheus accepted it
    # The service's own series are there (kube-state-metrics, cAdvisor and the job's push are
    # not: nothing runs them here).
    for expr in exprs[:5]:
        assert wait_for(lambda e=expr: query(prom_url, e), 20, expr)
