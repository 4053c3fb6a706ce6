"""Which alerts open a rollback, and what the branch holds (real git, no server)."""

from __future__ import annotations

import datetime as dt

import pytest

from autorollback.act import open_rollback
from autorollback.decide import decide, deployed_at, parse_time
from gitops.layout import release_path, rendered_path

from .conftest import GOOD, git, prod_digest

pytestmark = pytest.mark.slow  # gitops CLI flows with real git (about 20 s)


def alert(name: str, started: dt.datetime, **labels: str) -> dict:
    return {
        "status": "firing",
        "labels": {"alertname": name, "severity": "page", **labels},
        "annotations": {
            "summary": "p99 latency of /predict is 2.6s",
            "runbook_url": "https://x/r.md",
        },
        "startsAt": started.strftime("%Y-%m-%dT%H:%M:%S.123456789Z"),
        "generatorURL": "http://prometheus/graph?g0.expr=x",
    }


def test_alertmanagers_nanosecond_times_are_read():
    when = parse_time("2026-12-07T21:50:01.123456789Z")
    assert when == dt.datetime(2026, 12, 7, 21, 50, 1, 123456, dt.UTC)
    assert parse_time("2026-12-07T21:50:01Z").tzinfo is not None


def test_only_the_service_alerts_soon_after_a_deploy_roll_back(promoted_repo):
    deployed = deployed_at(promoted_repo, "prod")
    soon = deployed + dt.timedelta(minutes=5)
    assert decide(promoted_repo, "prod", alert("BikeshareHighLatency", soon), 3600).rollback
    assert decide(
        promoted_repo, "prod", alert("BikeshareHighErrorRatio", soon, environment="prod"), 3600
    ).rollback
    refused = [
        alert("BikeshareReplicasNotReady", soon),  # not the release's error or latency
        alert("BikeshareHighLatency", soon, environment="staging"),  # another environment
        alert("BikeshareHighLatency", deployed + dt.timedelta(hours=2)),  # beyond the window
        alert("BikeshareHighLatency", deployed - dt.timedelta(minutes=1)),  # before the deploy
        {**alert("BikeshareHighLatency", soon), "status": "resolved"},
    ]
    for case in refused:
        decision = decide(promoted_repo, "prod", case, 3600)
        assert not decision.rollback, case
        assert decision.why


def test_the_rollback_branch_reverts_the_bad_promotion_with_the_alert_in_its_body(promoted_repo):
    head = git(promoted_repo, "rev-parse", "HEAD")
    started = deployed_at(promoted_repo, "prod") + dt.timedelta(minutes=1)
    opened = open_rollback(promoted_repo, "prod", alert("BikeshareHighLatency", started), "why")
    # The clone stays on main, untouched; the branch holds the revert.
    assert git(promoted_repo, "rev-parse", "HEAD") == head
    assert git(promoted_repo, "rev-parse", "--abbrev-ref", "HEAD") == "main"
    assert opened.branch.startswith("rollback/prod-")
    # The alert is named in the first screen (the reason) and told in full below it.
    assert opened.body.index("**Why:** why (page: p99 latency of /predict is 2.6s)") < (
        opened.body.index("### The alert that opened this rollback")
    )
    assert (
        "`BikeshareHighLatency` (page)" in opened.body and "Runbook: https://x/r.md" in opened.body
    )
    changed = git(promoted_repo, "diff", "--name-only", "main", opened.branch).splitlines()
    # The release and prod's hydrated manifests, which a promotion rewrites with it.
    assert changed == sorted([release_path("prod").as_posix(), rendered_path("prod").as_posix()])
    git(promoted_repo, "merge", "--quiet", "--no-ff", "-m", "merge rollback", opened.branch)
    assert prod_digest(promoted_repo) == GOOD
    # The alert still firing after the rollback is merged must not roll back the good release.
    still = deployed_at(promoted_repo, "prod") + dt.timedelta(minutes=1)
    decision = decide(promoted_repo, "prod", alert("BikeshareHighLatency", still), 3600)
    assert not decision.rollback and "not a promotion" in decision.why
