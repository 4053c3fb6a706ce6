"""Argo CD Notifications: the verification result as a GitHub commit status. Rendered and
checked here (the ConfigMap against Kubernetes' schemas, the trigger and template as Argo CD
reads them, the state against GitHub's commit-status states); never run: no Argo CD or GitHub
on this machine."""

from __future__ import annotations

import re

import pytest
import yaml

from .conftest import ROOT, kustomize
from .test_gitops_manifests import kubernetes_validate

# POST /repos/{owner}/{repo}/statuses/{sha}: `state` enum in GitHub's REST API description.
GITHUB_STATES = {"error", "failure", "pending", "success"}


@pytest.fixture(scope="module")
def notifications() -> dict:
    docs = yaml.safe_load_all(kustomize(ROOT / "argocd/apps"))
    return next(d for d in docs if d["metadata"]["name"] == "argocd-notifications-cm")


def test_the_configmap_is_valid_and_holds_no_secret(notifications, tmp_path):
    path = tmp_path / "cm.yaml"
    path.write_text(yaml.safe_dump(notifications))
    result = kubernetes_validate(path)
    assert result.returncode == 0, result.stdout + result.stderr
    service = yaml.safe_load(notifications["data"]["service.github"])
    # Every credential is a reference into argocd-notifications-secret, never a value.
    assert all(str(v).startswith("$github-") for v in service.values()), service


def test_the_trigger_fires_once_per_synced_revision_on_the_hook_result(notifications):
    (trigger,) = yaml.safe_load(notifications["data"]["trigger.on-verification-done"])
    assert trigger["send"] == ["verification-status"]
    assert "syncResult?.revision" in trigger["oncePer"]
    for phase in ("Succeeded", "Failed", "Error"):
        assert f"'{phase}'" in trigger["when"]
    assert "Running" not in trigger["when"]


def test_the_status_names_the_environment_and_maps_phases_to_github_states(notifications):
    template = yaml.safe_load(notifications["data"]["template.verification-status"])
    github = template["github"]
    assert github["revisionPath"].endswith("operationState.syncResult.revision}}")
    state = github["status"]["state"]
    branches = re.fullmatch(
        r'\{\{if eq \.app\.status\.operationState\.phase "Succeeded"\}\}'
        r"(\w+)\{\{else\}\}(\w+)\{\{end\}\}",
        state,
    )
    assert branches and set(branches.groups()) <= GITHUB_STATES
    assert branches.groups() == ("success", "failure")
    assert "bikeshare.acme-mlops.io/environment" in github["status"]["label"]


def test_every_bikeshare_application_subscribes(expanded_apps, notifications):
    apps = [a for a in expanded_apps if a["metadata"]["name"].startswith("bikeshare-")]
    apps = [a for a in apps if a["spec"]["source"]["path"].startswith("argocd/rendered/")]
    assert apps
    for app in apps:
        annotations = app["metadata"].get("annotations", {})
        key = "notifications.argoproj.io/subscribe.on-verification-done.github"
        assert key in annotations, app["metadata"]["name"]
        # The environment label the status names is on the Application itself.
        assert app["metadata"]["labels"]["bikeshare.acme-mlops.io/environment"]
