"""Canaries: each test shows, on a bare BentoML service (tests/service/bare_bentoml_service.py,
called in-process over ASGI), the upstream behaviour one module of bento/bentoml_fixes/ works
around. A canary that fails means the pinned BentoML no longer behaves that way: read the
module's docstring, and drop or change the workaround.
"""

from __future__ import annotations

import asyncio
import importlib.util
import inspect
import json
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import attrs
import bentoml
import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError
from pydantic import TypeAdapter
from pydantic_core import to_json

from bento.bentoml_fixes.request_timeout import replace_timeout_middleware
from bento.bentoml_fixes.validation_log import BENTOML_REQUEST_LOGGER
from model import bentoml_store
from model.bentoml_store import model_store_at
from tests.fixtures.bounded import REPO, run_bounded
from tests.fixtures.service import free_port
from tests.service.bare_bentoml_service import Bare, Row

BIN = Path(sys.executable).parent
SENTINEL = "zq-canary-5521"
GOOD = b'{"rows": [{"x": 1}, {"x": 3}]}'


def call(app, method: str, path: str, body: bytes = b"", media: str = "application/json"):
    """One request through an ASGI app: (status, headers, body)."""

    async def run() -> tuple[int, dict, bytes]:
        sent: list[dict] = []
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": [(b"content-type", media.encode()), (b"host", b"canary")],
            "client": ("127.0.0.1", 1),
            "server": ("127.0.0.1", 2),
        }

        async def receive() -> dict:
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict) -> None:
            sent.append(message)

        await app(scope, receive, send)
        start = sent[0]
        return (
            start["status"],
            {k.decode(): v.decode() for k, v in start["headers"]},
            b"".join(m.get("body", b"") for m in sent[1:]),
        )

    return LOOP.run_until_complete(run())


LOOP = asyncio.new_event_loop()


@pytest.fixture(scope="module")
def bare():
    """The bare service's ASGI app with its lifespan started (its instance created)."""
    app = Bare.to_asgi()
    inbox: asyncio.Queue = asyncio.Queue()
    outbox: asyncio.Queue = asyncio.Queue()

    async def start() -> asyncio.Task:
        task = asyncio.ensure_future(app({"type": "lifespan"}, inbox.get, outbox.put))
        await inbox.put({"type": "lifespan.startup"})
        assert (await outbox.get())["type"] == "lifespan.startup.complete"
        return task

    task = LOOP.run_until_complete(start())
    yield app
    LOOP.run_until_complete(inbox.put({"type": "lifespan.shutdown"}))
    LOOP.run_until_complete(task)


def test_the_bare_service_answers(bare):
    assert call(bare, "POST", "/mean", GOOD)[:1] == (200,)


# request_limits.py
def test_any_media_type_is_read_as_json(bare):
    status, _, body = call(bare, "POST", "/mean", GOOD, media="text/plain")
    assert (status, body) == (200, b"2.0")  # not 415


def test_bodies_are_read_without_a_limit(bare):
    padded = GOOD[:-1] + b" " * (20 * 1024 * 1024) + b"}"  # 20 MiB, still valid JSON
    assert call(bare, "POST", "/mean", padded)[0] == 200  # not 413


# lean_route.py
def test_bentoml_answers_bad_bodies_in_its_own_shape(bare):
    status, _, body = call(bare, "POST", "/mean", b'{"rows": [{"x": "1"}]}')
    answer = json.loads(body)
    assert status == 400 and answer["error"] == "1 validation error for Input"
    assert answer["detail"][0]["url"].startswith("https://errors.pydantic.dev/")
    status, _, _ = call(bare, "POST", "/mean", GOOD, media="multipart/form-data")
    assert status == 500  # a body BentoML cannot parse is a server error to it
    assert call(bare, "POST", "/mean", b'{"rows": []}')[0] == 500  # the service's own code


