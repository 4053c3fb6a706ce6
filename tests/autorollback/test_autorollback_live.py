"""A bad deploy opens its own rollback, for real on loopback: prod was just promoted (real git
in a scratch repository), the served bento answers slowly (the slow-request fault of
tests/monitoring), a real Prometheus evaluates the shipped rules (`for:` 0s) and a real
Alertmanager routes with the shipped configuration (kube-prometheus-stack's values: files
and URLs pointed at this test), the receiver (autorollback/) makes the revert branch, a
reviewer merges it and prod's release is the previous digest again. Prints the timeline.

The fast variant: the served bento stands in for prod and the repository pins fake digests.
The same loop with played prod pods (two real signed images, the bad one built FROM the good
one with a switched /predict delay, prod played again after the merge) is
tests/image/test_autorollback_played.py (`make autorollback-timeline-pods`).
Not here: Argo CD syncing the merge and GitHub (the branch stays in the scratch clone)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlparse

import httpx
import pytest

from model import record as records
from tests.autorollback.alert_path import alert_path
from tests.monitoring.test_live_alerts import predict

from .conftest import GOOD, git, prod_digest

pytestmark = pytest.mark.slow


def test_a_slow_release_is_rolled_back_by_a_pr_with_the_alert(service, promoted_repo, tmp_path):
    champion_version = records.load()["version"]
    url, _ = service
    started = time.monotonic()
    with alert_path(promoted_repo, urlparse(url).netloc, champion_version, tmp_path) as path:
        receiver, pager = path.receiver, path.pager
        for _ in range(5):
            predict(url)
        time.sleep(3)  # a few clean scrapes first
        fault = time.monotonic()
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda _: predict(url, trickle_seconds=2.5), range(8)))
        deadline = time.monotonic() + 60
        while not receiver.events and time.monotonic() < deadline:
            time.sleep(0.2)
        assert receiver.events, "no rollback branch within 60 s of the fault"
        branch_at = time.monotonic()
        [event] = receiver.events
        assert event["alert"] == "BikeshareHighLatency"
        # The page reached PagerDuty's stand-in too: the rollback does not replace the page.
        deadline = time.monotonic() + 20
        while not pager.notifications and time.monotonic() < deadline:
            time.sleep(0.2)
        assert pager.notifications and pager.notifications[0]["event_action"] == "trigger"
        body = (promoted_repo / "build/autorollback/rollback.md").read_text()
        assert "BikeshareHighLatency" in body and "runbook_url" not in body
        assert "docs/runbooks/BikeshareHighLatency.md" in body
        # A repeated notification (Alertmanager's repeat, another replica) opens nothing new.
        again = httpx.post(
            path.url,
            json={
                "alerts": [
                    {
                        "status": "firing",
                        "labels": {"alertname": "BikeshareHighLatency"},
                        "startsAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    }
                ]
            },
            headers={"Authorization": "Bearer test-token"},
            timeout=10,
        )
        assert again.status_code == 200 and "already exists" in again.json()["done"][0]
        assert len(receiver.events) == 1
        # Without the token: refused.
        assert httpx.post(path.url, json={}, timeout=10).status_code == 401
        # The reviewer merges; Argo CD would sync prod to the previous digest.
        git(promoted_repo, "merge", "--quiet", "--no-ff", "-m", "Merge rollback", event["branch"])
        assert prod_digest(promoted_repo) == GOOD
        healthy = time.monotonic()
    alert_seen = receiver.first_notification - fault
    print(
        f"\ntimeline (s from the fault): alert at the receiver {alert_seen:.1f}, "
        f"rollback branch {branch_at - fault:.1f}, merged (prod's release = previous digest) "
        f"{healthy - fault:.1f}; setup {fault - started:.1f}"
    )
