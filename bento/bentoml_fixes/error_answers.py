"""BentoML's own error answers, re-worded in the service's problem shape.

Upstream behaviour (BentoML 1.4.39): the answers BentoML and Starlette give by themselves come
in four shapes: `{"error": "..."}` (500 from an API, 429 from max_concurrency), a one-element
list `[{"error": "..."}]` (a 4xx BentoML raises: `detail = ({"error": str(exc)},)` in
`api_endpoint_wrapper`), and plain text (404 for an unknown path, 405 for GET on an API route,
503 from /readyz before the model is loaded). No upstream issue found (searched
bentoml/BentoML: error response, JSON, 404, 405); bentoml/BentoML#3652 is about user
exceptions reaching clients as 500.
This layer replaces any error answer (status >= 400) that is not already problem details with
the problem document for its status (bento/problems.py `generic`), keeping the status and any
Allow header, and never the original text (it can quote a request).
Unnecessary once BentoML lets a service choose its error body: the canary
`test_bentoml_answers_errors_in_several_shapes` then fails.
"""

from __future__ import annotations

from typing import Any

from bento import problems
from bento.asgi import problem_messages

KEPT_HEADERS = (b"allow", b"retry-after")


class ProblemAnswers:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        replaced: list[dict] = []  # the start message of an answer being replaced

        async def send_as_problem(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers", []))
                media = headers.get(b"content-type", b"").split(b";")[0].strip()
                if message["status"] >= 400 and media != problems.PROBLEM_MEDIA_TYPE.encode():
                    replaced.append(message)
                    return
            elif replaced:
                if message.get("more_body", False):
                    return  # the original text is dropped
                start, body = problem_messages(problems.generic(replaced[0]["status"]))
                kept = [(k, v) for k, v in replaced[0].get("headers", []) if k in KEPT_HEADERS]
                await send({**start, "headers": start["headers"] + kept})
                await send(body)
                return
            await send(message)

        await self.app(scope, receive, send_as_problem)
