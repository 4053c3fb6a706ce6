"""Run the model CLI as a user would: `python -m model ...` from the repository root."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def model_cli(*args: object) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "model", *map(str, args)],
        cwd=REPO, capture_output=True, text=True, check=False,
    )  # fmt: skip
