"""Repository rules as code (.github/rules/, `make github-rules`): every request body is valid
against GitHub's REST description (pinned subset, tests/fixtures/github-rest/), the rules say
what the flow needs (merge commits keep the trailers, the staging release merges on green
checks, prod waits for a human), and CODEOWNERS owns every path but the staging release.
GitHub cannot be reached here: the apply path runs against a stand-in `gh` that records what
it is asked to send."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from platform_setup import github_rules
from platform_setup.config import load
from tests.fixtures.github_rest import request_errors

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / ".github" / "rules"
WORKFLOWS = ROOT / ".github" / "workflows"
GITHUB_ACTIONS_APP = 15368  # the integration id of GitHub Actions' check runs


def ruleset() -> dict:
    return json.loads((RULES / "ruleset-main.json").read_text())


def rule(kind: str) -> dict:
    return next(r for r in ruleset()["rules"] if r["type"] == kind)


@pytest.mark.parametrize("template", ["/repos/{owner}/{repo}/rulesets/{ruleset_id}"])
def test_every_request_body_is_valid_against_githubs_description(template):
    sent = github_rules.requests(ROOT, "acme/bikeshare", {"release_approvers": 42})
    assert [r.method for r in sent] == ["PATCH", "POST", "PUT", "PUT", "PUT", "PUT"]
    for request in sent:
        assert request_errors(request.operation, request.method, request.body) == [], request.path
    # The update of an existing ruleset sends the same body to PUT .../rulesets/{id}.
    assert request_errors(template, "PUT", ruleset()) == []


def test_a_wrong_field_is_refused_by_the_validation():
    broken = ruleset()
    rule_ = next(r for r in broken["rules"] if r["type"] == "pull_request")
    rule_["parameters"]["allowed_merge_methods"] = ["fast-forward"]
    errors = request_errors("/repos/{owner}/{repo}/rulesets", "POST", broken)
    assert errors and errors[0].startswith("rules/3")
    env = {"reviewers": [{"type": "Group", "id": 1}]}
    assert request_errors("/repos/{owner}/{repo}/environments/{environment_name}", "PUT", env)


def test_only_merge_commits_so_the_trailers_survive():
    """Squash can rewrite the message (PR title and body) and rebase re-creates commits that
    GitHub does not sign: a merge commit keeps each PR commit, trailers and signature as made."""
    assert rule("pull_request")["parameters"]["allowed_merge_methods"] == ["merge"]
    settings = json.loads((RULES / "repository.json").read_text())
    assert settings["allow_merge_commit"] and settings["allow_auto_merge"]
    assert not settings["allow_squash_merge"] and not settings["allow_rebase_merge"]
    recipe = subprocess.run(
        ["make", "-n", "wf-automerge", "BRANCH=release/staging-x"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "gh pr merge" in recipe and "--merge" in recipe and "--squash" not in recipe


def test_signed_commits_code_owner_review_and_no_bypass():
    kinds = {r["type"] for r in ruleset()["rules"]}
    assert {"required_signatures", "pull_request", "non_fast_forward", "deletion"} <= kinds
    params = rule("pull_request")["parameters"]
    # No approval count: a human is required exactly where CODEOWNERS names an owner.
    assert params["require_code_owner_review"] and params["required_approving_review_count"] == 0
    assert ruleset()["bypass_actors"] == []


def _pull_request_jobs() -> dict[str, dict]:
    """Job name -> job, of the workflows that run on every pull request (no paths filter)."""
    jobs = {}
    for path in sorted(WORKFLOWS.glob("*.yml")):
        workflow = yaml.safe_load(path.read_text())
        triggers = workflow.get(True) or workflow.get("on")  # YAML 1.1 reads `on` as True
        if not isinstance(triggers, dict) or "pull_request" not in triggers:
            continue
        pr = triggers["pull_request"] or {}
        if "paths" in pr or "paths-ignore" in pr:
            continue
        jobs |= {job.get("name", key): job for key, job in workflow["jobs"].items()}
    return jobs


def test_required_checks_run_on_every_pull_request():
    """A required check that does not run on a PR blocks it forever; checks needed only for
    some paths are jobs that skip themselves otherwise (a skipped job counts as passed)."""
    jobs = _pull_request_jobs()
    checks = rule("required_status_checks")["parameters"]["required_status_checks"]
    assert checks
    for check in checks:
        assert check["integration_id"] == GITHUB_ACTIONS_APP, check  # not any app's status
        assert check["context"] in jobs, f"{check['context']} runs on no pull request"
    preview = jobs["preview"]
    assert "needs.changes.outputs.runs" in preview["if"]


def owners(path: str) -> list[str] | None:
    """The owners GitHub gives `path`: the last matching CODEOWNERS line wins (the patterns
    used here: `*`, /dir/ and /file)."""
    found = None
    for line in (ROOT / ".github" / "CODEOWNERS").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        pattern, *names = line.split()
        anchored = pattern.lstrip("/")
        if (
            pattern == "*"
            or (pattern.endswith("/") and path.startswith(anchored))
            or path == anchored
        ):
            found = names
    return found


def test_codeowners_own_all_but_the_staging_release():
    slugs = github_rules.teams(ROOT)
    org = github_rules.owner_of(load(ROOT).github_repository)
    approvers, ml, platform = (
        f"@{org}/{slugs[r]}" for r in ("release_approvers", "ml", "platform")
    )
    assert owners("argocd/bikeshare/overlays/staging/release/kustomization.yaml") == []
    for path in (
        "argocd/bikeshare/overlays/prod/release/kustomization.yaml",
        "argocd/bikeshare/overlays/prod/values.yaml",
        "argocd/bikeshare/base/deployment.yaml",  # reaches prod too
        "argocd/bikeshare/components/environment/kustomization.yaml",
        "terraform/envs/prod/main.tf",
    ):
        assert owners(path) == [approvers], path
    for path in (
        "config/champion.json",
        "model/train.py",
        "data/2011-01.csv",
        "reports/x/report.md",
    ):
        assert owners(path) == [ml], path
    for path in (
        ".github/workflows/release.yml",
        ".github/rules/ruleset-main.json",
        "terraform/modules/eks/main.tf",
    ):
        assert owners(path) == [platform], path
    for path in ("bento/service.py", "argocd/bikeshare/overlays/staging/values.yaml", "README.md"):
        assert owners(path), path  # everything else is owned: a human reviews it


def test_staging_needs_nobody_and_prod_a_human():
    sent = github_rules.requests(ROOT, "a/b", {"release_approvers": 7})
    envs = {r.path.rsplit("/", 1)[1]: r.body for r in sent if "/environments/" in r.path}
    assert envs["staging"]["reviewers"] == []
    assert envs["prod"]["reviewers"] == [{"type": "Team", "id": 7}]
    assert envs["prod"]["prevent_self_review"] is True
    assert set(envs) == {"plan", "intake", *load(ROOT).environments}
    # intake scopes the intake role's token: main only (protected branches), nobody to wait for.
    assert envs["intake"]["reviewers"] == []
    assert envs["intake"]["deployment_branch_policy"] == {
        "protected_branches": True,
        "custom_branch_policies": False,
    }


CLI = (sys.executable, "-m", "platform_setup")


def test_dry_run_prints_every_request_and_needs_no_gh():
    proc = subprocess.run(
        [*CLI, "github-rules", "--dry-run"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": os.path.dirname(sys.executable)},
    )
    assert proc.returncode == 0, proc.stderr
    repo = load(ROOT).github_repository
    for line in (
        f"gh api --method PATCH /repos/{repo} --input -",
        f"gh api --method POST /repos/{repo}/rulesets --input -",
        f"gh api --method PUT /repos/{repo}/environments/prod --input -",
    ):
        assert line in proc.stdout


@pytest.fixture
def stand_in_gh(tmp_path):
    """A `gh` that logs each call (arguments, then stdin) and answers the two lookups."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "gh.jsonl"
    script = bin_dir / "gh"
    script.write_text(
        f"#!{sys.executable}\n"
        "import json, sys\n"
        "args = sys.argv[1:]\n"
        "body = sys.stdin.read() if '--input' in args else None\n"
        f"open({str(log)!r}, 'a').write(json.dumps([args, body]) + '\\n')\n"
        "if args[-2:] == ['--jq', '.id']: print(31)\n"
        "elif args[-1].startswith('.[] | select'): print(7)\n"
    )
    script.chmod(0o755)
    return bin_dir, log


