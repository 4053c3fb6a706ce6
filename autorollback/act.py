"""Make the rollback (gitops' rollback: a revert branch and its PR body) and propose it.

`propose` leaves the branch in the clone (this machine: a reviewer merges it with git) or, with
a GitHub repository set, pushes it and opens the PR through the REST API with the App's
installation token (github.py; not executable here: no GitHub)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from autorollback.body import alert_section
from gitops import git
from gitops.errors import Refusal
from gitops.rollback import rollback

BODY = Path("build/autorollback/rollback.md")


@dataclass(frozen=True)
class Opened:
    branch: str
    commit: str
    body: str


def open_rollback(root: Path, env: str, alert: dict, why: str) -> Opened:
    """The revert branch with the alert in its PR body; HEAD goes back where it was."""
    origin = git.current_branch(root)
    try:
        branch, sha = rollback(root, env, BODY)
    finally:
        if git.current_branch(root) != origin:
            git.git(root, "switch", "--quiet", origin)
    body = (root / BODY).read_text() + alert_section(alert, why)
    (root / BODY).write_text(body)
    return Opened(branch, sha, body)


def already_open(err: Refusal) -> bool:
    """A second notification of the same alert finds the branch the first one made."""
    return "already exists" in str(err)
