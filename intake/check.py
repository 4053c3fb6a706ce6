"""The data contract on a new month, in the company of the months already in git: its own
problems (model/validate.py) and rows that clash with an existing file's (day, hour)."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path

from model.validate import DataError, data_files, load_valid, problems_in


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def problem(data_dir: Path, name: str, data: bytes) -> str | None:
    """One sentence naming what is wrong with `data` as data/<name>, or None."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        folder.mkdir()
        path = folder / name
        path.write_bytes(data)
        try:
            problems = problems_in(path)
        except (DataError, ValueError) as err:
            return str(err).replace(str(folder) + "/", "")
        if problems:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            return problems[0].replace(str(folder) + "/", "") + more + "."
        for existing in data_files(data_dir):
            shutil.copy(existing, folder / existing.name)
        try:
            load_valid(data_files(folder))
        except DataError as err:
            return str(err).replace(str(folder) + "/", "")
    return None


def rows(data: bytes) -> int:
    """Records in a CSV with a header line."""
    return max(0, len(data.splitlines()) - 1)
