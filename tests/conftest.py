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
    "tests.fixtures.moto_iam",
    "tests.fixtures.service",
]

# Fixtures that start a server, an emulator, containers or a Spark session, init every
# Terraform root, or train a model: a test that uses one, even through another fixture, must
# be marked slow so that `make test-fast` (-m "not slow") stays fast. Collection stops on a
# test that is not.
SLOW_FIXTURES = {
    "service",
    "moto_endpoint",
    "moto_iam",
    "container_tools",
    "tf_offline_runs",
    "spark",
    "champion_in_store",
    "eleven_months",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    unmarked = [
        item.nodeid
        for item in items
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ()))
        and item.get_closest_marker("slow") is None
    ]
    if unmarked:
        raise pytest.UsageError(
            "These tests start a server, emulator, container or Spark, or train a model: mark them "
            f"@pytest.mark.slow: {', '.join(unmarked)}"
        )


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
