"""Rollback holds: a digest rolled back out of an environment is not promoted there again
by accident. Found from git alone: each rollback commit names the promotion it reverted
(`Reverts-Promotion:`), and that promotion's release file names the digest."""

from __future__ import annotations

from pathlib import Path

from gitops import git
from gitops.layout import Release, release_path


def held_digests(root: Path, env: str) -> dict[str, str]:
    """Digest -> the newest rollback commit (in HEAD's history) that took it out of `env`."""
    from gitops.rollback import REVERTS_TRAILER

    log = git.git(
        root,
        "log",
        f"--format=%H %(trailers:key={REVERTS_TRAILER},valueonly,separator=%x20)",
        f"--grep=^Rollback-Env: {env}$",
    )
    held: dict[str, str] = {}
    path = release_path(env)
    for line in log.splitlines():
        rollback, _, reverted = line.partition(" ")
        text = git.show(root, reverted.strip(), path) if reverted.strip() else None
        try:
            digest = Release.loads(text).digest if text else None
        except (KeyError, TypeError, StopIteration, ValueError):
            digest = None
        if digest and digest not in held:
            held[digest] = rollback
    return held
