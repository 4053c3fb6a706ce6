"""GET /version as a small ASGI middleware (BentoML APIs are POST, and a mounted app at
/version would answer with a redirect to /version/)."""

from __future__ import annotations

import json
from typing import Any

from bento.guards import json_messages


def version_payload(champion: dict[str, Any]) -> dict[str, Any]:
    """GET /version's answer from the champion record (the service and the Lambda handler)."""
    return {
        "model_version": champion["version"],
        "bento_model_tag": champion["bento_model_tag"],
        "data_fingerprint": champion["data"]["fingerprint"],
        "trained_on": champion["trained_on"],
        "metrics": champion["metrics"]["overall"],
        "code_commit": champion["code_commit"],
    }


class VersionRoute:
    def __init__(self, app: Any, payload: dict[str, Any], path: str = "/version") -> None:
        self.app = app
        self.path = path
        self.body = json.dumps(payload).encode()

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] == self.path and scope["method"] == "GET":
            for message in json_messages(200, self.body):
                await send(message)
            return
        await self.app(scope, receive, send)
