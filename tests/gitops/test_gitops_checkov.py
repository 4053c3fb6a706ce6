"""checkov on argocd/: kubernetes and kustomize frameworks, 0 failed, and both really ran."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from .conftest import ROOT, require_tool

pytestmark = pytest.mark.slow  # checkov


def test_checkov_kubernetes_and_kustomize_pass():
    require_tool("kubectl")  # without it checkov silently skips the kustomize framework
    checkov = os.environ.get("CHECKOV", "")
    if not Path(checkov).is_file():
        pytest.fail("checkov not installed: run `make checkov-install` (CHECKOV is unset).")
    proc = subprocess.run(
        [
            checkov,
            "-d",
            "argocd",
            "--framework",
            "kubernetes",
            "kustomize",
            "--skip-download",
            "--quiet",
            "--output",
            "json",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    reports = json.loads(proc.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    summaries = {r["check_type"]: r["summary"] for r in reports}
    assert set(summaries) == {"kubernetes", "kustomize"}, summaries
    for framework, summary in summaries.items():
        assert summary["failed"] == 0, (framework, proc.stdout[:4000])
        assert summary["passed"] > 0, framework
    assert proc.returncode == 0
