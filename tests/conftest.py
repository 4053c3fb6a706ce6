"""Session-wide setup; fixtures shared across areas live in tests/fixtures/."""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.fixtures.shared import finish_run
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

# Fixtures that start a server, an emulator, containers or a Spark session, init every
# Terraform root, or train a model: a test that uses one, even through another fixture, must
# be marked slow so that `make test-fast` (-m "not slow") stays fast. Collection stops on a
# test that is not.
SLOW_FIXTURES = {
    "service",
    "moto_endpoint",
    "container_tools",
    "tf_offline_runs",
    "spark",
    "champion_in_store",
    "eleven_months",
}


# Tests that must share one xdist worker (`make test` runs `--dist loadgroup`), by module or
# by session fixture, first match wins. Modules: they run terraform on the run's one applied
# state (its lock admits one command at a time), or play pods whose names and host ports come
# from the manifests. Fixtures: costly, per worker, and used by a handful of tests, which
# would otherwise pay for them on every worker.
XDIST_GROUPS = {
    "tests/terraform/test_tf_local_stack.py": "tf-local-state",
    "tests/image/test_image_play.py": "kube-play",
    "tf_offline_runs": "tf-offline",
    "mlflow_server": "mlflow-server",
    "shifted_run": "retrain-shifted",
}


def xdist_group(item: pytest.Item) -> str | None:
    names = {item.nodeid.split("::", 1)[0], *getattr(item, "fixturenames", ())}
    return next((group for key, group in XDIST_GROUPS.items() if key in names), None)


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook reads the marks
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
    for item in items:
        group = xdist_group(item)
        if group:
            item.add_marker(pytest.mark.xdist_group(group))


def pytest_sessionfinish(session: pytest.Session) -> None:
    """The run is over (every xdist worker too): stop the shared servers, run the clean-ups."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        finish_run(session.config._tmp_path_factory.getbasetemp())


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
