"""scripts/stage.py refuses without a period or an emulator; scripts/wf_plan.py keeps the
plan's output, fenced, for the PR comment (with a stand-in make: no terraform here)."""

import os
import subprocess
import sys

from scripts import stage, wf_plan

REPO = stage.REPO


def run(module: str, *args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"MOTO_ENDPOINT", "MOTO_DIR"}}
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        capture_output=True, text=True, cwd=REPO, env={**clean, **env},
    )  # fmt: skip


def test_stage_without_a_period_says_how_to_give_one():
    done = run("scripts.stage", "")
    assert done.returncode == 1
    assert (
        done.stderr.strip()
        == "Set PERIOD=YYYY-MM (a file in data/), e.g. make score PERIOD=2011-12."
    )


def test_stage_without_the_emulator_says_how_to_start_it():
    done = run("scripts.stage", "2011-12")
    assert done.returncode == 1
    assert done.stderr.strip() == "Set MOTO_ENDPOINT (make moto-start prints it)."


def test_stage_usage():
    assert run("scripts.stage", "2011-12", "--nope", "1").returncode == 2


def test_plan_is_kept_fenced_and_its_exit_code_passed_on(tmp_path):
    fake_make = tmp_path / "make"
    fake_make.write_text('#!/bin/sh\necho "plan of $3"\necho "Plan: 1 to add"\nexit 2\n')
    fake_make.chmod(0o755)
    out = tmp_path / "plan-staging.md"
    assert wf_plan.plan_markdown("staging", str(fake_make), out) == 2
    assert out.read_text() == (
        "### terraform plan: staging\n```\nplan of ENV=staging\nPlan: 1 to add\n```\n"
    )


def test_plan_without_env_refuses():
    done = run("scripts.wf_plan", "")
    assert done.returncode == 1 and done.stderr.strip() == "Set ENV=staging|prod."
