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
    """The revert branch with the alert in its PR body (named in its first screen, in full
    below it); HEAD goes back where it was."""
    origin = git.current_branch(root)
    severity = alert.get("labels", {}).get("severity", "?")
    summary = alert.get("annotations", {}).get("summary")
    reason = f"{why} ({severity}" + (f": {summary})" if summary else ")")
    try:
        branch, sha = rollback(root, env, BODY, reason, notes=alert_section(alert, why))
    finally:
        if git.current_branch(root) != origin:
            git.git(root, "switch", "--quiet", origin)
    return Opened(branch, sha, (root / BODY).read_text())


def already_open(err: Refusal) -> bool:
    """A second notification of the same alert finds the branch the first one made."""
    return "already exists" in str(err)
