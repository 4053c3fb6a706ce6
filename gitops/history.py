"""The git-history vocabulary: how releases, promotions, rollbacks and holds are written into
commits (trailers) and found again. Every reader and writer of these trailers uses this module,
so the words live in one place; it imports only `gitops.git` and `gitops.layout`.

- a promotion commit carries `Promotion-Env: <env>`, `Promoted-From:`, `Source-Commit:`,
  `Image:`, `Model-Version:` and its gate's `Verified-By:` / `Held-By:` / `Override:`;
- a rollback commit carries `Rollback-Env: <env>`, `Reverts-Promotion: <sha>`, `Image:`,
  `Model-Version:`;
- a hold is derived, never written: a digest a rollback took out of an environment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from gitops import git
from gitops.layout import Release, release_path

PROMOTION = "Promotion-Env"
PROMOTED_FROM = "Promoted-From"
SOURCE_COMMIT = "Source-Commit"
ROLLBACK = "Rollback-Env"
REVERTS = "Reverts-Promotion"
IMAGE = "Image"
MODEL_VERSION = "Model-Version"
VERIFIED_BY = "Verified-By"
HELD_BY = "Held-By"
OVERRIDE = "Override"


@dataclass(frozen=True)
class Ran:
    """A release as an environment ran it, and the commit that set it there."""

    release: Release
    commit: str


def trailers(pairs: list[tuple[str, str]]) -> str:
    """A commit message's trailer block, one `Key: value` per line."""
    return "".join(f"{key}: {value}\n" for key, value in pairs)


def release_at(root: Path, commit: str, path: Path) -> Release | None:
    """The release file at `commit`, or None when absent or of an older layout."""
    text = git.show(root, commit, path)
    try:
        return Release.loads(text) if text else None
    except (KeyError, TypeError, StopIteration, ValueError):
        return None  # an older layout of the file: not a release this CLI wrote


def find_run(root: Path, env: str, digest: str) -> Ran | None:
    """The commit that first set `digest` in `env` in its newest stretch there, or None."""
    path = release_path(env)
    history = git.commits_touching(root, path)
    for index, sha in enumerate(history):
        release = release_at(root, sha, path)
        if release is None or release.digest != digest:
            continue
        # Walk back to the commit that introduced it (older commits may keep the same digest).
        first = sha
        for older in history[index + 1 :]:
            older_release = release_at(root, older, path)
            if older_release is None or older_release.digest != digest:
                break
            first, release = older, older_release
        return Ran(release, first)
    return None


def _values(message: str, key: str) -> list[str]:
    """Every `Key: value` line of a message, wherever it stands. Not git's trailer parser:
    a squash merge puts the PR's commit messages (or its body) into one message, where the
    trailers are no longer the last paragraph."""
    return re.findall(rf"(?m)^{re.escape(key)}: *(\S.*?)[ \t]*$", message)


def _log(root: Path, key: str, value: str | None = None) -> list[tuple[str, str]]:
    """(sha, message) of commits in HEAD's history with a `key: [value]` line, newest first."""
    pattern = f"^{key}: " + (re.escape(value) + "$" if value else "")
    out = git.git(root, "log", "--format=%H%x00%B%x1e", "-E", f"--grep={pattern}")
    entries = []
    for record in out.split("\x1e"):
        sha, _, message = record.strip("\n").partition("\x00")
        if sha:
            entries.append((sha, message))
    return entries


def promotions(root: Path, env: str) -> list[str]:
    """Promotion commits to `env` in HEAD's history, newest first (merge or squash)."""
    return [
        sha for sha, message in _log(root, PROMOTION, env) if env in _values(message, PROMOTION)
    ]


def reverted_promotions(root: Path) -> set[str]:
    """Every promotion commit a rollback in HEAD's history reverted."""
    return {value for _, message in _log(root, REVERTS) for value in _values(message, REVERTS)}


def last_promotion(root: Path, env: str) -> str | None:
    """The newest promotion to `env` that no rollback reverted yet."""
    reverted = reverted_promotions(root)
    return next((sha for sha in promotions(root, env) if sha not in reverted), None)


def held_digests(root: Path, env: str) -> dict[str, str]:
    """Digest -> the newest rollback commit (in HEAD's history) that took it out of `env`."""
    held: dict[str, str] = {}
    path = release_path(env)
    for rollback, message in _log(root, ROLLBACK, env):
        if env not in _values(message, ROLLBACK):
            continue
        for reverted in _values(message, REVERTS):
            release = release_at(root, reverted, path)
            if release and release.digest not in held:
                held[release.digest] = rollback
    return held
