"""The service's OpenAPI document, made valid and complete in one place.

BentoML 1.4.39 writes a 3.1-style `{"type": "null"}` alternative (TaskStatusResponse) into a
document that declares OpenAPI 3.0.2, so standard validators reject it; and routes added as
ASGI middleware (GET /version) are missing from it. This middleware answers GET /docs.json
with BentoML's document rewritten once per worker: nullable alternatives in 3.0 form, the
extra routes added, the model version as the document's version.
"""

from __future__ import annotations

import json
from typing import Any

from bento.guards import json_messages

NULL = {"type": "null"}


def nullable_as_3_0(node: Any) -> Any:
    """Rewrite `anyOf/oneOf: [X, {"type": "null"}]` as X with `nullable: true`, recursively."""
    if isinstance(node, list):
        return [nullable_as_3_0(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: nullable_as_3_0(value) for key, value in node.items()}
    for key in ("anyOf", "oneOf"):
        options = node.get(key)
        if isinstance(options, list) and NULL in options:
            rest = [option for option in options if option != NULL]
            del node[key]
            if len(rest) == 1 and "$ref" not in rest[0]:
                node = {**rest[0], **node}
            else:
                node[key] = rest
            node["nullable"] = True
    return node


def complete(document: dict, paths: dict[str, dict], version: str) -> dict:
    out = nullable_as_3_0(document)
    out["paths"] = {**out.get("paths", {}), **paths}
    out["info"] = {**out.get("info", {}), "version": version}
    return out


VERSION_PATH = {
    "get": {
        "tags": ["Infrastructure"],
        "summary": "The model being served",
        "description": "Model version, BentoML model tag, data fingerprint, training date, "
        "holdout metrics and code commit of the champion this service serves.",
        "responses": {
            "200": {
                "description": "The champion record's identity",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["model_version", "bento_model_tag", "data_fingerprint"],
                            "properties": {
                                "model_version": {"type": "string"},
                                "bento_model_tag": {"type": "string"},
                                "data_fingerprint": {"type": "string"},
                                "trained_on": {"type": "string"},
                                "metrics": {
                                    "type": "object",
                                    "additionalProperties": {"type": "number"},
                                },
                                "code_commit": {"type": "string", "nullable": True},
                            },
                        }
                    }
                },
            }
        },
    }
}


class OpenAPIRoute:
    """GET /docs.json: BentoML's document, completed (built at the first request)."""

    def __init__(self, app: Any, service: Any, paths: dict[str, dict], version: str) -> None:
        self.app = app
        self.service = service
        self.paths = paths
        self.version = version
        self.body: bytes | None = None

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if not (scope["type"] == "http" and scope["path"] == "/docs.json"):
            await self.app(scope, receive, send)
            return
        if self.body is None:
            document = self.service.openapi_spec.asdict()
            self.body = json.dumps(complete(document, self.paths, self.version)).encode()
        for message in json_messages(200, self.body):
            await send(message)
