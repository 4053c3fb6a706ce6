"""Fixtures of the gitops tests: the overlays rendered once per session."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from gitops.layout import ENVIRONMENTS, OVERLAYS

ROOT = Path(__file__).resolve().parents[2]


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


@pytest.fixture(scope="session")
def rendered() -> dict[str, str]:
    """`kubectl kustomize` output of every overlay, keyed by environment."""
    return {env: kustomize(ROOT / OVERLAYS / env) for env in ENVIRONMENTS}


@pytest.fixture(scope="session")
def rendered_docs(rendered) -> dict[str, list[dict]]:
    return {env: list(yaml.safe_load_all(text)) for env, text in rendered.items()}


@pytest.fixture(scope="session")
def argocd_docs() -> list[dict]:
    """The Argo CD objects the root application syncs (projects and Applications)."""
    return list(yaml.safe_load_all(kustomize(ROOT / "argocd/apps")))
