"""Every alert pages someone and says what to do: each Prometheus alert links a runbook in its
annotations, each CloudWatch alarm in its description, and each runbook exists with its three
sections. Alertmanager's routing (kube-prometheus-stack's values) is checked by the real
amtool, and every alert's severity has a route."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
RUNBOOKS = ROOT / "docs" / "runbooks"
RULES = ROOT / "argocd" / "bikeshare" / "base" / "prometheusrule.yaml"
ALARMS = ROOT / "terraform" / "modules" / "cloudwatch-alarms" / "main.tf"
STACK = ROOT / "argocd" / "addons" / "kube-prometheus-stack.yaml"
URL = "https://github.com/acme-mlops/bikeshare-gitops/blob/main/docs/runbooks/"
SECTIONS = ("## What it means", "## What to look at", "## The fix")


def alerts() -> list[dict]:
    spec = yaml.safe_load(RULES.read_text())["spec"]
    return [rule for group in spec["groups"] for rule in group["rules"] if "alert" in rule]


def check_runbook(name: str) -> None:
    path = RUNBOOKS / f"{name}.md"
    assert path.is_file(), f"{path.relative_to(ROOT)} is missing"
    text = path.read_text()
    assert text.startswith(f"# {name}"), f"{path.name} must start with '# {name}'"
    for section in SECTIONS:
        body = text.split(section, 1)[1].split("\n## ", 1)[0] if section in text else ""
        assert body.strip(), f"{path.name} has no '{section}' section with content"
    fix = text.split("## The fix", 1)[1]
    assert "`" in fix, f"{path.name}: the fix must name the command that fixes it"


def test_every_prometheus_alert_links_its_runbook():
    found = alerts()
    assert len(found) >= 10
    for rule in found:
        url = rule["annotations"].get("runbook_url", "")
        assert url == f"{URL}{rule['alert']}.md", f"{rule['alert']}: runbook_url is {url!r}"
        check_runbook(rule["alert"])


def alarm_runbooks() -> dict[str, str]:
    text = ALARMS.read_text()
    block = re.search(r"runbooks = \{(.*?)\n  \}", text, re.S)
    assert block, "cloudwatch-alarms lost its local.runbooks map"
    return dict(re.findall(r"(\w+)\s*=\s*\"(\w+)\"", block.group(1)))


def test_every_cloudwatch_alarm_links_its_runbook():
    runbooks = alarm_runbooks()
    text = ALARMS.read_text()
    resources = re.findall(
        r'resource "aws_cloudwatch_metric_alarm" "(\w+)" \{(.*?)\n\}', text, re.S
    )
    assert len(resources) >= 5
    linked = set()
    for name, body in resources:
        description = re.search(r"alarm_description\s*=\s*\"(.*)\"", body)
        assert description, f"alarm {name} has no description"
        keys = re.findall(
            r"local\.runbook(?:\.(\w+)|\[\"(\w+)_\$\{each\.key\}\"\])", description[1]
        )
        assert keys, f"alarm {name}'s description does not link its runbook (local.runbook)"
        for key, prefix in keys:
            if key:
                linked.add(key)
            else:  # a for_each alarm: one runbook per key of the map
                linked |= {k for k in runbooks if k.startswith(f"{prefix}_")}
    assert linked == set(runbooks), f"alarms without a runbook: {set(runbooks) ^ linked}"
    for page in runbooks.values():
        check_runbook(page)


def alertmanager_config() -> dict:
    values = yaml.safe_load(STACK.read_text())["spec"]["template"]["spec"]["source"]["helm"]
    return values["valuesObject"]["alertmanager"]["config"]


def test_every_severity_reaches_a_receiver_and_the_service_alerts_reach_the_rollback():
    config = alertmanager_config()
    routes = config["route"]["routes"]
    receivers = {r["name"]: r for r in config["receivers"]}
    by_matcher = {m: r["receiver"] for r in routes for m in r["matchers"]}
    assert by_matcher['severity="page"'] == "pagerduty"
    assert by_matcher['severity="ticket"'] == "slack"
    assert {rule["labels"]["severity"] for rule in alerts()} == {"page", "ticket"}
    [rollback] = [r for r in routes if r["receiver"] == "autorollback"]
    assert rollback["continue"] is True, "the rollback receiver must not swallow the page"
    for name in ("BikeshareHighErrorRatio", "BikeshareHighLatency"):
        assert name in rollback["matchers"][0]
    # Keys come from files of the ExternalSecret's Secret, never inline.
    text = yaml.safe_dump(config)
    assert "routing_key:" not in text and "api_url:" not in text and "credentials:" not in text
    mounted = receivers["autorollback"]["webhook_configs"][0]["http_config"]["authorization"]
    assert mounted["credentials_file"].startswith(
        "/etc/alertmanager/secrets/alertmanager-receivers/"
    )


def test_amtool_accepts_the_alertmanager_config(tmp_path):
    amtool = shutil.which("amtool")
    if amtool is None:
        pytest.fail("amtool not found on PATH: run `make monitoring-tools` (Debian packages).")
    path = tmp_path / "alertmanager.yml"
    path.write_text(yaml.safe_dump(alertmanager_config()))
    result = subprocess.run([amtool, "check-config", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
