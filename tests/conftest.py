"""Session-wide setup; fixtures shared across areas live in tests/fixtures/."""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.model_cli import model_cli

REPO = Path(__file__).resolve().parents[1]

# A BentoML store of the test session's own, set before anything imports bentoml, so tests
# neither read nor write the developer's models and bentos.
_STORE = tempfile.mkdtemp(prefix="bentoml-test-")
atexit.register(shutil.rmtree, _STORE, ignore_errors=True)
os.environ["BENTOML_HOME"] = _STORE
os.environ["BENTOML_DO_NOT_TRACK"] = "true"
# The same for MLflow: an embedded store of the session's own (model/tracking.py).
os.environ["MLFLOW_TRACKING_URI"] = f"sqlite:///{_STORE}/mlflow/mlflow.db"

pytest_plugins: list[str] = [
    "tests.fixtures.moto",
    "tests.fixtures.terraform_local",
    "tests.fixtures.service",
]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A private copy of the versioned data, free to corrupt."""
    target = tmp_path / "data"
    shutil.copytree(REPO / "data", target, ignore=shutil.ignore_patterns("*.md"))
    return target


@pytest.fixture(scope="session")
def champion_in_store() -> str:
    """The committed champion, rebuilt from git into the session's store; returns its tag."""
    result = model_cli("register")
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]
