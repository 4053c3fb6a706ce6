"""End `bentoml serve` when a worker exits with a fatal code, instead of respawning it forever.

Upstream behaviour (BentoML 1.4.39, circus 0.18.3): `bentoml serve` runs its workers under a
circus arbiter whose watcher respawns every worker that exits, whatever its exit code and however
often (`bentoml.serving.create_watcher`: `respawn=not running_inside_container()`; circus's
`max_retry` counts failed spawns, not exits). A worker whose service `__init__` raises (uvicorn:
"Application startup failed. Exiting.", exit 3) is started again at each of the arbiter's checks
(every 10 s) for ever: measured 6 starts in 25 s and no exit. With BENTOML_CONTAINERIZED set
(BentoML's image sets it) nothing is respawned, and once no worker is left circus ends the
arbiter (circus-tent/circus#1225): `bentoml serve` exits 1 after ~11 s with a traceback ending
in `RuntimeError: No active process found for watcher.` as its last word.
No upstream issue asks for exit codes that end the server (searched bentoml/BentoML: restart
loop, startup failed, respawn, exit code; circus-tent/circus: respawn, exit code).

What this does: `install(codes)`, run when the service module is imported in the `bentoml
serve` process (before BentoML builds its arbiter), puts a subclass of BentoML's arbiter where
`create_standalone_arbiter` looks it up (`bentoml._internal.utils.circus.Arbiter`, private).
The arbiter hands each worker a file (WORKER_EXIT_FILE) for its last sentence; a worker that
cannot start calls `exit_worker(sentence, code)`. The arbiter reaps a worker when it exits
(SIGCHLD) rather than at its next periodic check. When a worker exits with one of `codes`, it
respawns nothing more, stops the server (workers still running get GRACE_SECONDS), prints the
first worker's sentence as the last line on stderr and exits with that code.
Only `bentoml serve` (BentoML's non-threaded arbiter) is covered, which is how the service,
its image and the tests start it.
Unnecessary once BentoML ends the server when its workers cannot start (or lets a service
name fatal exit codes): the canaries `test_a_worker_failing_at_startup_is_started_again` and
`test_in_a_container_serve_ends_in_a_traceback` then fail.
"""

from __future__ import annotations

import os
import signal
import sys
import tempfile
from collections.abc import Collection
from typing import Any, NoReturn

from bento.bentoml_fixes.pinned import require_written_for

# The environment variable naming the file in which a worker leaves its last sentence.
WORKER_EXIT_FILE = "BIKESHARE_WORKER_EXIT_FILE"
# How long workers still running get to stop once a worker exited with a fatal code (then
# SIGKILL); BentoML gives them a day (graceful_timeout=86400).
GRACE_SECONDS = 5.0


def exit_worker(sentence: str, code: int) -> NoReturn:
    """In a worker of `bentoml serve` (with `install` in place): leave `sentence` for the server
    to print and end the worker with `code` now. Anywhere else (the `bentoml serve` process
    itself, a plain import): print `sentence` on stderr and exit with `code`."""
    line = " ".join(sentence.split()) + "\n"
    path = os.environ.get(WORKER_EXIT_FILE)
    if not path:
        print(line, end="", file=sys.stderr, flush=True)
        sys.exit(code)
    with open(path, "a", encoding="utf-8") as out:  # one small append: whole lines
        out.write(line)
    sys.stdout.flush()
    sys.stderr.flush()
    # Not SystemExit: raised in the service's __init__, uvicorn's lifespan takes it for "lifespan
    # unsupported" and serves on without the service instance.
    os._exit(code)


def install(codes: Collection[int]) -> None:
    """Make `bentoml serve` end with the worker's sentence and code when a worker exits with
    one of `codes` (e.g. the model cannot be loaded), instead of respawning it."""
    require_written_for()
    from bentoml._internal.utils import circus as bentoml_circus

    current = bentoml_circus.Arbiter
    if issubclass(current, _Marker):  # imported again: keep one subclass, take the codes
        current.fatal_codes = frozenset(codes)
        return
    bentoml_circus.Arbiter = _stop_on_fatal_exit(current, frozenset(codes))


class _Marker:
    fatal_codes: frozenset[int] = frozenset()


def _stop_on_fatal_exit(base: type, codes: frozenset[int]) -> type:
    from circus.exc import ConflictError
    from tornado import gen

    class StopOnFatalExit(base, _Marker):  # type: ignore[misc, valid-type]
        fatal_codes = codes

        def __init__(self, watchers: list, *args: Any, **kwargs: Any) -> None:
            super().__init__(watchers, *args, **kwargs)
            handle, self.exit_file = tempfile.mkstemp(prefix="bentoml-worker-exit-")
            os.close(handle)
            self.fatal_code: int | None = None
            for watcher in watchers:
                watcher.env = {**(watcher.env or {}), WORKER_EXIT_FILE: self.exit_file}
                watcher.hooks["after_reap"] = self._after_reap

        def _after_reap(self, watcher: Any, exit_code: int | None = None, **_: Any) -> bool:
            """Circus calls this for every worker it reaps, before it respawns any."""
            if exit_code in self.fatal_codes and self.fatal_code is None:
                self.fatal_code = exit_code
                for each in self.iter_watchers():
                    each.respawn = False
                    each.graceful_timeout = GRACE_SECONDS
                self.loop.add_callback(self._stop_now)
            return True

        @gen.coroutine
        def _stop_now(self) -> Any:
            # stop() is refused (ConflictError) while the arbiter's periodic check runs.
            while True:
                try:
                    yield self.stop()
                    return
                except ConflictError:
                    yield gen.sleep(0.1)

        def start(self, cb: Any = None) -> None:
            # Reap a worker as soon as it exits: circus reaps at its periodic check only (every
            # 10 s in BentoML), which made the exit take 12-24 s. Respawns still wait for it.
            loop = self.loop.asyncio_loop
            loop.add_signal_handler(signal.SIGCHLD, self.reap_processes)
            try:
                super().start(cb)
            except RuntimeError:  # circus ends this way once no worker is left
                if self.fatal_code is None:
                    raise
            finally:
                loop.remove_signal_handler(signal.SIGCHLD)
                self.exit_stack.close()  # circus's own end skips BentoML's clean-ups
                sentence = self._first_sentence()
            if self.fatal_code is not None:
                print(sentence, file=sys.stderr, flush=True)
                raise SystemExit(self.fatal_code)

        def _first_sentence(self) -> str:
            try:
                with open(self.exit_file, encoding="utf-8") as left:
                    first = left.readline().strip()
                os.unlink(self.exit_file)
            except OSError:
                first = ""
            return first or (
                f"error: a worker of `bentoml serve` exited with code {self.fatal_code} while "
                "starting (its error is above), so the server stops instead of restarting it."
            )

    return StopOnFatalExit
