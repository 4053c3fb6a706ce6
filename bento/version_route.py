"""GET /version as a small ASGI middleware (BentoML APIs are POST, and a mounted app at
/version would answer with a redirect to /version/)."""

from __future__ import annotations

import json
from typing import Any


class VersionRoute:
    def __init__(self, app: Any, payload: dict[str, Any], path: str = "/version") -> None:
        self.app = app
        self.path = path
        self.body = json.dumps(payload).encode()

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] == self.path and scope["method"] == "GET":
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(self.body)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": self.body})
            return
        await self.app(scope, receive, send)
