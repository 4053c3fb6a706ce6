"""The request limits and the last-message layer in-process (ASGI apps called directly)."""

from __future__ import annotations

import asyncio
import contextvars

from bento.bentoml_fixes.request_limits import RequestLimits
from bento.bentoml_fixes.response_context import SendLastMessageOutsideRequestContext

REQUEST = contextvars.ContextVar("request", default=None)


async def app_in_request_context(scope, receive, send) -> None:
    """Like BentoML: the request lives in a context variable while the app answers."""
    message = await receive()
    token = REQUEST.set(message["body"])
    try:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}", "more_body": False})
    finally:
        REQUEST.reset(token)


def call_guard(body: bytes) -> list[tuple[dict, contextvars.Context]]:
    """Each message the server is given, with the context it was given in."""
    sent = []

    async def receive() -> dict:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict) -> None:
        # uvicorn arms its keep-alive timer here: the timer keeps a copy of this context.
        sent.append((message, contextvars.copy_context()))

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/predict",
        "headers": [(b"content-type", b"application/json")],
    }
    guard = RequestLimits(
        SendLastMessageOutsideRequestContext(app_in_request_context), max_body_bytes=1 << 20
    )
    asyncio.run(guard(scope, receive, send))
    return sent


def test_the_whole_response_reaches_the_server_in_order():
    sent = call_guard(b'{"x": 1}')
    assert [m["type"] for m, _ in sent] == ["http.response.start", "http.response.body"]
    assert sent[-1][0]["body"] == b"{}"


def test_the_last_message_is_sent_outside_the_request_context():
    body = b'{"rows": "' + b"x" * 100_000 + b'"}'
    sent = call_guard(body)
    start_context, last_context = sent[0][1], sent[-1][1]
    assert start_context.get(REQUEST) == body  # the app's context is live while it answers
    # ...but what outlives the response (a timer's copy of the context) holds no request.
    assert last_context.get(REQUEST) is None
