"""GET routes with a fixed JSON answer (the service's GET /version).

Upstream behaviour (BentoML 1.4.39): `@bentoml.api` routes are POST only (it has no method
argument; GET on an API route answers 405), and an ASGI app mounted with `@bentoml.asgi_app`
at /version answers GET /version with a redirect to /version/. Upstream: bentoml/BentoML#4590
("Allow to use HTTP other Method (GET...)", closed: the maintainers point to mounting a
FastAPI app, which brings the redirect and a second framework for one fixed answer).
Unnecessary once `@bentoml.api` takes a method: the canary `test_apis_are_post_only` then fails.
"""

from __future__ import annotations

import json
from typing import Any

from bento.asgi import json_messages


class GetRoutes:
    def __init__(self, app: Any, answers: dict[str, dict[str, Any]]) -> None:
        self.app = app
        self.bodies = {path: json.dumps(answer).encode() for path, answer in answers.items()}

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        body = self.bodies.get(scope.get("path", "")) if scope["type"] == "http" else None
        if body is not None and scope["method"] == "GET":
            for message in json_messages(200, body):
                await send(message)
            return
        await self.app(scope, receive, send)
