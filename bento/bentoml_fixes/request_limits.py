"""413 and 415 before a body reaches BentoML.

Upstream behaviour (BentoML 1.4.39, _bentoml_impl/server/app.py `api_endpoint`): the whole body
is read with no size limit, and a media type BentoML has no decoder for is decoded as JSON
(`ALL_SERDE.get(media_type, ALL_SERDE["application/json"])`): a `text/plain` body is
predicted as if it were JSON, and a 1 GB body is held in memory before anything refuses it.
Upstream: the 0.x server had a configurable limit (bentoml/BentoML#1087, fixed by #1110); the
1.x server has none, and no issue asks for one or for 415 (searched bentoml/BentoML).
This layer answers 415 unless the route takes the media type (JSON; CSV on /invocations) and
413 once the body is over the limit, counting bytes as they arrive (a chunked request has no
Content-Length to trust). The rules are bento/request_checks.py's, shared with other entry
points. Unnecessary once BentoML refuses unknown media types and bounds bodies: the canaries
`test_any_media_type_is_read_as_json` and `test_bodies_are_read_without_a_limit` then fail.
"""

from __future__ import annotations

from typing import Any

from bento import problems, request_checks
from bento.asgi import header, send_problem

Scope = dict[str, Any]


class RequestLimits:
    """ASGI middleware for POST requests: a media type the route takes, a bounded body."""

    def __init__(self, app: Any, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        try:
            request_checks.check_media_type(scope["path"], header(scope, b"content-type"))
            declared = header(scope, b"content-length")
            if declared is not None and declared.isdigit():
                request_checks.check_size(int(declared), self.max_body_bytes)
        except problems.Problem as problem:
            await send_problem(send, problem)
            return
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            try:
                request_checks.check_size(size, self.max_body_bytes)
            except problems.Problem as problem:
                await send_problem(send, problem)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body: bytes | None = b"".join(chunks)

        async def replay() -> dict:
            nonlocal body
            if body is None:
                return await receive()
            message = {"type": "http.request", "body": body, "more_body": False}
            body = None
            return message

        await self.app(scope, replay, send)
