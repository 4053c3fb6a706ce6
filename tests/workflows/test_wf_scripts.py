"""The workflows' two scripts, with a stand-in `gh` that records what it was asked to do:
open-pr.sh (their one way to propose a change: commits made through the stand-in of GitHub's
git database API over a real bare repository, tests/fixtures/github_fake.py), and
pr-comment.sh (one sticky comment per marker)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.fixtures.github_fake import FakeGitHub, serve

SCRIPTS = Path(__file__).resolve().parents[2] / ".github" / "scripts"
SCRIPT = SCRIPTS / "open-pr.sh"
IDENTITY = {
    "GIT_AUTHOR_NAME": "bot",
    "GIT_AUTHOR_EMAIL": "bot@example.invalid",
    "GIT_COMMITTER_NAME": "bot",
    "GIT_COMMITTER_EMAIL": "bot@example.invalid",
}


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True, env=_env()
    ).stdout


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, **IDENTITY, **extra}


@pytest.fixture
def clone(tmp_path):
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(origin)], check=True)
    work = tmp_path / "work"
    subprocess.run(["git", "clone", "-q", str(origin), str(work)], check=True)
    git(work, "switch", "-q", "-c", "main")
    (work / "config").mkdir()
    (work / "config" / "champion.json").write_text('{"version": "1"}\n')
    (work / "notes.txt").write_text("draft\n")
    git(work, "add", ".")
    git(work, "commit", "-q", "-m", "initial")
    git(work, "push", "-q", "-u", "origin", "main")
    return work


@pytest.fixture
def gh(tmp_path):
    """A `gh` on PATH that logs its arguments, one call a line."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "gh.log"
    stub = bin_dir / "gh"
    # `gh api --paginate` answers with the id of an earlier comment when GH_STUB_ID is set;
    # `gh pr comment` keeps a copy of the body it was given (its last argument).
    stub.write_text(
        "#!/usr/bin/env bash\n"
        f'echo "$*" >>"{log}"\n'
        'case "$1 $2" in\n'
        '  "api --paginate") [ -z "${GH_STUB_ID:-}" ] || echo "$GH_STUB_ID" ;;\n'
        f'  "pr comment") cp "${{@: -1}}" "{log}.body" ;;\n'
        "esac\n"
    )
    stub.chmod(0o755)
    return bin_dir, log


@pytest.fixture
def api(clone):
    fake = FakeGitHub(clone.parent / "origin.git", "acme/repo", "app-token")
    server = serve(fake)
    yield fake
    server.shutdown()


def open_pr(clone: Path, gh, api: FakeGitHub, **env: str) -> subprocess.CompletedProcess:
    bin_dir, _ = gh
    path = f"{bin_dir}{os.pathsep}{os.environ['PATH']}"
    github = {"GH_TOKEN": api.token, "GITHUB_REPOSITORY": api.repository, "GITHUB_API_URL": api.url}
    return subprocess.run(
        ["bash", str(SCRIPT)],
        cwd=clone,
        capture_output=True,
        text=True,
        env=_env(PATH=path, **github, **env),
    )


def test_changed_paths_become_a_pushed_branch_and_a_pr(clone, gh, api):
    (clone / "config" / "champion.json").write_text('{"version": "2"}\n')
    (clone / "notes.txt").write_text("unrelated local edit\n")
    (clone / "body.md").write_text("report\n")
    result = open_pr(
        clone,
        gh,
        api,
        BRANCH="retrain/7",
        PATHS="config/champion.json",
        TITLE="model: v2",
        BODY="body.md",
    )
    assert result.returncode == 0, result.stderr
    assert "refs/heads/retrain/7" in git(clone, "ls-remote", "origin")
    git(clone, "fetch", "-q", "origin")
    changed = git(clone, "show", "--name-only", "--format=", "origin/retrain/7").split()
    assert changed == ["config/champion.json"]  # only PATHS, never the unrelated edit
    # Made through the API (GitHub commits it, and signs it as the App), not pushed.
    assert git(clone, "log", "-1", "--format=%cn", "origin/retrain/7").strip() == "GitHub"
    assert [c[:2] for c in api.calls][-1] == ("POST", "/git/refs")
    calls = gh[1].read_text().splitlines()
    assert calls == ["pr create --base main --head retrain/7 --title model: v2 --body-file body.md"]


