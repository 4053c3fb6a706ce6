"""Fixtures of the gitops tests: the overlays rendered once per session."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from gitops.layout import MODEL_VERSION_KEY, OVERLAYS
from gitops.rules import load as load_rules

ROOT = Path(__file__).resolve().parents[2]
# The promotion order config/platform.yaml declares (gitops/rules.py).
ENVIRONMENTS = load_rules(ROOT).environments


def require_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} not found on PATH: the gitops tests need it (see argocd/README.md).")
    return path


def kustomize(directory: Path) -> str:
    require_tool("kubectl")
    proc = subprocess.run(
        ["kubectl", "kustomize", str(directory)], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def _differences(a, b, path=""):
    """Paths (with list indexes) where two rendered documents differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            yield from _differences(a.get(key), b.get(key), f"{path}/{key}")
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            yield from _differences(x, y, f"{path}/{index}")
    elif a != b:
        yield path


# What may differ between environments: replicas, resources, environment values (env vars,
# host and its certificate, VPC CIDR, a job's schedule, the environment's Secrets Manager
# keys) and the image with its model version.
ALLOWED = re.compile(
    r"^(/spec/(minReplicas|maxReplicas|schedule)"
    r"|.*/containers/\d+/(resources|env)/.*|.*/containers/\d+/image"
    r"|/spec/groups/\d+/rules/\d+/labels/model_version"
    r"|/spec/rules/0/host|/spec/tls/0/hosts/0|/spec/ingress/0/from/0/ipBlock/cidr"
    r"|/metadata/annotations/alb\.ingress\.kubernetes\.io/certificate-arn"
    r"|/spec/data/\d+/remoteRef/key"
    rf"|.*/metadata/annotations/{re.escape(MODEL_VERSION_KEY)})$"
)


def environment_differences(a: list[dict], b: list[dict]) -> tuple[set, set]:
    """(kind, path) pairs where two rendered environments differ, and those not ALLOWED."""
    left, right = ({(d["kind"], d["metadata"]["name"]): d for d in docs} for docs in (a, b))
    assert left.keys() == right.keys()
    differing = {(key[0], path) for key in left for path in _differences(left[key], right[key])}
    return differing, {(kind, path) for kind, path in differing if not ALLOWED.match(path)}


@pytest.fixture(scope="session")
def rendered() -> dict[str, str]:
    """`kubectl kustomize` output of every overlay, keyed by environment."""
    return {env: kustomize(ROOT / OVERLAYS / env) for env in ENVIRONMENTS}


@pytest.fixture(scope="session")
def rendered_docs(rendered) -> dict[str, list[dict]]:
    return {env: list(yaml.safe_load_all(text)) for env, text in rendered.items()}


@pytest.fixture(scope="session")
def argocd_docs() -> list[dict]:
    """The Argo CD objects the root application syncs (projects, ApplicationSets, the root)."""
    return list(yaml.safe_load_all(kustomize(ROOT / "argocd/apps")))


@pytest.fixture(scope="session")
def cluster_secrets() -> list[dict]:
    """The committed cluster registrations (argocd/clusters/)."""
    from platform_setup.cli import registered_clusters

    return registered_clusters(ROOT)


@pytest.fixture(scope="session")
def expanded_apps(argocd_docs, cluster_secrets) -> list[dict]:
    """Every Application the ApplicationSets generate for the committed registrations
    (our expansion of the cluster generator, platform_setup/appsets.py, not Argo CD's)."""
    from platform_setup.appsets import expand_all

    return expand_all(argocd_docs, cluster_secrets)
