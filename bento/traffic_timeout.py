"""BentoML's request timeout (`traffic.timeout`), with its timer cancelled when a request ends.

BentoML 1.4.39's TimeoutMiddleware arms `loop.call_later(timeout, ...)` per request and never
cancels it. Each pending timer keeps the request's context (its tracing span, futures: ~5 KB)
alive for the whole timeout: 30 s at 1,000 requests/s held ~150 MiB per worker, freed only as
the timers fired. This middleware keeps the same contract (504 when no response has started
within the timeout; the handler is cancelled) and lets go of each timer as soon as the
response starts. The service installs it through model/compat.py (replace_timeout_middleware).
"""

from __future__ import annotations

import asyncio
from typing import Any

from bento.guards import json_response

Scope = dict[str, Any]


class TimeoutMiddleware:
    def __init__(self, app: Any, timeout: float) -> None:
        self.app = app
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        started = False
        deadline = asyncio.timeout(self.timeout)

        async def send_and_stop_the_clock(message: dict) -> None:
            nonlocal started
            if not started:
                started = True
                deadline.reschedule(None)  # as BentoML's: the clock stops at the first byte
            await send(message)

        try:
            async with deadline:
                await self.app(scope, receive, send_and_stop_the_clock)
        except TimeoutError:
            if started or scope["type"] != "http":
                raise
            message = f"Not able to process the request in {self.timeout} seconds"
            for part in json_response(504, message):
                await send(part)
