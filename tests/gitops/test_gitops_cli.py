"""set-image -> promote -> rollback with real git in a temporary repository."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from gitops.layout import MODEL_VERSION_KEY, OVERLAYS

from .conftest import ROOT, environment_differences, kustomize, require_tool

REGISTRY = "127.0.0.1:5000/bikeshare"
DIGEST_1 = "sha256:" + "1" * 64
DIGEST_2 = "sha256:" + "2" * 64
CHAMPION = {
    "version": "2011-12-abc123",
    "bento_model_tag": "bikeshare:2011-12-abc123",
    "code_commit": "0" * 40,
    "trained_on": {"holdout": "2011-12"},
    "data": {"fingerprint": "f" * 64, "files": {"2011-01.csv": "e" * 64}},
    "metrics": {"overall": {"rmse": 41.1, "r2": 0.85}, "slices": {"season=1": {"rmse": 51.2}}},
}


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.strip()


def cli(repo: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "gitops", "--root", str(repo), *args],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def verified(repo: Path, digest: str, passed: bool = True, env: str = "staging") -> str:
    """Commit a verification record for DIGEST, as `make verify` writes it after the Job ran
    (the Job itself runs in tests/image/test_image_play.py)."""
    checks = [{"name": "version", "passed": passed, "detail": "serves x, release pins x"}]
    record = {"environment": env, "digest": digest, "image": f"{REGISTRY}@{digest}"}
    record |= {"model_version": CHAMPION["version"], "passed": passed, "checks": checks}
    path = repo / OVERLAYS / env / "verification.json"
    path.write_text(json.dumps(record, indent=2))
    git(repo, "add", str(path))
    git(repo, "commit", "--quiet", "-m", f"verify({env}): {passed}")
    return git(repo, "rev-parse", "HEAD")


def render(repo: Path, env: str) -> str:
    return kustomize(repo / OVERLAYS / env)


def model_versions(rendered: str) -> set[str]:
    return {d["metadata"]["annotations"][MODEL_VERSION_KEY] for d in yaml.safe_load_all(rendered)}


def state(repo: Path) -> tuple[str, str, str, str]:
    """Everything a refused command must leave as it was."""
    return (
        git(repo, "rev-parse", "HEAD"),
        git(repo, "branch", "--list"),
        git(repo, "status", "--porcelain"),
        git(repo, "rev-list", "--all", "--count"),
    )


@pytest.fixture(scope="module")
def template_repo(tmp_path_factory) -> Path:
    """A repository with this project's argocd/ and a champion record, one commit on main."""
    require_tool("git")
    repo = tmp_path_factory.mktemp("template") / "repo"
    shutil.copytree(ROOT / "argocd", repo / "argocd")
    (repo / "config").mkdir()
    (repo / "config/champion.json").write_text(json.dumps(CHAMPION, indent=2))
    (repo / ".gitignore").write_text("build/\n")
    git(repo, "init", "--quiet", "--initial-branch=main")
    git(repo, "config", "user.name", "gitops test")
    git(repo, "config", "user.email", "gitops-test@example.invalid")
    git(repo, "config", "commit.gpgsign", "false")
    git(repo, "add", ".")
    git(repo, "commit", "--quiet", "-m", "initial")
    return repo


@pytest.fixture
def repo(template_repo, tmp_path) -> Path:
    copy = tmp_path / "repo"
    shutil.copytree(template_repo, copy)
    return copy


