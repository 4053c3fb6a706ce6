"""A tampered model in the store: the service and the scoring job exit non-zero within 30 s
with one sentence naming the tag and the file (BentoML alone restarts its workers forever)."""

import sys
from pathlib import Path

import pytest

from model import registry
from model.bentoml_store import model_store_at
from tests.fixtures.bounded import run_bounded

from .test_release import release

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def tampered_home(embedded_registry, tmp_path_factory):
    """A BentoML home holding the released champion with one byte changed."""
    root = tmp_path_factory.mktemp("tampered")
    home = root / "bentoml"
    assert release(embedded_registry, embedded_registry.write_record(root / "c.json"), home) == 0
    with model_store_at(home / "models"):
        path = registry.model_file(embedded_registry.record["bento_model_tag"])
    data = bytearray(path.read_bytes())
    data[1000] ^= 0xFF
    path.write_bytes(bytes(data))
    return home, path


def assert_one_sentence_naming(err: str, tag: str, path: Path) -> None:
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, err[-3000:]
    assert tag in errors[0] and str(path) in errors[0]
    assert "Traceback" not in err


def test_service_refuses_tampered_model(tampered_home, embedded_registry):
    home, path = tampered_home
    port = str(5079)
    code, err, seconds = run_bounded(
        [
            BIN / "bentoml",
            "serve",
            "bento.service:Bikeshare",
            "--host",
            "127.0.0.1",
            "--port",
            port,
        ],
        home,
    )
    assert code != 0
    assert seconds < 30
    assert_one_sentence_naming(err, embedded_registry.record["bento_model_tag"], path)


def test_scoring_job_refuses_tampered_model(tampered_home, embedded_registry):
    home, path = tampered_home
    code, err, _ = run_bounded(
        [sys.executable, "-m", "scoring", "score", "--period", "2011-12", "--bucket", "unused"],
        home,
    )
    assert code == 2
    assert_one_sentence_naming(err, embedded_registry.record["bento_model_tag"], path)
