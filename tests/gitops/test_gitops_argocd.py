"""Argo CD objects: JSON schemas (@kubernetes-models/argo-cd) and the project's restrictions,
on the objects the root syncs and on every Application the ApplicationSets generate for the
committed cluster registrations (our expansion, platform_setup/appsets.py)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from fnmatch import fnmatch
from pathlib import Path

import pytest
import yaml

from gitops.layout import rendered_path
from platform_setup import sources
from platform_setup.config import load

from .conftest import ENVIRONMENTS, ROOT, require_tool

REPO_URL = load(ROOT).repo_url
VALIDATOR = Path(__file__).parent / "argo_schema" / "validate.mjs"
# Kinds the project allows although the current manifests do not render them yet.
PLANNED_KINDS = {("batch", "CronJob")}
# bikeshare, cluster-registration, argocd-credentials and ten add-ons (argocd/addons).
APPSETS = 13


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
    assert kinds.count("ApplicationSet") == APPSETS and kinds.count("AppProject") == 4, kinds
    assert result.stdout.count("ok ") == len(argo)


@pytest.mark.slow  # node + the npm Argo CD schemas
def test_generated_applications_match_their_schemas(expanded_apps):
    result = validate_argo(expanded_apps)
    assert result.returncode == 0, result.stdout + result.stderr
    # Every committed registration has a dns_zone: each cluster gets every ApplicationSet's.
    assert (
        result.stdout.count("ok Application/") == len(expanded_apps) == APPSETS * len(ENVIRONMENTS)
    )


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


# ---- Secrets and DNS: the External Secrets Operator, Argo CD's repository credentials,
# external-dns (their AWS roles are Terraform's: terraform/modules/platform) ----------------

PLATFORM_TF = ROOT / "terraform/modules/platform"
STORE = ROOT / "argocd/addons/external-secrets/clustersecretstore.yaml"
NOTIFICATIONS = ROOT / "argocd/bootstrap/notifications.yaml"


def pod_identity_service_accounts() -> dict[str, tuple[str, str]]:
    """Role key → (namespace, service account) of the Pod Identity roles the composition
    names literally (modules/platform main.tf, pod_identity_roles)."""
    text = (PLATFORM_TF / "main.tf").read_text()
    pattern = r'([\w-]+) = \{\s*namespace\s*=\s*"([^"]+)"\s*service_account\s*=\s*"([^"]+)"'
    return {name: (ns, sa) for name, ns, sa in re.findall(pattern, text)}


def terraform_secret_keys() -> set[str]:
    """The secrets modules/platform makes (bikeshare/<environment>/<key>)."""
    text = (PLATFORM_TF / "external_secrets.tf").read_text()
    block = text.split("secrets = {", 1)[1].split("}", 1)[0]
    return set(re.findall(r"^\s+([a-z][a-z0-9-]*)\s+=", block, re.M))


def synced(app: dict) -> list[dict]:
    """What a generated Application of this repository syncs (its folder, its patches)."""
    return [d for d in yaml.safe_load_all(sources.render(ROOT, app, REPO_URL)) if d]


def test_addons_run_as_the_service_account_terraform_associates(expanded_apps):
    roles = pod_identity_service_accounts()
    apps = of_kind(expanded_apps, "Application")
    for addon in ("aws-load-balancer-controller", "external-secrets", "external-dns"):
        for env in ENVIRONMENTS:
            spec = apps[f"{addon}-{env}"]["spec"]
            account = spec["source"]["helm"]["valuesObject"]["serviceAccount"]
            assert account["create"] is True
            assert (spec["destination"]["namespace"], account["name"]) == roles[addon], addon


def test_the_operator_comes_before_every_secret_store_user(argocd_docs):
    appsets = of_kind(argocd_docs, "ApplicationSet")

    def wave(name: str) -> int:
        return int(appsets[name]["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"])

    operator = appsets["external-secrets"]["spec"]["template"]["spec"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", operator["source"]["targetRevision"])  # pinned
    assert operator["source"]["repoURL"] == "https://charts.external-secrets.io"
    assert "ServerSideApply=true" in operator["syncPolicy"]["syncOptions"]
    assert wave("external-secrets") < wave("external-secrets-store")
    for user in (
        "external-secrets-store",
        "bikeshare-monitoring",
        "argocd-credentials",
        "bikeshare",
    ):
        assert wave(user) >= 0 > wave("external-secrets"), user
    # Chart 0.20 serves external-secrets.io/v1 only: every manifest of the kind must use it.
    texts = [p.read_text() for p in (ROOT / "argocd").rglob("*.yaml")]
    kinds = [
        d
        for text in texts
        for d in yaml.safe_load_all(text)
        if d and str(d.get("apiVersion", "")).startswith("external-secrets.io/")
    ]
    assert len(kinds) >= 4 and {d["apiVersion"] for d in kinds} <= {"external-secrets.io/v1"} | {
        "external-secrets.io/v1beta1"
    } & {
        # prod's hydrated file changes only by promotion (it may still carry the old one).
        d["apiVersion"]
        for d in yaml.safe_load_all((ROOT / rendered_path("prod")).read_text())
        if d
    }


def test_external_dns_writes_only_in_the_environments_zone(expanded_apps, rendered_docs):
    config = load(ROOT)
    apps = of_kind(expanded_apps, "Application")
    for env in ENVIRONMENTS:
        zone = config.environments[env].dns_zone
        values = apps[f"external-dns-{env}"]["spec"]["source"]["helm"]["valuesObject"]
        assert values["domainFilters"] == [zone]
        assert values["txtOwnerId"] == f"bikeshare-{env}"  # one owner per cluster
        assert values["policy"] == "upsert-only" and values["registry"] == "txt"
        assert values["sources"] == ["ingress"] and values["provider"] == {"name": "aws"}
        [ingress] = [d for d in rendered_docs[env] if d["kind"] == "Ingress"]
        host = ingress["spec"]["rules"][0]["host"]
        assert host == f"{host.split('.')[0]}.{zone}"  # a name external-dns may write
        annotations = ingress["metadata"]["annotations"]
        assert annotations["alb.ingress.kubernetes.io/certificate-arn"] == (
            config.environments[env].certificate_arn
        )


def test_argo_cds_repository_credentials_come_from_secrets_manager(expanded_apps, argocd_docs):
    apps = of_kind(expanded_apps, "Application")
    root_project = of_kind(argocd_docs, "AppProject")["bikeshare-root"]["spec"]
    assert {"group": "external-secrets.io", "kind": "ExternalSecret"} in root_project[
        "namespaceResourceWhitelist"
    ]
    store = yaml.safe_load(STORE.read_text())["metadata"]["name"]
    for env in ENVIRONMENTS:
        app = apps[f"argocd-credentials-{env}"]
        assert app["spec"]["project"] == "bikeshare-root"
        secrets = {d["metadata"]["name"]: d for d in synced(app)}
        assert {d["kind"] for d in secrets.values()} == {"ExternalSecret"}
        secret = secrets["gitops-repository"]
        assert secret["metadata"]["namespace"] == "argocd"
        assert secret["spec"]["secretStoreRef"] == {"kind": "ClusterSecretStore", "name": store}
        template = secret["spec"]["target"]["template"]
        assert template["metadata"]["labels"] == {"argocd.argoproj.io/secret-type": "repository"}
        fields = {"githubAppID", "githubAppInstallationID", "githubAppPrivateKey"}
        assert template["data"] == {
            "type": "git",
            "url": REPO_URL,
            **{f: f"{{{{ .{f} }}}}" for f in fields},
        }
        assert {d["secretKey"] for d in secret["spec"]["data"]} == fields
        assert {d["remoteRef"]["key"] for d in secret["spec"]["data"]} == {
            f"bikeshare/{env}/argocd-repo-creds"
        }
        # Notifications' credentials: the same App, merged into the install's empty Secret
        # under the names its service.github reads.
        notifications = secrets["argocd-notifications-secret"]
        assert notifications["spec"]["target"] == {
            "name": "argocd-notifications-secret",
            "creationPolicy": "Merge",
        }
        wanted = set(re.findall(r"\$(github-\w+)", NOTIFICATIONS.read_text()))
        assert {d["secretKey"] for d in notifications["spec"]["data"]} == wanted
        assert {d["remoteRef"]["key"] for d in notifications["spec"]["data"]} == {
            f"bikeshare/{env}/argocd-repo-creds"
        }
    argocd = of_kind(argocd_docs, "Application")["argocd"]["spec"]
    assert {"kind": "Secret", "name": "argocd-notifications-secret", "jsonPointers": ["/data"]} in (
        argocd["ignoreDifferences"]
    )
    # `make argocd-bootstrap` applies exactly what the Application syncs.
    bootstrap = subprocess.run(
        [sys.executable, "-m", "platform_setup", "--root", str(ROOT), "render", "--app",
         "argocd-credentials-staging"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert bootstrap.returncode == 0, bootstrap.stderr
    assert bootstrap.stdout == sources.render(ROOT, apps["argocd-credentials-staging"], REPO_URL)


def test_every_external_secret_reads_its_environments_secrets_terraform_makes(
    expanded_apps, rendered_docs
):
    apps = of_kind(expanded_apps, "Application")
    made = terraform_secret_keys()
    assert made == {"argocd-repo-creds", "github", "alertmanager"}
    store = yaml.safe_load(STORE.read_text())
    assert store["spec"]["provider"]["aws"] == {
        "service": "SecretsManager",
        "region": load(ROOT).region,
    }  # no auth block: the operator's own Pod Identity credentials
    allowed = set(store["spec"]["conditions"][0]["namespaces"])
    for env in ENVIRONMENTS:
        docs = [
            *rendered_docs[env],
            *synced(apps[f"bikeshare-monitoring-{env}"]),
            *synced(apps[f"argocd-credentials-{env}"]),
            *synced(apps[f"external-secrets-store-{env}"]),
        ]
        secrets = [d for d in docs if d["kind"] == "ExternalSecret"]
        assert len(secrets) == 4, [s["metadata"]["name"] for s in secrets]
        # The store serves exactly the namespaces that have ExternalSecrets here.
        assert {s["metadata"]["namespace"] for s in secrets} == allowed
        for secret in secrets:
            assert secret["spec"]["secretStoreRef"]["name"] == store["metadata"]["name"]
            for item in secret["spec"]["data"]:
                project, environment, key = item["remoteRef"]["key"].split("/")
                assert (project, environment) == ("bikeshare", env), item
                assert key in made, item


def test_no_secret_value_is_in_git():
    """The only Secrets in argocd/ are the cluster registrations, which carry no credentials;
    nothing looks like a key."""
    for path in (ROOT / "argocd").rglob("*.yaml"):
        text = path.read_text()
        assert not re.search(r"PRIVATE KEY|ghp_|github_pat_|xox[bp]-", text), path
        for doc in yaml.safe_load_all(text):
            if doc and doc.get("kind") == "Secret":
                assert path.parent.name == "clusters", path
                assert "data" not in doc and set(doc["stringData"]) == {"name", "server", "config"}
                assert json.loads(doc["stringData"]["config"]) == {
                    "tlsClientConfig": {"insecure": False}
                }
