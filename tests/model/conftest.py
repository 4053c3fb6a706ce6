import shutil
from pathlib import Path

import pytest

from model.train import load_params

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def params() -> dict:
    return load_params(REPO / "config" / "params.yaml")


@pytest.fixture
def champion_copy(tmp_path: Path) -> Path:
    """The committed champion record, copied so a test may (try to) replace it."""
    path = tmp_path / "champion.json"
    shutil.copy(REPO / "config" / "champion.json", path)
    return path
