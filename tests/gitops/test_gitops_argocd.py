"""Argo CD objects: JSON schemas (@kubernetes-models/argo-cd) and the project's restrictions."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from gitops.layout import ENVIRONMENTS, OVERLAYS

from .conftest import ROOT, require_tool

REPO_URL = "https://github.com/acme-mlops/bikeshare-gitops.git"
VALIDATOR = Path(__file__).parent / "argo_schema" / "validate.mjs"
# Kinds the project allows although the current manifests do not render them yet.
PLANNED_KINDS = {("batch", "CronJob")}


def validate_argo(docs: list[dict]) -> subprocess.CompletedProcess:
    require_tool("node")
    modules = os.environ.get("ARGO_SCHEMA_MODULES", str(ROOT / "build/gitops-node"))
    if not (Path(modules) / "node_modules/@kubernetes-models/argo-cd").is_dir():
        pytest.fail(f"Argo CD schemas not installed in {modules}: run `make gitops-tools`.")
    return subprocess.run(
        ["node", str(VALIDATOR)],
        input=json.dumps(docs),
        capture_output=True,
        text=True,
        env={**os.environ, "ARGO_SCHEMA_MODULES": modules},
        check=False,
    )


def of_kind(docs: list[dict], kind: str) -> dict[str, dict]:
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


@pytest.mark.slow  # node + the npm Argo CD schemas
def test_argocd_objects_match_their_schemas(argocd_docs):
    result = validate_argo(argocd_docs)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("ok ") == len(argocd_docs) == 5


@pytest.mark.slow  # node + the npm Argo CD schemas
def test_schema_check_rejects_a_wrong_type(argocd_docs):
    app = json.loads(json.dumps(of_kind(argocd_docs, "Application")["bikeshare-prod"]))
    app["spec"]["syncPolicy"]["automated"]["prune"] = "yes"
    result = validate_argo([app])
    assert result.returncode == 1 and "FAIL Application/bikeshare-prod" in result.stdout


@pytest.mark.slow  # node + the npm Argo CD schemas
def test_schema_check_rejects_a_misspelled_key(argocd_docs):
    app = json.loads(json.dumps(of_kind(argocd_docs, "Application")["bikeshare-staging"]))
    app["spec"]["syncPolicy"]["automated"]["selfheal"] = True
    result = validate_argo([app])
    assert result.returncode == 1 and "/spec/syncPolicy/automated/selfheal" in result.stdout


def test_one_application_per_environment_from_this_repository(argocd_docs):
    apps = of_kind(argocd_docs, "Application")
    assert set(apps) == {"bikeshare-root", *(f"bikeshare-{env}" for env in ENVIRONMENTS)}
    for env in ENVIRONMENTS:
        spec = apps[f"bikeshare-{env}"]["spec"]
        assert spec["project"] == "bikeshare"
        assert spec["source"] == {
            "repoURL": REPO_URL,
            "targetRevision": "main",
            "path": (OVERLAYS / env).as_posix(),
        }
        assert (ROOT / spec["source"]["path"] / "kustomization.yaml").is_file()
        assert spec["destination"] == {"name": f"bikeshare-{env}", "namespace": "bikeshare"}
        # Both sync what is merged to main; prod's gate is the reviewed promotion PR.
        assert spec["syncPolicy"]["automated"] == {"prune": True, "selfHeal": True}
    root = apps["bikeshare-root"]["spec"]
    assert root["source"]["path"] == "argocd/apps" and root["project"] == "bikeshare-root"


def test_projects_restrict_source_destinations_and_kinds(argocd_docs, rendered_docs):
    projects = of_kind(argocd_docs, "AppProject")
    for project in projects.values():
        assert project["spec"]["sourceRepos"] == [REPO_URL]
    apps = of_kind(argocd_docs, "Application")
    for app in apps.values():
        spec = projects[app["spec"]["project"]]["spec"]
        assert app["spec"]["source"]["repoURL"] in spec["sourceRepos"]
        assert app["spec"]["destination"] in spec["destinations"]

    spec = projects["bikeshare"]["spec"]
    assert spec["clusterResourceWhitelist"] == [{"group": "", "kind": "Namespace"}]
    allowed = {(k["group"], k["kind"]) for k in spec["namespaceResourceWhitelist"]}
    used = {
        (d["apiVersion"].rpartition("/")[0], d["kind"])
        for docs in rendered_docs.values()
        for d in docs
    }
    assert used <= allowed, used - allowed
    assert allowed - used <= PLANNED_KINDS, allowed - used