def test_apply_sends_valid_bodies_and_updates_an_existing_ruleset(tmp_path, stand_in_gh):
    bin_dir, log = stand_in_gh
    root = tmp_path / "repo"
    shutil.copytree(ROOT / "config", root / "config")
    shutil.copytree(RULES, root / ".github" / "rules")
    data = yaml.safe_load((root / "config/platform.yaml").read_text())
    proc = subprocess.run(
        [*CLI, "--root", str(root), "github-rules"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"},
    )
    assert proc.returncode == 0, proc.stderr
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    repo = data["github_repository"]
    assert calls[0][0] == [
        "api",
        f"/orgs/{repo.split('/')[0]}/teams/{github_rules.teams(ROOT)['release_approvers']}",
        "--jq",
        ".id",
    ]
    sent = {(args[2], args[3]): json.loads(body) for args, body in calls if body is not None}
    assert (("PUT", f"/repos/{repo}/rulesets/7")) in sent  # found by name: updated, not doubled
    templates = {
        f"/repos/{repo}": "/repos/{owner}/{repo}",
        f"/repos/{repo}/rulesets/7": "/repos/{owner}/{repo}/rulesets/{ruleset_id}",
    }
    for (method, path), body in sent.items():
        template = templates.get(path, "/repos/{owner}/{repo}/environments/{environment_name}")
        assert request_errors(template, method, body) == [], path
    assert sent[("PUT", f"/repos/{repo}/environments/prod")]["reviewers"] == [
        {"type": "Team", "id": 31}
    ]


def test_team_slugs_come_from_the_config_when_it_names_them(tmp_path):
    (tmp_path / "config").mkdir()
    data = yaml.safe_load((ROOT / "config/platform.yaml").read_text())
    data["github"] = {"teams": {"release-approvers": "acme-mlops/prod-approvers"}}
    (tmp_path / "config/platform.yaml").write_text(yaml.safe_dump(data))
    slugs = github_rules.teams(tmp_path)
    assert slugs["release_approvers"] == "prod-approvers"
    assert slugs["ml"] == github_rules.DEFAULT_TEAMS["ml"]  # the others keep their defaults