def test_a_branch_made_by_a_target_is_pushed_as_is(clone, gh, api):
    # make promote leaves a branch with one commit checked out.
    git(clone, "switch", "-q", "-c", "promote/prod-abc")
    (clone / "config" / "champion.json").write_text('{"version": "3"}\n')
    git(clone, "commit", "-q", "-am", "promote(prod): abc\n\nPromotion-Env: prod\n")
    result = open_pr(clone, gh, api)
    assert result.returncode == 0, result.stderr
    assert "refs/heads/promote/prod-abc" in git(clone, "ls-remote", "origin")
    git(clone, "fetch", "-q", "origin")
    assert git(clone, "rev-parse", "origin/promote/prod-abc^{tree}") == git(
        clone, "rev-parse", "HEAD^{tree}"
    )
    # The trailers the rollback hold reads travel with the message.
    message = git(clone, "log", "-1", "--format=%B", "origin/promote/prod-abc")
    assert "Promotion-Env: prod" in message
    assert "pr create --base main --head promote/prod-abc --fill" in gh[1].read_text()


def test_nothing_to_propose_opens_nothing(clone, gh, api):
    result = open_pr(clone, gh, api, BRANCH="retrain/8", PATHS="config/champion.json", TITLE="t")
    assert result.returncode == 0, result.stderr
    assert "nothing to propose" in result.stdout
    assert not gh[1].exists()
    assert "retrain/8" not in git(clone, "ls-remote", "origin")


def test_refuses_to_push_to_main(clone, gh, api):
    result = open_pr(clone, gh, api)
    assert result.returncode == 1
    assert "refusing to push to main" in result.stderr
    assert not gh[1].exists()


def comment(tmp_path: Path, gh, **env: str) -> subprocess.CompletedProcess:
    bin_dir, _ = gh
    report = tmp_path / "report.md"
    report.write_text("x" * 70_000)  # over GitHub's limit: must be cut
    path = f"{bin_dir}{os.pathsep}{os.environ['PATH']}"
    return subprocess.run(
        ["bash", str(SCRIPTS / "pr-comment.sh"), "12", "<!-- marker -->", str(report)],
        capture_output=True,
        text=True,
        env=_env(PATH=path, GITHUB_REPOSITORY="acme/repo", **env),
    )


def test_first_comment_is_created(tmp_path, gh):
    result = comment(tmp_path, gh)
    assert result.returncode == 0, result.stderr
    calls = gh[1].read_text().splitlines()
    assert calls[0].startswith("api --paginate repos/acme/repo/issues/12/comments")
    assert calls[1].startswith("pr comment 12 --repo acme/repo --body-file ")
    body = Path(f"{gh[1]}.body").read_text()
    assert body.startswith("<!-- marker -->\n")
    assert len(body) < 61_000
    assert "cut at 60,000 characters" in body


def test_a_later_comment_edits_the_first(tmp_path, gh):
    result = comment(tmp_path, gh, GH_STUB_ID="4242")
    assert result.returncode == 0, result.stderr
    calls = gh[1].read_text().splitlines()
    assert calls[1].startswith("api --silent -X PATCH repos/acme/repo/issues/comments/4242")
    assert not any(c.startswith("pr comment") for c in calls)


def test_pushed_reference_is_handed_to_the_next_job(tmp_path):
    ref = "123456789012.dkr.ecr.us-east-1.amazonaws.com/bikeshare@sha256:" + "a" * 64
    (tmp_path / "image-ref.txt").write_text(ref + "\n")
    output = tmp_path / "github_output"
    result = subprocess.run(
        ["make", "-s", "wf-image-output", f"IMAGE_OUT={tmp_path}"],
        cwd=SCRIPTS.parents[1],
        capture_output=True,
        text=True,
        env=_env(GITHUB_OUTPUT=str(output)),
    )
    assert result.returncode == 0, result.stderr
    assert output.read_text() == f"image={ref}\n"
