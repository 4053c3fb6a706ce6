"""A champion whose bytes pass the sha256 check but cannot be loaded: `bentoml serve` exits
non-zero within 30 s, its last line on stderr one sentence naming the tag and the repair, and no
worker is started again (BentoML alone starts them again for ever: the canaries in
tests/service/test_bentoml_canaries.py).

Each case serves a copy of what the bento ships (bentofile's includes) whose champion record
pins the crafted bytes, from a BentoML home of its own. Loading the bytes first creates a file
in a folder of the test's (one per load: the count of workers that tried), then fails."""

import copyreg
import glob
import hashlib
import json
import pickle
import shutil
import sys
import tempfile
import types
from pathlib import Path

import pytest
import yaml

from bento import champion
from model import registry
from model.bentoml_store import model_store_at
from tests.fixtures.bounded import REPO, run_bounded
from tests.fixtures.service import free_port

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent
WORKERS = 2  # bento/service.py: workers=2; none may be started again
MISSING_MODULE = "bikeshare_retired_estimators"


class _Call:
    """Pickles as a call of `function(*args)`, then `__setstate__(state)` when state is given."""

    def __init__(self, function, *args, state=None) -> None:
        self.function, self.args, self.state = function, args, state

    def __reduce__(self):
        return (self.function, self.args, *(() if self.state is None else (self.state,)))


def _missing_class() -> object:
    """An instance of a class from a module the service cannot import (pickled as its name)."""
    module = types.ModuleType(MISSING_MODULE)
    estimator = type("Estimator", (), {"__module__": MISSING_MODULE})
    module.Estimator = estimator
    sys.modules[MISSING_MODULE] = module  # only while pickling
    return estimator()


def _crafted_bytes(kind: str, attempts: Path) -> bytes:
    counter = _Call(tempfile.mkstemp, None, "load-", str(attempts))  # one file per load
    if kind == "missing-module":
        failing = _missing_class()
    else:  # scikit-learn's own __setstate__ fails on a state that is not its dict
        from sklearn.ensemble import HistGradientBoostingRegressor

        estimator = HistGradientBoostingRegressor
        failing = _Call(copyreg._reconstructor, estimator, object, None, state=42)
    try:
        return pickle.dumps((counter, failing), protocol=pickle.DEFAULT_PROTOCOL)
    finally:
        sys.modules.pop(MISSING_MODULE, None)


def _bento_source(target: Path) -> None:
    """The files the bento ships (bento/bentofile.yaml's includes), as its src/ folder."""
    includes = yaml.safe_load((REPO / "bento" / "bentofile.yaml").read_text())["include"]
    for pattern in includes:
        for found in glob.glob(pattern, root_dir=REPO):
            (target / found).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / found, target / found)


@pytest.fixture(scope="module", params=["missing-module", "setstate"])
def unloadable(request, tmp_path_factory):
    """(source folder, BentoML home, the crafted record, folder of load attempts)."""
    root = tmp_path_factory.mktemp(f"unloadable-{request.param}")
    attempts = root / "attempts"
    attempts.mkdir()
    data = _crafted_bytes(request.param, attempts)
    record = json.loads((REPO / "config" / "champion.json").read_text())
    record["bento_model_tag"] = f"bikeshare:unloadable-{request.param}"
    record["artifact"]["sha256"] = hashlib.sha256(data).hexdigest()
    source = root / "src"
    _bento_source(source)
    (source / "config" / "champion.json").write_text(json.dumps(record, indent=2))
    home = root / "bentoml"
    with model_store_at(home / "models"):
        registry.save_bytes(data, record)
        registry.check_stored(record)  # the pinned bytes: the sha256 check passes
    return source, home, record, attempts


# The image runs with BENTOML_CONTAINERIZED set (BentoML then respawns nothing); the same
# sentence and code either way.
@pytest.mark.parametrize("containerized", [False, True], ids=["host", "containerized"])
def test_serve_exits_in_one_sentence_without_restarts(unloadable, containerized):
    source, home, record, attempts = unloadable
    for old in attempts.iterdir():  # the other parametrization's loads
        old.unlink()
    code, err, seconds = run_bounded(
        [BIN / "bentoml", "serve", "bento.service:Bikeshare", "--host", "127.0.0.1",
         "--port", str(free_port())],
        home,
        cwd=source,
        env={"BENTOML_CONTAINERIZED": "true"} if containerized else {},
    )  # fmt: skip
    loads = len(list(attempts.iterdir()))
    print(f"exit {code} after {seconds:.1f} s, {loads} load(s)")
    assert code == champion.EXIT_UNLOADABLE, err[-3000:]
    assert seconds < 30
    assert 1 <= loads <= WORKERS, f"{loads} loads: a worker was started again"
    last = err.strip().splitlines()[-1]
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert errors == [last], err[-3000:]
    assert last.startswith(f"error: model {record['bento_model_tag']} (sha256 ok) cannot be loaded")
    kind = "ModuleNotFoundError" if "missing" in record["bento_model_tag"] else "AttributeError"
    assert kind in last and "make rollback ENV=<env>" in last and last.endswith(".")
    assert "Traceback" not in err