@pytest.mark.slow  # the whole flow with real git (10 s)
def test_set_image_promote_rollback(repo):
    prod_before = render(repo, "prod")

    done = cli(repo, "set-image", "--env", "staging", "--image", f"{REGISTRY}@{DIGEST_1}")
    assert done.returncode == 0, done.stderr
    staging = render(repo, "staging")
    assert f"image: {REGISTRY}@{DIGEST_1}" in staging
    assert model_versions(staging) == {CHAMPION["version"]}  # from champion.json
    assert render(repo, "prod") == prod_before
    # With different releases, the environments still differ only where they may.
    differing, unexpected = environment_differences(
        list(yaml.safe_load_all(staging)), list(yaml.safe_load_all(prod_before))
    )
    assert ("Deployment", "/spec/template/spec/containers/0/image") in differing
    assert not unexpected, unexpected
    staging_commit = git(repo, "rev-parse", "HEAD")
    verification = verified(repo, DIGEST_1)

    done = cli(repo, "promote", "--from", "staging", "--to", "prod")
    assert done.returncode == 0, done.stderr
    branch = git(repo, "rev-parse", "--abbrev-ref", "HEAD")
    assert branch == f"promote/prod-{'1' * 12}"
    changed = git(repo, "diff", "--name-only", "HEAD~1", "HEAD").splitlines()
    assert changed == [(OVERLAYS / "prod/release/kustomization.yaml").as_posix()]
    prod = render(repo, "prod")
    assert f"image: {REGISTRY}@{DIGEST_1}" in prod
    assert model_versions(prod) == {CHAMPION["version"]}
    assert render(repo, "staging") == staging
    body = (repo / "build/promote-prod.md").read_text()
    for evidence in (DIGEST_1, CHAMPION["version"], staging_commit, "f" * 64, "41.1"):
        assert evidence in body
    assert f"Verified-By: {verification}" in body
    assert f"Verified-By: {verification}" in git(repo, "log", "-1", "--format=%B")
    assert "Warning" not in body
    assert f"+        image: {REGISTRY}@{DIGEST_1}" in body  # the rendered diff

    # The reviewer merges the PR (a merge commit, as GitHub does).
    git(repo, "switch", "--quiet", "main")
    git(repo, "merge", "--quiet", "--no-ff", "-m", "Merge promotion PR", branch)
    assert render(repo, "prod") == prod

    done = cli(repo, "rollback", "--env", "prod")
    assert done.returncode == 0, done.stderr
    assert git(repo, "rev-parse", "--abbrev-ref", "HEAD").startswith("rollback/prod-")
    assert render(repo, "prod") == prod_before
    assert render(repo, "staging") == staging
    assert (repo / "build/rollback-prod.md").is_file()


@pytest.mark.slow  # several commits with real git (4 s)
def test_promote_an_older_digest_staging_ran(repo):
    for digest in (DIGEST_1, DIGEST_2):
        assert (
            cli(repo, "set-image", "--env", "staging", "--image", f"{REGISTRY}@{digest}").returncode
            == 0
        )
    first_release = git(repo, "rev-parse", "HEAD~1")
    verified(repo, DIGEST_1)
    verified(repo, DIGEST_2, passed=False)  # the newer record is for another digest
    done = cli(repo, "promote", "--digest", DIGEST_1)
    assert done.returncode == 0, done.stderr
    assert f"{REGISTRY}@{DIGEST_1}" in render(repo, "prod")
    assert f"Source-Commit: {first_release}" in git(repo, "log", "-1", "--format=%B")


def _dirty(repo: Path) -> None:
    path = repo / OVERLAYS / "staging/kustomization.yaml"
    path.write_text(path.read_text() + "# local edit\n")


def _staging_release(repo: Path) -> None:
    assert (
        cli(repo, "set-image", "--env", "staging", "--image", f"{REGISTRY}@{DIGEST_1}").returncode
        == 0
    )


def _verified_release(repo: Path) -> None:
    _staging_release(repo)
    verified(repo, DIGEST_1)


def _failed_verification(repo: Path) -> None:
    _staging_release(repo)
    verified(repo, DIGEST_1, passed=False)


def _other_digest_verified(repo: Path) -> None:
    _staging_release(repo)
    verified(repo, DIGEST_2)


BAD_INPUTS = {
    "malformed digest": (
        None,
        ["set-image", "--env", "staging", "--image", f"{REGISTRY}@sha256:abc"],
    ),
    "tag, no digest": (None, ["set-image", "--env", "staging", "--image", f"{REGISTRY}:latest"]),
    "unknown environment": (
        None,
        ["set-image", "--env", "qa", "--image", f"{REGISTRY}@{DIGEST_1}"],
    ),
    "unknown promotion target": (None, ["promote", "--from", "staging", "--to", "qa"]),
    "prod without promotion": (
        None,
        ["set-image", "--env", "prod", "--image", f"{REGISTRY}@{DIGEST_1}"],
    ),
    "dirty tree, set-image": (
        _dirty,
        ["set-image", "--env", "staging", "--image", f"{REGISTRY}@{DIGEST_1}"],
    ),
    "dirty tree, promote": (_dirty, ["promote"]),
    "dirty tree, rollback": (_dirty, ["rollback", "--env", "prod"]),
    "digest staging never ran": (_verified_release, ["promote", "--digest", DIGEST_2]),
    "promote without verification": (_staging_release, ["promote"]),
    "promote after a failed verification": (_failed_verification, ["promote"]),
    "promote with another digest's verification": (_other_digest_verified, ["promote"]),
    "override without a reason": (_staging_release, ["promote", "--override", " "]),
    "malformed promote digest": (None, ["promote", "--digest", "sha256:XYZ"]),
    "nothing to roll back": (None, ["rollback", "--env", "prod"]),
}


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_bad_input_is_refused_with_one_sentence_and_no_commit(repo, case):
    prepare, args = BAD_INPUTS[case]
    if prepare:
        prepare(repo)
    before = state(repo)
    done = cli(repo, *args)
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].endswith("."), done.stderr
    assert "Traceback" not in done.stderr
    assert state(repo) == before


