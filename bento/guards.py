"""Guards in front of BentoML: clear 4xx answers and no request data in logs.

BentoML reads the whole body with no size limit and treats any media type as JSON; its
validation-error log carries a traceback that quotes the request. These guards answer 413
and 415 before the body reaches BentoML, and strip request data from those log records.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from pydantic import ValidationError

from model import compat

JSON_TYPES = ("application/json",)
# Other media types taken on one path only: SageMaker's /invocations also takes CSV, which
# bento/sagemaker.py turns into /predict's JSON body.
EXTRA_TYPES = {"/invocations": {"text/csv": "CSV"}}
Scope = dict[str, Any]


def json_response(status: int, message: str) -> tuple[dict, dict]:
    """The two ASGI messages of a JSON error answer: {"error": message}."""
    return json_messages(status, json.dumps({"error": message}).encode())


def json_messages(status: int, body: bytes) -> tuple[dict, dict]:
    """The two ASGI messages of a JSON answer whose body is already encoded."""
    start = {
        "type": "http.response.start",
        "status": status,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
    }
    return start, {"type": "http.response.body", "body": body}


class RequestGuard:
    """ASGI middleware for POST requests: JSON only (415), bounded body size (413)."""

    def __init__(self, app: Any, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        media_type = headers.get(b"content-type", b"").split(b";")[0].strip().decode("latin-1")
        extra = EXTRA_TYPES.get(scope.get("path", ""), {})
        if media_type.lower() not in (*JSON_TYPES, *extra):
            also = "".join(
                f" or as {name} with 'Content-Type: {kind}'" for kind, name in extra.items()
            )
            await self._reject(
                send,
                415,
                f"send the request body as JSON with 'Content-Type: application/json'{also}",
            )
            return
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            await self._reject_size(send)
            return
        # Count bytes as they arrive: a chunked request has no Content-Length to trust.
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                await self._reject_size(send)
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

        # The last body message is sent once the app has returned, outside BentoML's request
        # context. Sent inside it, uvicorn's keep-alive timer (created while sending) captures
        # that context, and with it the request and its body, for the timer's lifetime: with
        # 10k-row batches each worker held ~100 bodies, +110 MiB RSS, freed only seconds later.
        last: list[dict] = []

        async def send_last_after_app(message: dict) -> None:
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                last.append(message)
            else:
                await send(message)

        try:
            await self.app(scope, replay, send_last_after_app)
        finally:
            for message in last:
                await send(message)

    async def _reject_size(self, send: Any) -> None:
        await self._reject(
            send,
            413,
            f"request body is over {self.max_body_bytes} bytes; split it or use /predict_batch",
        )

    @staticmethod
    async def _reject(send: Any, status: int, message: str) -> None:
        start, body = json_response(status, message)
        await send(start)
        await send(body)


class DropRequestData(logging.Filter):
    """Rewrite validation-error records so they name the failure but not the input."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, ValidationError):
            # Error types only: locations can hold the caller's own field names.
            kinds = sorted({e["type"] for e in error.errors()})
            record.msg = "rejected request on %s: %d validation error(s) of type %s"
            record.args = (record.args[0] if record.args else "?", error.error_count(), kinds)
            record.exc_info = None
            record.exc_text = None
            record.levelno, record.levelname = logging.INFO, "INFO"
        return True


def hide_request_data_in_logs() -> None:
    logging.getLogger(compat.BENTOML_REQUEST_LOGGER).addFilter(DropRequestData())
