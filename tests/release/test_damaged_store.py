"""A damaged BentoML store entry (its model.yaml unreadable): the service and the scoring job
exit non-zero within 30 s with one sentence naming the tag and the command that repairs it;
the release path rebuilds the entry from the verified artifact. BentoML alone ends in a
traceback ("malformed model.yaml") or a KeyError."""

import sys
from pathlib import Path

import pytest

from model import compat, registry

from .test_release import release
from .test_tampered_model import BIN, run_bounded

pytestmark = pytest.mark.slow


def _damaged_home(embedded_registry, root: Path, text: str) -> tuple[Path, Path]:
    home = root / "bentoml"
    record_path = embedded_registry.write_record(root / "c.json")
    assert release(embedded_registry, record_path, home) == 0
    with compat.model_store_at(home / "models"):
        entry = registry.model_file(embedded_registry.record["bento_model_tag"]).parent
    (entry / "model.yaml").write_text(text)
    return home, record_path


@pytest.fixture(
    scope="module", params=["::: not yaml [", "name: bikeshare\n"], ids=["yaml", "field"]
)
def damaged(request, embedded_registry, tmp_path_factory):
    return _damaged_home(embedded_registry, tmp_path_factory.mktemp("damaged"), request.param)


def _one_sentence(err: str, tag: str) -> str:
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, err[-3000:]
    assert "Traceback" not in err
    assert tag in errors[0] and "damaged" in errors[0] and "make register" in errors[0]
    return errors[0]


def test_the_store_names_the_damaged_entry(damaged, embedded_registry):
    home, _ = damaged
    tag = embedded_registry.record["bento_model_tag"]
    with compat.model_store_at(home / "models"), pytest.raises(registry.DamagedEntry) as refused:
        registry.check_stored(embedded_registry.record)
    assert tag in str(refused.value) and "make register" in str(refused.value)


def test_service_exits_in_one_sentence(damaged, embedded_registry):
    home, _ = damaged
    code, err, seconds = run_bounded(
        [BIN / "bentoml", "serve", "bento.service:Bikeshare", "--host", "127.0.0.1",
         "--port", "5081"],
        home,
    )  # fmt: skip
    assert code != 0 and seconds < 30
    _one_sentence(err, embedded_registry.record["bento_model_tag"])


def test_scoring_job_exits_in_one_sentence(damaged, embedded_registry):
    home, _ = damaged
    code, err, _ = run_bounded(
        [sys.executable, "-m", "scoring", "score", "--period", "2011-12", "--bucket", "unused"],
        home,
    )
    assert code == 2
    _one_sentence(err, embedded_registry.record["bento_model_tag"])


def test_release_rebuilds_the_entry_from_the_verified_artifact(embedded_registry, tmp_path):
    home, record_path = _damaged_home(embedded_registry, tmp_path, "::: not yaml [")
    assert release(embedded_registry, record_path, home) == 0
    with compat.model_store_at(home / "models"):
        path = registry.check_stored(embedded_registry.record)  # readable and the pinned bytes
    assert path.is_file()
