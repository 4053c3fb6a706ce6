"""bento/bentoml_fixes/worker_exit.py: a worker's fatal exit ends `bentoml serve` with the
worker's sentence (or, without one, a sentence of its own) and the worker's code."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bento import champion
from bento.bentoml_fixes import worker_exit
from tests.fixtures.bounded import run_bounded
from tests.fixtures.service import free_port

BIN = Path(sys.executable).parent
RECORD = {"bento_model_tag": "bikeshare:v1", "libraries": {"scikit-learn": "1.9.1"}}


def test_the_sentence_is_one_line_naming_tag_error_and_repair():
    error = ValueError("first line.\n  second line " + "x" * 500 + ".")
    sentence = champion.unloadable(RECORD, error)
    assert "\n" not in sentence and len(sentence) < 600
    assert sentence.startswith("error: model bikeshare:v1 (sha256 ok) cannot be loaded: ValueError")
    assert "first line. second line x" in sentence and "…;" in sentence
    assert "scikit-learn 1.9.1" in sentence and sentence.endswith("`make rollback ENV=<env>`.")


def test_outside_a_worker_the_sentence_goes_to_stderr(capsys, monkeypatch):
    monkeypatch.delenv(worker_exit.WORKER_EXIT_FILE, raising=False)
    with pytest.raises(SystemExit) as ended:
        worker_exit.exit_worker("error: one\nsentence.", 4)
    assert ended.value.code == 4 and capsys.readouterr().err == "error: one sentence.\n"


def test_a_worker_leaves_its_sentence_and_ends_at_once(tmp_path):
    left = tmp_path / "exit"
    code = "from bento.bentoml_fixes.worker_exit import exit_worker as e; e('error: x.', 4)"
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, worker_exit.WORKER_EXIT_FILE: str(left)},
        capture_output=True,
        text=True,
    )
    assert (done.returncode, done.stderr, left.read_text()) == (4, "", "error: x.\n")


def test_serve_builds_the_arbiter_that_ends_on_fatal_codes():
    """BentoML's create_standalone_arbiter builds the subclass: each watcher gets the file and
    the hook; a fatal code stops the respawning, any other does nothing."""
    from bentoml._internal.utils import circus as bentoml_circus
    from circus.watcher import Watcher
    from tornado.ioloop import IOLoop

    worker_exit.install({3, 4})
    installed = bentoml_circus.Arbiter
    worker_exit.install({3, 4})  # the service imported again: the same subclass
    assert bentoml_circus.Arbiter is installed and issubclass(installed, worker_exit._Marker)
    watcher = Watcher("service", sys.executable, env={"A": "1"}, graceful_timeout=86400)
    loop = IOLoop()  # its own, never started: the stop the hook schedules is dropped with it
    arbiter = bentoml_circus.create_standalone_arbiter([watcher], loop=loop)
    try:
        assert arbiter.fatal_codes == {3, 4}
        assert watcher.env == {"A": "1", worker_exit.WORKER_EXIT_FILE: arbiter.exit_file}
        assert watcher.hooks["after_reap"] == arbiter._after_reap
        arbiter._after_reap(watcher, exit_code=0)
        assert (watcher.respawn, arbiter.fatal_code) == (True, None)
        arbiter._after_reap(watcher, exit_code=4)
        assert (watcher.respawn, arbiter.fatal_code) == (False, 4)
        assert watcher.graceful_timeout == worker_exit.GRACE_SECONDS
    finally:
        arbiter.ctrl.sys_hdl.stop()  # the signal handlers circus installed: pytest's again
        os.unlink(arbiter.exit_file)
        loop.close()


@pytest.mark.slow
def test_a_startup_failure_without_a_sentence_ends_serve_in_one_of_its_own(
    tmp_path, tmp_path_factory
):
    """The bare service whose __init__ raises: uvicorn's exit 3 ends the server, no restart."""
    code, err, seconds = run_bounded(
        [BIN / "bentoml", "serve", "tests.service.failing_service_with_fix:FailsAtStartup",
         "--host", "127.0.0.1", "--port", str(free_port())],
        tmp_path_factory.mktemp("bentoml-home"),  # its own: serve empties the home's metrics
        env={"BARE_STARTS": str(tmp_path)},
    )  # fmt: skip
    print(f"exit {code} after {seconds:.1f} s")
    assert code == 3 and seconds < 30 and len(list(tmp_path.iterdir())) == 1
    last = err.strip().splitlines()[-1]
    assert last.startswith("error: a worker of `bentoml serve` exited with code 3 while starting")