@pytest.mark.parametrize("command", ["set-image", "promote"])
def test_failed_commit_leaves_no_branch_and_a_clean_tree(repo, tmp_path, command):
    _staging_release(repo)
    if command == "promote":
        verified(repo, DIGEST_1)
        args = ["promote"]
    else:
        args = ["set-image", "--env", "staging", "--image", f"{REGISTRY}@{DIGEST_2}"]
    # No committer identity at all: git refuses to commit after the CLI has written the file.
    git(repo, "config", "--unset", "user.name")
    git(repo, "config", "--unset", "user.email")
    git(repo, "config", "user.useConfigOnly", "true")
    before = state(repo)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "HOME": str(tmp_path),
        "GIT_CONFIG_NOSYSTEM": "1",
        "XDG_CONFIG_HOME": str(tmp_path),
    }
    for key in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        env.pop(key, None)
    done = subprocess.run(
        [sys.executable, "-m", "gitops", "--root", str(repo), *args],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode != 0 and "git commit failed" in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert state(repo) == before


def _merge(repo: Path, out: str) -> None:
    branch = out.split()[1].rstrip(",")
    git(repo, "switch", "--quiet", "main")
    git(repo, "merge", "--quiet", "--no-ff", "-m", f"Merge {branch}", branch)
    git(repo, "branch", "--quiet", "-d", branch)  # GitHub deletes merged PR branches


def test_override_promotes_an_unverified_digest_and_records_why(repo):
    _staging_release(repo)
    refused = cli(repo, "promote")
    assert refused.returncode == 1
    assert "staging has no verification of sha256:111111111111" in refused.stderr
    assert "OVERRIDE=" in refused.stderr
    done = cli(repo, "promote", "--override", "hotfix for incident 42, verified by hand")
    assert done.returncode == 0, done.stderr
    message = git(repo, "log", "-1", "--format=%B")
    assert "Override: hotfix for incident 42, verified by hand" in message
    assert "Verified-By" not in message
    assert f"{REGISTRY}@{DIGEST_1}" in render(repo, "prod")


def test_a_rolled_back_digest_is_held_until_an_override(repo):
    _verified_release(repo)
    _merge(repo, cli(repo, "promote").stdout)
    done = cli(repo, "rollback", "--env", "prod")
    assert done.returncode == 0, done.stderr
    _merge(repo, done.stdout)
    rollback_commit = git(repo, "rev-parse", "HEAD^2")
    assert f"{REGISTRY}@{DIGEST_1}" not in render(repo, "prod")

    # Staging still runs the verified digest; promoting it again is held.
    before = state(repo)
    refused = cli(repo, "promote")
    assert refused.returncode == 1
    assert f"prod rolled sha256:111111111111 back in {rollback_commit[:12]}" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    assert state(repo) == before

    done = cli(repo, "promote", "--override", "root cause fixed in the data, not the model")
    assert done.returncode == 0, done.stderr
    message = git(repo, "log", "-1", "--format=%B")
    assert f"Held-By: {rollback_commit}" in message
    assert "Override: root cause fixed in the data, not the model" in message
    assert f"{REGISTRY}@{DIGEST_1}" in render(repo, "prod")


def test_the_hold_is_per_digest(repo):
    _verified_release(repo)
    _merge(repo, cli(repo, "promote").stdout)
    _merge(repo, cli(repo, "rollback", "--env", "prod").stdout)
    # A new release in staging, verified: promoting it is not held.
    assert (
        cli(repo, "set-image", "--env", "staging", "--image", f"{REGISTRY}@{DIGEST_2}").returncode
        == 0
    )
    verified(repo, DIGEST_2)
    done = cli(repo, "promote")
    assert done.returncode == 0, done.stderr
    assert "Held-By" not in git(repo, "log", "-1", "--format=%B")