def test_bentoml_api_path_costs_far_more_than_a_lean_route(bare):
    class Body(Row.__base__):  # the same validation, answered without BentoML's path
        rows: list[Row]

    adapter = TypeAdapter(Body)

    async def lean(scope, receive, send) -> None:
        rows = adapter.validate_json((await receive())["body"]).rows
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": to_json(sum(r.x for r in rows))})

    def cpu_per_request(app) -> float:
        started = time.process_time()
        for _ in range(300):
            call(app, "POST", "/mean", GOOD)
        return (time.process_time() - started) / 300

    call(bare, "POST", "/mean", GOOD)  # warm
    ratio = cpu_per_request(bare) / cpu_per_request(lean)
    # Measured ~200x here (about 0.9 ms against 4 us). Under 30x, BentoML's own path has
    # become cheap enough that the lean route should be re-measured with `make bench`.
    assert ratio > 30, ratio


# error_answers.py
def test_bentoml_answers_errors_in_several_shapes(bare):
    _, headers, body = call(bare, "POST", "/mean", GOOD, media="application/vnd.bentoml+pickle")
    assert isinstance(json.loads(body), list)  # a 4xx of BentoML's own: a one-element list
    status, headers, _ = call(bare, "GET", "/mean")
    assert status == 405 and headers["content-type"].startswith("text/plain")
    status, headers, _ = call(bare, "GET", "/no-such-route")
    assert status == 404 and headers["content-type"].startswith("text/plain")
    status, _, body = call(bare, "POST", "/mean", b'{"rows": []}')
    assert status == 500 and set(json.loads(body)) == {"error"}


# response_context.py
def test_the_request_is_in_context_while_the_answer_is_sent(bare):
    from bentoml._internal.context import _request_var

    held = []

    async def app(scope, receive, send) -> None:
        async def watch(message: dict) -> None:
            if message["type"] == "http.response.body" and not message.get("more_body"):
                held.append(_request_var.get(None))
            await send(message)

        await bare(scope, receive, watch)

    call(app, "POST", "/mean", GOOD)
    assert held and held[0] is not None  # the request, body and all, is still in context


