"""Run-only jobs executed for real with act on this host (no container, no network):
wiring errors such as a missing make target fail here, before GitHub.

Assertions read act's own step lines ("Success - Main make ...", "Failure - ...") and exit
status, never the step's output: act's host executor can drop the last lines a short step
writes (seen about once in 40 runs on a loaded machine)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # act

ROOT = Path(__file__).resolve().parents[2]
BROKEN = Path(__file__).parent / "fixtures" / "act" / "broken_wiring.yml"


def act(*args: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        ["make", "-s", "wf-act", *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert "act: command not found" not in result.stderr, "act missing: run `make venv`."
    return result


def test_ci_wiring_job_runs_and_every_called_target_exists():
    result = act()
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    assert "Success - Main make help" in out
    assert "Success - Main make wf-targets" in out
    assert "Job succeeded" in out


def test_act_fails_a_job_that_calls_a_missing_target():
    result = act(f"ACT_WORKFLOW={BROKEN}")
    out = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Success - Main make help" in out  # the job really ran up to the broken step
    assert "Failure - Main make wf-no-such-target" in out
    assert "exit status 2" in out  # make's own code for "no rule to make target"
    assert "Job failed" in out


PREVIEW = ROOT / ".github" / "workflows" / "preview.yml"


@pytest.mark.parametrize(("base", "runs"), [("root", "true"), ("head", "false")])
def test_preview_runs_only_when_a_pr_changes_what_runs(tmp_path, base, runs):
    """preview.yml's `changes` job, run by act with a pull_request payload: against the first
    commit everything changed (the preview runs); against HEAD nothing did (it is skipped,
    which a required check counts as passed)."""
    git = ["git", "-C", str(ROOT), "rev-list"]
    sha = subprocess.run(
        [*git, "--max-parents=0", "HEAD"] if base == "root" else [*git, "-1", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()[-1]
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 1, "base": {"sha": sha}}}))
    result = act(f"ACT_WORKFLOW={PREVIEW}", "ACT_JOB=changes", f"ACT_EVENT={event}")
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    assert "Success - Main make wf-preview-needed" in out
    assert f"::set-output:: runs={runs}" in out
