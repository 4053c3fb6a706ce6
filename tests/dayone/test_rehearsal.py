"""make rehearse: day one on moto with IAM enforced, each step as its own role (slow: a
bootstrap, a full apply, a plan and a refused apply; 6-15 minutes on 2 shared cores)."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from dayone.steps import STEPS

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def test_day_one_rehearsed_under_each_roles_credentials(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "dayone", "rehearse", "--workdir", str(tmp_path)],
        cwd=REPO, capture_output=True, text=True, timeout=2400,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    lines = done.stdout.splitlines()
    steps = [line for line in lines if line.startswith("ok ")]
    assert [s.split("] ")[0].split("[as ")[0].strip()[2:].strip() for s in steps] == [
        step.name for step in STEPS
    ]
    refusals = [line for line in lines if line.startswith("refused ")]
    for expected in [
        "terraform apply as the plan role (AccessDenied)",
        "the plan role writing the state object",
        "the release role reading the state",
        "the release role writing the state",
        "the deploy role creates a role without the boundary",
        "the deploy role adds a policy to itself",
        "the deploy role rewrites the boundary",
        "a pull request's token may not assume the plan role",
        "the plan role decrypts the artifacts key",
        "the Job role writing another environment's evidence",
        "the Job role reading evidence back",
        "the Job role writing a model",
        "the Job role reading the state",
        "the promote role forging evidence",
        "the promote role reading a model",
    ]:
        assert any(expected in r for r in refusals), (expected, refusals)
    assert any("the plan role decrypts the state through S3" in line for line in lines)
    # The read-only role sees the stack exactly as the administrator applied it.
    assert any("terraform plan: no changes" in line for line in lines)
    assert re.fullmatch(r"rehearsal took \d+ s", lines[-1])
