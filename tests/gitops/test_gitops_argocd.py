"""Argo CD objects: JSON schemas (@kubernetes-models/argo-cd) and the project's restrictions,
on the objects the root syncs and on every Application the ApplicationSets generate for the
committed cluster registrations (our expansion, platform_setup/appsets.py)."""

from __future__ import annotations

import json
import os
import subprocess
from fnmatch import fnmatch
from pathlib import Path

import pytest

from gitops.layout import rendered_path
from platform_setup.config import load

from .conftest import ENVIRONMENTS, ROOT, require_tool

REPO_URL = load(ROOT).repo_url
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
    # The notifications ConfigMap is a core kind: test_gitops_notifications.py checks it.
    argo = [d for d in argocd_docs if d["apiVersion"].startswith("argoproj.io/")]
    assert len(argo) == len(argocd_docs) - 1
    result = validate_argo(argo)
    assert result.returncode == 0, result.stdout + result.stderr
    kinds = sorted(d["kind"] for d in argocd_docs)
    assert kinds.count("ApplicationSet") == 9 and kinds.count("AppProject") == 4, kinds
    assert result.stdout.count("ok ") == len(argo)


@pytest.mark.slow  # node + the npm Argo CD schemas
def test_generated_applications_match_their_schemas(expanded_apps):
    result = validate_argo(expanded_apps)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("ok Application/") == len(expanded_apps) == 9 * len(ENVIRONMENTS)


@pytest.mark.slow  # node + the npm Argo CD schemas
def test_schema_check_rejects_a_wrong_type(expanded_apps):
    app = json.loads(json.dumps(of_kind(expanded_apps, "Application")["bikeshare-prod"]))
    app["spec"]["syncPolicy"]["automated"]["prune"] = "yes"
    result = validate_argo([app])
    assert result.returncode == 1 and "FAIL Application/bikeshare-prod" in result.stdout


@pytest.mark.slow  # node + the npm Argo CD schemas
def test_schema_check_rejects_a_misspelled_key(argocd_docs):
    appset = json.loads(json.dumps(of_kind(argocd_docs, "ApplicationSet")["bikeshare"]))
    appset["spec"]["template"]["spec"]["syncPolicy"]["automated"]["selfheal"] = True
    result = validate_argo([appset])
    assert result.returncode == 1 and "/automated/selfheal" in result.stdout


def test_one_application_per_environment_from_this_repository(expanded_apps, argocd_docs):
    apps = of_kind(expanded_apps, "Application")
    for env in ENVIRONMENTS:
        app = apps[f"bikeshare-{env}"]
        spec = app["spec"]
        assert spec["project"] == "bikeshare"
        assert spec["source"] == {
            "repoURL": REPO_URL,
            "targetRevision": "main",
            "path": rendered_path(env).parent.as_posix(),
        }
        # A plain directory: the hydrated manifests and nothing Argo CD would build.
        assert [p.name for p in (ROOT / spec["source"]["path"]).iterdir()] == ["manifests.yaml"]
        # Argo CD runs in each environment's cluster: the destination is that cluster.
        assert spec["destination"] == {
            "server": "https://kubernetes.default.svc",
            "namespace": "bikeshare",
        }
        # All sync main; prod's hydrated file changes only in a reviewed promotion PR.
        assert spec["syncPolicy"]["automated"] == {"prune": True, "selfHeal": True}
        # preserveResourcesOnDeletion: deleting an Application never deletes the workload.
        assert "finalizers" not in app["metadata"]
    root = of_kind(argocd_docs, "Application")["bikeshare-root"]["spec"]
    assert root["source"]["path"] == "argocd/apps" and root["project"] == "bikeshare-root"


def _permits(project: dict, app: dict) -> bool:
    spec = project["spec"]
    source, dest = app["spec"]["source"], app["spec"]["destination"]
    return any(fnmatch(source["repoURL"], repo) for repo in spec["sourceRepos"]) and any(
        fnmatch(dest["server"], d["server"]) and fnmatch(dest["namespace"], d["namespace"])
        for d in spec["destinations"]
    )


def test_projects_permit_every_application_and_restrict_kinds(
    argocd_docs, expanded_apps, rendered_docs
):
    projects = of_kind(argocd_docs, "AppProject")
    apps = [*expanded_apps, *of_kind(argocd_docs, "Application").values()]
    for app in apps:
        assert _permits(projects[app["spec"]["project"]], app), app["metadata"]["name"]
    for name in ("bikeshare", "bikeshare-root"):
        assert projects[name]["spec"]["sourceRepos"] == [REPO_URL]

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
