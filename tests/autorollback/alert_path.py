"""The alert path both auto-rollback tests run: the receiver on a scratch repository, a real
Alertmanager with the shipped routing (second-scale timers, the test's endpoints) and a real
Prometheus with the shipped rules (`for: 0s`) scraping one target as prod."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from autorollback.receiver import Receiver, serve
from tests.hygiene.test_runbooks import alertmanager_config
from tests.monitoring.conftest import require_tool, rules_for_release
from tests.monitoring.stack import Webhook, start_alertmanager, start_prometheus, stop

SECRETS = "/etc/alertmanager/secrets/alertmanager-receivers/"
TOKEN = "test-token"


def shipped_config(secrets: Path, receiver_url: str, pager: Webhook, chat: Webhook) -> dict:
    """The production routing with the test's endpoints and second-scale timers."""
    config = alertmanager_config()
    text = yaml.safe_dump(config).replace(SECRETS, f"{secrets}/")
    config = yaml.safe_load(
        text.replace("http://bikeshare-autorollback.bikeshare.svc:8080/alerts", receiver_url)
    )
    config["route"].update(group_wait="1s", group_interval="1s")
    receivers = {r["name"]: r for r in config["receivers"]}
    receivers["pagerduty"]["pagerduty_configs"][0]["url"] = pager.url
    (secrets / "slack-webhook-url").write_text(chat.url)
    return config


@dataclass
class AlertPath:
    receiver: Receiver
    url: str  # the receiver's /alerts
    pager: Webhook


@contextlib.contextmanager
def alert_path(repo: Path, target: str, model_version: str, tmp_path: Path) -> Iterator[AlertPath]:
    """Prometheus scrapes `target` (host:port) as prod; firing alerts reach the receiver,
    which opens rollbacks in `repo`. Everything is stopped on exit."""
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "autorollback-token").write_text(f"{TOKEN}\n")
    (secrets / "pagerduty-routing-key").write_text("0123456789abcdef0123456789abcdef\n")
    receiver = Receiver(repo, "prod", TOKEN, 3600)
    server = serve(receiver, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.server_address[1]}/alerts"
    processes = []
    try:
        pager, chat = Webhook(), Webhook()
        config = shipped_config(secrets, url, pager, chat)
        rules = rules_for_release(tmp_path, model_version, for_override="0s")
        alertmanager, am_url = start_alertmanager(
            require_tool("prometheus-alertmanager"), tmp_path, pager, config
        )
        processes.append(alertmanager)
        prometheus, _ = start_prometheus(
            require_tool("prometheus"), tmp_path, rules, target, am_url, {"environment": "prod"}
        )
        processes.append(prometheus)
        yield AlertPath(receiver, url, pager)
    finally:
        for process in reversed(processes):
            stop(process)
        server.shutdown()
