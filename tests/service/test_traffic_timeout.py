"""The request timeout that replaces BentoML's: same answers, no timer left behind."""

from __future__ import annotations

import asyncio
import json

import pytest

from bento.bentoml_fixes.request_timeout import TimeoutMiddleware

SCOPE = {"type": "http", "method": "POST", "headers": []}


async def answer_at_once(scope, receive, send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"{}"})


async def think_too_long(scope, receive, send) -> None:
    await asyncio.sleep(10)


async def start_then_stream_slowly(scope, receive, send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await asyncio.sleep(0.2)
    await send({"type": "http.response.body", "body": b"done"})


def serve(app, requests: int = 1, timeout: float = 0.05) -> tuple[list[dict], int]:
    """Messages sent for the last request, and the timers still armed after all of them."""
    middleware = TimeoutMiddleware(app, timeout=timeout)

    async def run() -> tuple[list[dict], int]:
        sent: list[dict] = []

        async def receive() -> dict:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict) -> None:
            sent.append(message)

        for _ in range(requests):
            sent.clear()
            await middleware(SCOPE, receive, send)
        loop = asyncio.get_running_loop()
        armed = [h for h in loop._scheduled if not h.cancelled()]  # CPython's timer heap
        return list(sent), len(armed)

    return asyncio.run(run())


def test_no_timer_outlives_its_request():
    sent, armed = serve(answer_at_once, requests=1000, timeout=30)
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]
    assert armed == 0  # BentoML's own middleware leaves 1000 here, each holding a context


def test_a_request_without_an_answer_in_time_gets_504():
    sent, _ = serve(think_too_long)
    assert sent[0]["status"] == 504
    assert (b"content-type", b"application/problem+json") in sent[0]["headers"]
    body = json.loads(sent[1]["body"])
    assert body["status"] == 504 and "within 0.05 seconds" in body["detail"]


def test_the_clock_stops_once_the_response_has_started():
    sent, _ = serve(start_then_stream_slowly)
    assert sent[0]["status"] == 200
    assert sent[1]["body"] == b"done"


@pytest.mark.slow  # importing the service checks the champion's model in the store
def test_the_service_uses_it_in_place_of_bentoml_s(champion_in_store):
    from bento.service import Bikeshare

    stack = [m.cls for m in Bikeshare.to_asgi().user_middleware]
    assert TimeoutMiddleware in stack
    assert not [
        c for c in stack if c.__name__ == "TimeoutMiddleware" and c is not TimeoutMiddleware
    ]
