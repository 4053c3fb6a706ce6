"""The Model-Version header on every answer: which model served it, without reading the body."""

from __future__ import annotations

from typing import Any

from bento.openapi import MODEL_VERSION_HEADER


class ModelVersionHeader:
    def __init__(self, app: Any, version: str) -> None:
        self.app = app
        self.header = (MODEL_VERSION_HEADER.lower().encode(), version.encode())

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_header(message: dict) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), self.header]}
            await send(message)

        await self.app(scope, receive, send_with_header)
