"""Day one's values in config/platform.yaml and what follows from them, offline."""

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from platform_setup.config import parse
from platform_setup.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]


def _config() -> dict:
    return yaml.safe_load((REPO / "config/platform.yaml").read_text())


def test_codeowners_names_exactly_the_configured_teams():
    owners = (REPO / ".github/CODEOWNERS").read_text()
    named = set(re.findall(r"@([A-Za-z0-9-]+/[A-Za-z0-9._-]+)", owners))
    assert named == set(_config()["teams"].values())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["teams"].update(ml="no-slash"), "teams.ml"),
        (lambda d: d.update(mlflow_tracking_uri="http://plain.example.com"), "mlflow_tracking_uri"),
        (lambda d: d["github_app"].update(client_id="secret!"), "github_app.client_id"),
        (lambda d: d["environments"]["prod"].update(dns_zone="Not A Zone"), "dns_zone"),
        (
            lambda d: d["environments"]["prod"].update(certificate_arn="arn:aws:acm:x"),
            "certificate_arn",
        ),
    ],
)
def test_bad_day_one_values_are_refused(change, message):
    data = _config()
    change(data)
    with pytest.raises(ConfigError, match=message):
        parse(data)


def test_the_workflows_get_the_mlflow_uri_and_the_apps_client_id():
    import json

    variables = json.loads((REPO / ".github/variables.json").read_text())["repository"]
    assert variables["MLFLOW_TRACKING_URI"] == _config()["mlflow_tracking_uri"]
    assert variables["BOT_APP_CLIENT_ID"] == _config()["github_app"]["client_id"]


@pytest.mark.parametrize("env", ["staging", "prod"])
def test_no_service_account_carries_an_irsa_annotation(env):
    rendered = subprocess.run(
        ["kubectl", "kustomize", str(REPO / "argocd/bikeshare/overlays" / env)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    accounts = [d for d in yaml.safe_load_all(rendered) if d and d["kind"] == "ServiceAccount"]
    assert accounts
    for account in accounts:
        assert "eks.amazonaws.com/role-arn" not in (account["metadata"].get("annotations") or {})


def test_argocd_manages_the_install_the_bootstrap_applied():
    makefile = (REPO / "mk/platform.mk").read_text()
    version = re.search(r"^ARGOCD_VERSION := (\S+)$", makefile, re.M).group(1)
    docs = list(yaml.safe_load_all((REPO / "argocd/bootstrap/argocd.yaml").read_text()))
    app = next(d for d in docs if d["kind"] == "Application")
    source = app["spec"]["source"]
    assert source["targetRevision"] == version
    assert source["repoURL"] == "https://github.com/argoproj/argo-cd"
    assert source["directory"]["include"] == "install.yaml"
    assert app["spec"]["syncPolicy"]["automated"]["prune"] is False
