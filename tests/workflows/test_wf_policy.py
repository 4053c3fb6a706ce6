"""The workflow policy holds for every workflow, and fails on a fixture for each rule."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scoring.drift import DISPATCH_EVENT
from tests.workflows.wf_policy import check, load, triggers

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW_DIR = ROOT / ".github" / "workflows"
WORKFLOWS = sorted(WORKFLOW_DIR.glob("*.yml"))
FIXTURES = Path(__file__).parent / "fixtures" / "policy"
BROKEN = sorted(p for p in FIXTURES.glob("*.yml") if p.name != "good.yml")
ROOT_PREFIX = re.compile(r'^sudo env "PATH=\$PATH" ("HOME=\$HOME" )?')
RULES = set(
    re.findall(r"^\s+\[([a-z-]+)\]", (Path(__file__).parent / "wf_policy.py").read_text(), re.M)
)


def expected_rule(fixture: Path) -> str:
    """Each broken fixture names the one rule it breaks on its first line."""
    match = re.match(r"# Breaks \[([a-z-]+)\]", fixture.read_text())
    assert match, f"{fixture.name}: first line must be `# Breaks [rule]: why`"
    return match.group(1)


def test_the_seven_workflows_exist():
    expected = {"ci", "release", "retrain", "promote", "infra", "intake", "preview"}
    assert {p.stem for p in WORKFLOWS} == expected


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_follows_the_policy(workflow):
    assert check(workflow) == []


def test_good_fixture_passes():
    assert check(FIXTURES / "good.yml") == []


@pytest.mark.parametrize("fixture", BROKEN, ids=lambda p: p.stem)
def test_broken_fixture_fails_on_its_rule_only(fixture):
    rules = {rule for rule, _ in check(fixture)}
    assert rules == {expected_rule(fixture)}


def test_every_rule_has_a_broken_fixture():
    assert RULES, "no [rule] ids found in the policy docstring"
    assert {expected_rule(f) for f in BROKEN} == RULES


def _jobs(name: str) -> dict:
    return load(WORKFLOW_DIR / f"{name}.yml")["jobs"]


def _uses(job: dict) -> list[str]:
    return [s["uses"].split("@")[0] for s in job["steps"] if "uses" in s]


def _runs(job: dict) -> list[str]:
    """The make commands of a job, without the `sudo env ...` prefix some need."""
    return [ROOT_PREFIX.sub("", s["run"]) for s in job["steps"] if "run" in s]


def test_release_pushes_with_oidc_and_writes_git_without_it():
    jobs = _jobs("release")
    image, staging = jobs["image"], jobs["staging"]
    assert image["permissions"] == {
        "contents": "read",
        "id-token": "write",
        "attestations": "write",
    }
    assert "actions/attest-build-provenance" in _uses(image)
    assert "aws-actions/amazon-ecr-login" in _uses(image)
    assert "sigstore/cosign-installer" in _uses(image)
    assert {"make image", "make sbom"} <= set(_runs(image))
    assert any(r.startswith("make push") and "$GITHUB_SHA" in r for r in _runs(image))
    assert "id-token" not in staging["permissions"]
    assert any(r.startswith("make set-image ENV=staging") for r in _runs(staging))


def test_retrain_runs_on_data_schedule_by_hand_and_on_drift():
    doc = load(WORKFLOW_DIR / "retrain.yml")
    assert {"push", "schedule", "workflow_dispatch", "repository_dispatch"} <= triggers(doc)
    on = doc.get("on", doc.get(True))
    assert on["push"]["paths"] == ["data/**"]
    # The event type the scoring job sends beyond the drift thresholds (scoring/drift.py).
    assert on["repository_dispatch"] == {"types": [DISPATCH_EVENT]}
    assert "make retrain" in _runs(doc["jobs"]["retrain"])
    assert doc["jobs"]["retrain"]["permissions"] == {"contents": "read"}


def test_prod_changes_wait_for_the_prod_environment():
    promote = _jobs("promote")["promote"]
    assert promote["environment"] == "prod"
    assert "make promote FROM=staging TO=prod" in _runs(promote)
    infra = _jobs("infra")
    assert infra["apply-prod"]["environment"] == "prod"
    assert "apply-staging" in infra["apply-prod"]["needs"]


def test_infra_applies_the_reviewed_saved_plan():
    infra = _jobs("infra")
    for env in ("staging", "prod"):
        apply, plan = infra[f"apply-{env}"], infra[f"plan-{env}"]
        assert f"plan-{env}" in apply["needs"]
        assert apply["environment"] == env and plan["environment"] == "plan"
        assert f"make wf-plan-save ENV={env}" in _runs(plan)
        # The file made by the plan job, checked against the sha256 it published.
        step = next(s for s in apply["steps"] if "make tf-apply-plan" in s.get("run", ""))
        assert step["env"]["PLAN_SHA256"] == f"${{{{ needs.plan-{env}.outputs.sha256 }}}}"
        assert not any("make tf-apply " in s.get("run", "") + " " for s in apply["steps"])


def test_no_workflow_uses_pull_request_target():
    # Stricter than the policy rule: nothing here needs the base repository's token on PRs.
    for workflow in WORKFLOWS:
        assert "pull_request_target" not in triggers(load(workflow)), workflow.name


@pytest.mark.parametrize("name", ["release", "retrain", "promote"])
def test_writing_workflows_are_never_cancelled_half_way(name):
    assert load(WORKFLOW_DIR / f"{name}.yml")["concurrency"]["cancel-in-progress"] is False


def test_infra_cancels_only_superseded_plans():
    # An apply on main must finish; a newer pull-request plan may replace an older one.
    cancel = load(WORKFLOW_DIR / "infra.yml")["concurrency"]["cancel-in-progress"]
    assert cancel == "${{ github.event_name == 'pull_request' }}"
