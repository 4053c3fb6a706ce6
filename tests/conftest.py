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


# `make test` runs on xdist workers with `--dist loadfile`: a test module runs whole in one
# worker, so its module fixtures start once and modules that act on one shared thing stay
# serial (test_tf_local_stack.py runs terraform on the run's one applied state, whose lock
# admits one command at a time; test_image_play.py plays pods named by the manifests).
# (`--dist loadgroup` with xdist_group marks would be finer, but pytest-xdist 3.8.0 groups by
# rewriting item._nodeid, which pytest 9.2 no longer reads: the marks are silently ignored.)


# The longest modules first (measured with --durations), so that the two workers start on
# them and the tail of the run is made of short modules. Neighbours do not share a costly
# once-per-run fixture, so neither worker starts by waiting for the other's: the rehearsal
# has a moto of its own; the local stack, the image and `terraform test` are apart.
# make test passes --no-loadscope-reorder: pytest-xdist would otherwise queue modules by
# their number of tests, which put the one-test rehearsal (5 min) last.
LONGEST_FIRST = [
    "tests/dayone/test_rehearsal.py",
    "tests/terraform/test_tf_local_stack.py",
    "tests/image/test_image_play.py",
    "tests/terraform/test_tf_static.py",
    "tests/terraform/test_tf_operations_modules.py",
    "tests/terraform/test_tf_bootstrap.py",
    "tests/image/test_image_sagemaker.py",
    "tests/terraform/test_tf_lambda_target.py",
    "tests/batch/test_batch_spark.py",
    "tests/image/test_preview.py",
    "tests/image/test_image_registry.py",
    "tests/gitops/test_evidence_store.py",
    "tests/model/test_gate.py",
    "tests/model/test_fairness.py",
]


def _longest_first(item: pytest.Item) -> int:
    module = item.nodeid.split("::", 1)[0]
    return LONGEST_FIRST.index(module) if module in LONGEST_FIRST else len(LONGEST_FIRST)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=_longest_first)  # stable: the rest keep their order
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
