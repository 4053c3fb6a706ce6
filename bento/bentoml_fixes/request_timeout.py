"""BentoML's request timeout (`traffic.timeout`), with its timer cancelled when a request ends.

Upstream behaviour (BentoML 1.4.39, bentoml/_internal/server/http/traffic.py): TimeoutMiddleware
arms `loop.call_later(timeout, ...)` per request and never cancels it. Each pending timer keeps
the request's context (its tracing span, futures: ~5 KB) alive for the whole timeout: 30 s at
1,000 requests/s held ~150 MiB per worker, freed only as the timers fired. Its 504 answer is
`{"error": ...}`, not this service's problem shape.
Upstream: no issue names the timer (searched bentoml/BentoML: timeout, call_later, memory);
related: #4760 (memory growth since 1.2, closed without a cause) and #5642 (the same
middleware and sync APIs after a timeout). `traffic.timeout` cannot be switched off (its config
schema wants a positive number), so the class is swapped where BentoML builds each server's
stack (private: `bentoml._internal.server.http.traffic.TimeoutMiddleware`).
This one keeps the contract (504 when no response has started within the timeout; the handler
is cancelled) and lets go of each timer as soon as the response starts.
Unnecessary once BentoML cancels its timer: the canary
`test_bentoml_timeout_leaves_a_timer_per_request` then fails.
"""

from __future__ import annotations

import asyncio
from typing import Any

from bento import problems
from bento.asgi import problem_messages
from bento.bentoml_fixes.pinned import require_written_for

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
            problem = problems.Problem(
                504,
                f"The request was not answered within {self.timeout:g} seconds; "
                "retry it, or send fewer rows.",
            )
            for message in problem_messages(problem):
                await send(message)


def replace_timeout_middleware(middleware: type = TimeoutMiddleware) -> None:
    """Put `middleware` where BentoML builds each server's stack. Call before the server
    starts: the service module does it when it is imported, which every BentoML process does
    first."""
    require_written_for()
    from bentoml._internal.server.http import traffic

    traffic.TimeoutMiddleware = middleware  # type: ignore[misc]
