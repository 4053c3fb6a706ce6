"""Bot commits through the git database API (bot_commit/), against the local stand-in of
GitHub's API (tests/fixtures/github_fake.py: real HTTP, real git objects, every body checked
against the pinned REST description). GitHub itself, and so its signature on the commits,
cannot be reached here."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures.github_fake import FakeGitHub, serve
from tests.fixtures.github_rest import request_errors

ROOT = Path(__file__).resolve().parents[2]
IDENTITY = {
    "GIT_AUTHOR_NAME": "runner",
    "GIT_AUTHOR_EMAIL": "runner@example.invalid",
    "GIT_COMMITTER_NAME": "runner",
    "GIT_COMMITTER_EMAIL": "runner@example.invalid",
}


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, **IDENTITY},
    ).stdout.strip()


@pytest.fixture
def repo(tmp_path):
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(origin)], check=True)
    work = tmp_path / "work"
    subprocess.run(["git", "clone", "-q", str(origin), str(work)], check=True)
    git(work, "switch", "-q", "-c", "main")
    (work / "argocd").mkdir()
    (work / "argocd" / "release.yaml").write_text("digest: old\n")
    (work / "obsolete.txt").write_text("to be deleted\n")
    git(work, "add", ".")
    git(work, "commit", "-q", "-m", "initial")
    git(work, "push", "-q", "-u", "origin", "main")
    git(work, "switch", "-q", "-c", "release/staging-abc")
    return work


@pytest.fixture
def api(repo):
    fake = FakeGitHub(repo.parent / "origin.git", "acme/bikeshare", "installation-token")
    server = serve(fake)
    yield fake
    server.shutdown()


def push(repo: Path, api: FakeGitHub, token: str | None = None) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "GH_TOKEN": token or api.token,
        "GITHUB_REPOSITORY": api.repository,
        "GITHUB_API_URL": api.url,
        "PYTHONPATH": str(ROOT),
    }
    command = [sys.executable, "-m", "bot_commit", "push", "--branch", "release/staging-abc"]
    return subprocess.run(
        [*command, "--base", "origin/main", "--root", str(repo)],
        capture_output=True,
        text=True,
        env=env,
    )


def two_commits(repo: Path) -> None:
    (repo / "argocd" / "release.yaml").write_text("digest: new\n")
    (repo / "tool.sh").write_text("#!/bin/sh\necho hi\n")
    (repo / "tool.sh").chmod(0o755)
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "pin new")
    (repo / "obsolete.txt").unlink()
    git(repo, "add", "-A")
    git(
        repo, "commit", "-q", "-m", "promote(prod): new\n\nPromotion-Env: prod\nImage: x@sha256:1\n"
    )


def test_local_commits_are_made_again_through_the_api(repo, api):
    two_commits(repo)
    result = push(repo, api)
    assert result.returncode == 0, result.stderr
    assert "2 commit(s) made through the API" in result.stdout
    origin = repo.parent / "origin.git"
    remote = git(origin, "rev-parse", "refs/heads/release/staging-abc")
    assert remote != git(repo, "rev-parse", "HEAD")  # re-created, not pushed
    # Same content (tree ids are content addresses), same messages with their trailers.
    assert git(origin, "rev-parse", f"{remote}^{{tree}}") == git(repo, "rev-parse", "HEAD^{tree}")
    assert git(origin, "log", "--format=%B", "-1", remote) == git(repo, "log", "--format=%B", "-1")
    assert git(origin, "rev-parse", f"{remote}~2") == git(repo, "rev-parse", "origin/main")
    assert "100755 blob" in git(origin, "ls-tree", remote, "tool.sh")
    assert git(origin, "ls-tree", remote, "obsolete.txt") == ""
    # No author or committer of ours in the requests: GitHub then signs the commit as the App.
    commits = [body for method, path, body in api.calls if path == "/git/commits"]
    assert len(commits) == 2 and all(set(c) == {"message", "tree", "parents"} for c in commits)
    assert git(origin, "log", "-1", "--format=%cn", remote) == "GitHub"


def test_a_rerun_replaces_the_bots_branch(repo, api):
    two_commits(repo)
    assert push(repo, api).returncode == 0
    first = git(repo.parent / "origin.git", "rev-parse", "refs/heads/release/staging-abc")
    git(repo, "commit", "-q", "--amend", "-m", "promote(prod): again")
    result = push(repo, api)
    assert result.returncode == 0, result.stderr
    assert ("PATCH", "/git/refs/heads/release/staging-abc") in [c[:2] for c in api.calls]
    second = git(repo.parent / "origin.git", "rev-parse", "refs/heads/release/staging-abc")
    assert second != first


def test_nothing_ahead_and_a_bad_token_are_one_sentence_each(repo, api):
    result = push(repo, api)
    assert result.returncode == 1
    assert (
        result.stderr == "bot_commit: nothing to push: HEAD has no commit ahead of origin/main.\n"
    )
    two_commits(repo)
    result = push(repo, api, token="stolen")
    assert result.returncode == 1
    assert result.stderr.startswith("bot_commit: POST /git/blobs answered 401: Bad credentials")
    assert result.stderr.count("\n") == 1
    assert "release/staging-abc" not in git(repo.parent / "origin.git", "branch")


def test_the_stand_in_refuses_what_github_would_refuse():
    """The validation is real: bodies outside the description are refused (422 upstream)."""
    tree = "/repos/{owner}/{repo}/git/trees"
    good = {"tree": [{"path": "a", "mode": "100644", "type": "blob", "sha": "0" * 40}]}
    assert request_errors(tree, "POST", good) == []
    bad_mode = {"tree": [{"path": "a", "mode": "100600", "type": "blob", "sha": "0" * 40}]}
    assert request_errors(tree, "POST", bad_mode)
    assert request_errors("/repos/{owner}/{repo}/git/commits", "POST", {"message": "m"})
    assert request_errors("/repos/{owner}/{repo}/git/refs/{ref}", "PATCH", {"force": True})
