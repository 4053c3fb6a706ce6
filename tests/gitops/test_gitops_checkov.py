"""checkov on argocd/: kubernetes and kustomize frameworks, 0 failed, and both really ran."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
import yaml

from .conftest import ROOT, require_tool

QUIET_JSON = ("--skip-download", "--quiet", "--output", "json")

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


def test_checkov_on_the_generated_applications(expanded_apps, tmp_path):
    """The Applications the ApplicationSets generate (our expansion) go through checkov too.
    checkov 3.3 has no check for Argo CD kinds (it reports 0 resources), so this only proves
    they parse; their real checks are the Argo CD schemas and projects (test_gitops_argocd)."""
    checkov = os.environ.get("CHECKOV", "")
    if not Path(checkov).is_file():
        pytest.fail("checkov not installed: run `make checkov-install` (CHECKOV is unset).")
    (tmp_path / "applications.yaml").write_text(yaml.safe_dump_all(expanded_apps))
    proc = subprocess.run(
        [checkov, "-d", str(tmp_path), "--framework", "kubernetes", *QUIET_JSON],
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(proc.stdout)
    summary = report.get("summary", report)  # no resource with checks → a bare summary
    assert summary["parsing_errors"] == 0 and summary["failed"] == 0, proc.stdout[:4000]
    assert proc.returncode == 0
