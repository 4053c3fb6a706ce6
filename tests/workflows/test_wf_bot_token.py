"""Bot PRs: the run summary says which token opened the PR, and warns when no App is set."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def bot_token(tmp_path: Path, used: str) -> tuple[subprocess.CompletedProcess, str]:
    summary = tmp_path / "summary.md"
    proc = subprocess.run(
        ["make", "-s", "wf-bot-token", f"APP_TOKEN_USED={used}"],
        cwd=ROOT,
        env={**os.environ, "GITHUB_STEP_SUMMARY": str(summary)},
        capture_output=True,
        text=True,
    )
    return proc, summary.read_text() if summary.exists() else ""


@pytest.mark.parametrize("used", ["false", ""])
def test_without_the_app_the_summary_says_so(tmp_path, used):
    proc, summary = bot_token(tmp_path, used)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("::warning::No GitHub App configured")
    assert "No GitHub App configured" in summary and "will not start" in summary


def test_with_the_app_the_summary_says_its_token_is_used(tmp_path):
    proc, summary = bot_token(tmp_path, "true")
    assert proc.returncode == 0, proc.stderr
    assert "::warning::" not in proc.stdout
    assert "installation token" in summary