# request_timeout.py
def test_bentoml_timeout_leaves_a_timer_per_request():
    from bentoml._internal.server.http import traffic

    # The module as BentoML ships it (the service may have swapped the class in this process).
    spec = importlib.util.spec_from_file_location("bentoml_traffic_as_shipped", traffic.__file__)
    shipped = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(shipped)

    async def answer(scope, receive, send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    async def run() -> int:
        middleware = shipped.TimeoutMiddleware(answer, timeout=30)
        for _ in range(100):
            await middleware({"type": "http"}, None, lambda message: asyncio.sleep(0))
        loop = asyncio.get_running_loop()
        return len([h for h in loop._scheduled if not h.cancelled()])  # CPython's timer heap

    assert asyncio.run(run()) == 100  # one armed timer (and its context) per finished request


# validation_log.py
def test_a_rejected_request_is_logged_with_its_input(bare, monkeypatch, caplog):
    logger = logging.getLogger(BENTOML_REQUEST_LOGGER)
    monkeypatch.setattr(logger, "filters", [])  # without the service's filter, if installed
    with caplog.at_level(logging.ERROR, logger=BENTOML_REQUEST_LOGGER):
        call(bare, "POST", "/mean", json.dumps({"rows": [{"x": SENTINEL}]}).encode())
    record = next(r for r in caplog.records if r.name == BENTOML_REQUEST_LOGGER)
    assert record.levelno == logging.ERROR
    assert SENTINEL in logging.Formatter().format(record)  # despite hide_input_in_errors


# openapi_document.py
def test_bentoml_document_mixes_openapi_3_0_and_3_1():
    document = json.loads(json.dumps(Bare.openapi_spec.asdict()))
    assert document["openapi"] == "3.0.2"
    assert '{"type": "null"}' in json.dumps(document)  # 3.1's way of saying nullable
    with pytest.raises(OpenAPIValidationError):
        validate(document)


def test_bentoml_document_describes_bentoml():
    document = json.loads(json.dumps(Bare.openapi_spec.asdict()))
    assert document["info"]["contact"]["name"] == "BentoML Team"
    assert "created with BentoML" in document["info"]["description"]
    errors = document["paths"]["/mean"]["post"]["responses"]["400"]
    assert errors["content"]["application/json"]["schema"]["$ref"].endswith("InvalidArgument")


# get_routes.py
def test_apis_are_post_only(bare):
    assert "method" not in inspect.signature(bentoml.api).parameters
    assert call(bare, "GET", "/mean")[0] == 405


# image_entrypoint.py
def test_image_api_has_no_entrypoint_option():
    fields = [field.name for field in attrs.fields(bentoml.images.Image)]
    assert not [name for name in fields if "entrypoint" in name.lower()], fields
    templates = Path(bentoml.__file__).parent / "_internal/container/frontend/dockerfile/templates"
    assert 'ENTRYPOINT [ "{{ bento__entrypoint }}" ]' in (templates / "base_v2.j2").read_text()


# model_store.py
def test_models_are_not_read_from_bento_path(tmp_path, monkeypatch):
    with model_store_at(tmp_path / "models"):
        with bentoml.models.create("canary") as model:
            Path(model.path_of("weights")).write_text("1")
        tag = str(model.tag)
    monkeypatch.setenv("BENTO_PATH", str(tmp_path))  # where a bento's image keeps its models
    with pytest.raises(bentoml.exceptions.NotFound):
        bentoml.models.get(tag)


# pinned.py
def test_private_accesses_refuse_another_bentoml_version(monkeypatch):
    monkeypatch.setattr(bentoml_store, "BENTOML_WRITTEN_FOR", "0.0.0")
    with pytest.raises(RuntimeError, match=r"written for 0\.0\.0"):
        replace_timeout_middleware(object)


# worker_exit.py: the bare service whose __init__ raises, served by `bentoml serve`. Each with a
# BentoML home of its own: `bentoml serve` empties its home's Prometheus directory as it starts,
# which would take the session's served service's metrics with it.
def _serve_failing(starts: Path, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [BIN / "bentoml", "serve", "tests.service.bare_bentoml_service:FailsAtStartup",
         "--host", "127.0.0.1", "--port", str(free_port())],
        cwd=REPO, env={**os.environ, "BARE_STARTS": str(starts), **env},  # env: its home
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip


@pytest.mark.slow
def test_a_worker_failing_at_startup_is_started_again(tmp_path, tmp_path_factory):
    """Outside a container BentoML respawns the worker at each check (10 s) and never exits."""
    home = tmp_path_factory.mktemp("bentoml-home")
    server = _serve_failing(tmp_path, {"BENTOML_HOME": str(home)})
    try:
        deadline = time.monotonic() + 25
        while len(list(tmp_path.iterdir())) < 2 and time.monotonic() < deadline:
            assert server.poll() is None, "bentoml serve exited by itself"
            time.sleep(0.2)
        print(f"BentoML alone: a second start after {time.monotonic() - deadline + 25:.1f} s")
        assert len(list(tmp_path.iterdir())) >= 2, "the failed worker was not started again"
        assert server.poll() is None
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.communicate()


@pytest.mark.slow
def test_in_a_container_serve_ends_in_a_traceback(tmp_path, tmp_path_factory):
    """With BENTOML_CONTAINERIZED (set in BentoML's images) nothing is respawned, and serve ends
    with exit 1 and circus's traceback as the last word."""
    code, err, seconds = run_bounded(
        [BIN / "bentoml", "serve", "tests.service.bare_bentoml_service:FailsAtStartup",
         "--host", "127.0.0.1", "--port", str(free_port())],
        tmp_path_factory.mktemp("bentoml-home"),
        env={"BENTOML_CONTAINERIZED": "true", "BARE_STARTS": str(tmp_path)},
    )  # fmt: skip
    print(f"BentoML alone, containerized: exit {code} after {seconds:.1f} s")
    assert code == 1 and len(list(tmp_path.iterdir())) == 1
    assert "Traceback" in err
    assert err.strip().splitlines()[-1] == "RuntimeError: No active process found for watcher."
