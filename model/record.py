"""The champion record: what production runs, kept in git as canonical JSON."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from model import paths

CHAMPION_PATH = paths.CHAMPION


def file_sha256(path: Path) -> str:
    """sha256 of a file, read in 1 MiB blocks (data files and model artifacts alike)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fingerprint(files: list[Path]) -> dict[str, Any]:
    """Hash of the data files: one digest per file and one over all of them."""
    per_file = {p.name: file_sha256(p) for p in sorted(files)}
    overall = hashlib.sha256(json.dumps(per_file, sort_keys=True).encode()).hexdigest()
    return {"sha256": overall, "files": per_file}


def code_commit(repo: Path = paths.ROOT) -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return out.stdout.strip()


def dumps(record: dict[str, Any]) -> str:
    """Canonical JSON: stable key order and a trailing newline, so diffs stay readable."""
    return json.dumps(record, indent=2, sort_keys=True) + "\n"


def load(path: Path = CHAMPION_PATH) -> dict[str, Any] | None:
    return json.loads(path.read_text()) if path.exists() else None


def save(record: dict[str, Any], path: Path = CHAMPION_PATH) -> None:
    """Write atomically: a crash leaves either the old record or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(dumps(record))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
