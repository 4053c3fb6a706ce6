"""actionlint (with shellcheck), GitHub's workflow schema and checkov, through the make targets
that a person runs; each is also shown to fail on a broken workflow, so a pass means something.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BROKEN = Path(__file__).parent / "fixtures" / "lint" / "broken.yml"


def make(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "-s", *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


@pytest.mark.slow  # actionlint + shellcheck of every workflow (17 s)
def test_actionlint_with_shellcheck_is_clean():
    result = make("wf-actionlint")
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_errors_and_runs_shellcheck():
    result = make("wf-actionlint", f"WORKFLOWS={BROKEN}")
    assert result.returncode != 0
    assert "[job-needs]" in result.stdout
    assert "SC2086" in result.stdout, "shellcheck did not run inside actionlint"


def test_workflow_scripts_pass_shellcheck():
    result = make("wf-shellcheck")
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflows_match_the_github_schema():
    result = make("wf-schema")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok -- validation done" in result.stdout


def test_schema_rejects_a_broken_workflow():
    result = make("wf-schema", f"WORKFLOWS={BROKEN}")
    assert result.returncode != 0
    assert "timeout-minutes" in result.stdout


@pytest.mark.slow  # checkov
def test_checkov_github_actions_has_no_failures():
    result = make("wf-checkov")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Failed checks: 0" in result.stdout
    # checkov exits 0 when it finds no workflow at all: make sure it scanned something.
    assert "Passed checks: 0," not in result.stdout
    assert "Passed checks:" in result.stdout


@pytest.fixture
def broken_workflow_dir(tmp_path):
    # checkov recognises workflows only under a .github/workflows directory.
    target = tmp_path / ".github" / "workflows"
    target.mkdir(parents=True)
    shutil.copy(BROKEN, target / BROKEN.name)
    return target


@pytest.mark.slow  # checkov
def test_checkov_fails_a_broken_workflow(broken_workflow_dir):
    result = make("wf-checkov", f"WF_DIR={broken_workflow_dir}")
    assert result.returncode != 0
    assert "CKV2_GHA_1" in result.stdout  # write-all
    # CKV_GHA_7 (workflow_dispatch inputs) is skipped on purpose: mk/workflows.mk says why.
    assert "CKV_GHA_7" not in result.stdout
