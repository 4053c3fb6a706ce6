"""Verification evidence: what the verification Job found for one release, kept in git.

One file per environment, `argocd/bikeshare/overlays/<env>/verification.json`, rewritten by
`make verify` and committed, so its history holds every verification of every digest: the
promotion of any digest staging ran can find the result for exactly that digest. In git (not
a git note, not a CI artifact) because notes are not fetched or shown in PRs by default and
artifacts expire; the file travels with every clone and its diff is reviewable. On GitHub
the same result is also the commit status Argo CD notifications post (argocd/README.md).
"""

from __future__ import annotations

import json
from pathlib import Path

from gitops import git
from gitops.layout import OVERLAYS, Release, check_environment


def evidence_path(env: str) -> Path:
    return OVERLAYS / check_environment(env) / "verification.json"


def record_for(release: Release, env: str, result: dict, release_commit: str) -> dict:
    return {
        "environment": env,
        "image": release.ref,
        "digest": release.digest,
        "model_version": release.model_version,
        "release_commit": release_commit,
        "passed": bool(result["passed"]),
        "checks": result["checks"],
        "runner": result.get("runner", "unknown"),
    }


def dumps(record: dict) -> str:
    return json.dumps(record, indent=2, sort_keys=True) + "\n"


def _parse(text: str | None) -> dict | None:
    try:
        record = json.loads(text) if text else None
    except ValueError:
        return None
    return record if isinstance(record, dict) and "digest" in record else None


def find(root: Path, env: str, digest: str) -> tuple[dict, str] | None:
    """The newest verification of `digest` in `env` and the commit that recorded it."""
    path = evidence_path(env)
    for sha in git.commits_touching(root, path):
        record = _parse(git.show(root, sha, path))
        if record is not None and record["digest"] == digest:
            return record, sha
    return None


def failed_checks(record: dict) -> str:
    failed = [f"{c['name']}: {c['detail']}" for c in record.get("checks", []) if not c["passed"]]
    return "; ".join(failed) or "no checks ran"
