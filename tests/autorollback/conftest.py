"""A scratch repository with real git where prod was promoted twice (digest 1, then the bad
digest 2), each promotion merged into main as a reviewer would: gitops' own CLI throughout."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from gitops.evidence import key
from gitops.layout import Release, release_path

ROOT = Path(__file__).resolve().parents[2]
REGISTRY = "127.0.0.1:5000/bikeshare"
GOOD = "sha256:" + "1" * 64
BAD = "sha256:" + "2" * 64
CHAMPION = {
    "version": "2011-12-abc123",
    "bento_model_tag": "bikeshare:2011-12-abc123",
    "code_commit": "0" * 40,
    "trained_on": {"holdout": "2011-12"},
    "data": {"fingerprint": "f" * 64, "files": {"2011-01.csv": "e" * 64}},
    "metrics": {"overall": {"rmse": 41.1, "r2": 0.85}},
}


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def store_of(repo: Path) -> Path:
    """The repository's verification evidence store (local form, outside the work tree)."""
    return repo.parent / "evidence"


def gitops(repo: Path, *args: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "EVIDENCE_STORE": str(store_of(repo))}
    done = subprocess.run(
        [sys.executable, "-m", "gitops", "--root", str(repo), *args],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def release_and_promote(repo: Path, digest: str) -> None:
    """set-image staging, the verification record, promote to prod, merge the PR's branch."""
    gitops(repo, "set-image", "--env", "staging", "--image", f"{REGISTRY}@{digest}")
    finished = datetime.now(UTC).isoformat(timespec="seconds")
    record = {
        "environment": "staging",
        "digest": digest,
        "image": f"{REGISTRY}@{digest}",
        "model_version": CHAMPION["version"],
        "passed": True,
        "checks": [{"name": "version", "passed": True, "detail": "serves x, release pins x"}],
        "finished_at": finished,
        "cluster": "bikeshare-staging",
        "duration_s": 3.0,
        "latency": {"requests": 50, "p50_ms": 4.0, "p99_ms": 9.0, "error_rate": 0.0},
    }
    path = store_of(repo) / key("staging", digest)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=2))
    gitops(repo, "promote", "--from", "staging", "--to", "prod")
    branch = git(repo, "rev-parse", "--abbrev-ref", "HEAD")
    git(repo, "switch", "--quiet", "main")
    git(repo, "merge", "--quiet", "--no-ff", "-m", f"Merge {branch}", branch)


def prod_digest(repo: Path) -> str:
    return Release.loads((repo / release_path("prod")).read_text()).digest


@pytest.fixture
def promoted_repo(tmp_path) -> Path:
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "argocd", repo / "argocd")
    (repo / "config").mkdir()
    (repo / "config/champion.json").write_text(json.dumps(CHAMPION, indent=2))
    shutil.copy(ROOT / "config/platform.yaml", repo / "config/platform.yaml")  # promotion rules
    (repo / ".gitignore").write_text("build/\n")
    git(repo, "init", "--quiet", "--initial-branch=main")
    git(repo, "config", "user.name", "autorollback test")
    git(repo, "config", "user.email", "autorollback-test@example.invalid")
    git(repo, "config", "commit.gpgsign", "false")
    git(repo, "add", ".")
    git(repo, "commit", "--quiet", "-m", "initial")
    release_and_promote(repo, GOOD)
    release_and_promote(repo, BAD)
    assert prod_digest(repo) == BAD
    return repo
