"""scripts/wf_targets.py: every make target a workflow calls must exist."""

import subprocess
import sys

from scripts import wf_targets

REPO = wf_targets.REPO


def test_the_call_forms_workflows_use_are_found(tmp_path):
    workflow = tmp_path / "w.yml"
    workflow.write_text(
        "steps:\n"
        "  - run: make lint\n"
        "      - make test-fast\n"
        "  - run: >- make tf-plan ENV=staging\n"
        "  - run: sudo env PATH=$PATH make image-tools\n"
        "  - run: echo not make here\n"
    )
    assert wf_targets.called_targets([workflow]) == {"lint", "test-fast", "tf-plan", "image-tools"}


def test_a_missing_target_fails_with_its_name(tmp_path):
    workflow = tmp_path / "w.yml"
    workflow.write_text("steps:\n  - run: make lint\n  - run: make no-such-target\n")
    done = subprocess.run(
        [sys.executable, "-m", "scripts.wf_targets", str(workflow)],
        capture_output=True, text=True, cwd=REPO,
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.strip() == "Workflows call make targets that do not exist: no-such-target"


def test_the_repository_workflows_call_only_existing_targets():
    workflows = sorted((REPO / ".github" / "workflows").glob("*.yml"))
    done = subprocess.run(
        [sys.executable, "-m", "scripts.wf_targets", *map(str, workflows)],
        capture_output=True, text=True, cwd=REPO,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("All ")
