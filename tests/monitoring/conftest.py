"""Fixtures of the monitoring tests: the rules as an overlay renders them for a known release."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from model import record as records
from monitoring.rules import render, rule_groups

ROOT = Path(__file__).resolve().parents[2]
ANNOTATION = re.compile(r'(bikeshare\.acme-mlops\.io/model-version: )"[^"]*"')


def require_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} not found on PATH: run `make monitoring-tools` (Debian packages).")
    return path


def rules_for_release(tmp: Path, model_version: str, for_override: str | None = None) -> Path:
    """The staging overlay's rule file, rendered from a copy whose release names model_version."""
    copy = tmp / "argocd" / "bikeshare"
    shutil.copytree(ROOT / "argocd" / "bikeshare", copy)
    release = copy / "overlays" / "staging" / "release" / "kustomization.yaml"
    text, count = ANNOTATION.subn(rf'\g<1>"{model_version}"', release.read_text())
    assert count == 1, "the release component's model-version annotation moved"
    release.write_text(text)
    out = tmp / "rules.yml"
    out.write_text(yaml.safe_dump(rule_groups(render(copy / "overlays" / "staging"), for_override)))
    return out


@pytest.fixture(scope="session")
def champion_version() -> str:
    return records.load()["version"]
