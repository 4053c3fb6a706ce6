"""The few git operations the CLI needs, through the real git binary."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from gitops.errors import Refusal


def git(root: Path, *args: str, check: bool = True) -> str:
    if shutil.which("git") is None:
        raise Refusal("git not found on PATH: install git.")
    proc = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    if check and proc.returncode != 0:
        detail = (proc.stderr.strip() or proc.stdout.strip()).splitlines()
        raise Refusal(f"git {args[0]} failed: {detail[-1] if detail else 'no output'}.")
    return proc.stdout


def toplevel(start: Path) -> Path:
    proc = subprocess.run(
        ["git", "rev-parse", "--show-toplevel"], cwd=start, capture_output=True, text=True
    )
    if proc.returncode != 0:
        raise Refusal(f"{start} is not inside a git work tree.")
    return Path(proc.stdout.strip())


def require_clean(root: Path) -> None:
    """Tracked changes anywhere, or untracked files under argocd/, would leak into a commit."""
    dirty = git(root, "status", "--porcelain", "--untracked-files=no")
    dirty += git(root, "status", "--porcelain", "--", "argocd")
    if dirty.strip():
        first = dirty.strip().splitlines()[0]
        raise Refusal(f"the work tree is dirty ({first.strip()}): commit or discard changes first.")


def head(root: Path) -> str:
    return git(root, "rev-parse", "HEAD").strip()


def current_branch(root: Path) -> str:
    return git(root, "rev-parse", "--abbrev-ref", "HEAD").strip()


def branch_exists(root: Path, name: str) -> bool:
    return bool(git(root, "branch", "--list", name).strip())


def show(root: Path, commit: str, path: Path) -> str | None:
    proc = subprocess.run(
        ["git", "show", f"{commit}:{path.as_posix()}"], cwd=root, capture_output=True, text=True
    )
    return proc.stdout if proc.returncode == 0 else None


def commits_touching(root: Path, path: Path) -> list[str]:
    """Commits reachable from HEAD that changed `path`, newest first."""
    return git(root, "log", "--format=%H", "--", path.as_posix()).split()


def discard(root: Path, path: Path) -> None:
    """Put `path` back as HEAD has it, in the index and the work tree (after a failed commit)."""
    git(
        root,
        "restore",
        "--source=HEAD",
        "--staged",
        "--worktree",
        "--",
        path.as_posix(),
        check=False,
    )


def commit(root: Path, paths: list[Path] | None, message: str) -> str:
    """Commit only `paths` (or the index as it is, when None)."""
    if paths is None:
        git(root, "commit", "--quiet", "-m", message)
    else:
        names = [p.as_posix() for p in paths]
        git(root, "add", "--", *names)
        git(root, "commit", "--quiet", "-m", message, "--", *names)
    return head(root)
