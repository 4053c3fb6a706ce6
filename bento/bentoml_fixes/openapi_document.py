"""GET /docs.json: BentoML's generated document, made valid and handed to the service.

Upstream behaviour (BentoML 1.4.39, _bentoml_sdk/service/openapi.py `generate_spec`):
- the document declares OpenAPI 3.0.2 but carries a 3.1-style `{"type": "null"}` alternative
  (TaskStatusResponse), so 3.0 validators reject it (openapi-spec-validator does);
- `info` is BentoML's: its contact ("BentoML Team") and, outside a built bento, its default
  README (badges, Slack and GitHub links) as the description; every API lists BentoML's
  exception schemas (InvalidArgument, NotFound, InternalServerError) as its errors, which are
  not the answers this service gives; routes served by ASGI layers (GET /version, SageMaker's
  routes) are missing.
Upstream: bentoml/BentoML#2975 ("make it easier to override / set fields in the openapi
docs", open; the only way is to override `openapi_spec`); #3177 fixed an earlier 3.0.2
conformance bug (a `summary` in `info`); no issue found for the `type: null`.
This layer answers GET /docs.json with the document rewritten once per worker: nullable
alternatives in 3.0 form, BentoML's info and error schemas removed, then `describe` (the
service's own, bento/openapi.py) adds what the service is. Unnecessary once BentoML writes a
valid 3.0 document and lets a service set its info and error responses: the canaries
`test_bentoml_document_mixes_openapi_3_0_and_3_1` and
`test_bentoml_document_describes_bentoml` then fail.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from bento.asgi import json_messages

NULL = {"type": "null"}
BENTOML_ERRORS = ("InvalidArgument", "NotFound", "InternalServerError")


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


def without_bentoml_defaults(document: dict) -> dict:
    """The document without BentoML's own info and exception schemas."""
    out = nullable_as_3_0(json.loads(json.dumps(document)))  # status codes as strings
    out["info"] = {"title": out.get("info", {}).get("title", ""), "version": ""}
    schemas = out.get("components", {}).get("schemas", {})
    for name in BENTOML_ERRORS:
        schemas.pop(name, None)
    refs = {f"#/components/schemas/{name}" for name in BENTOML_ERRORS}
    for item in out.get("paths", {}).values():
        for operation in item.values():
            responses = operation.get("responses", {}) if isinstance(operation, dict) else {}
            for status in [s for s, r in responses.items() if uses(r, refs)]:
                del responses[status]
    return out


def uses(response: dict, refs: set[str]) -> bool:
    return any(
        media.get("schema", {}).get("$ref") in refs
        for media in response.get("content", {}).values()
    )


class OpenAPIRoute:
    """GET /docs.json: BentoML's document, cleaned, then described (built at first request)."""

    def __init__(self, app: Any, service: Any, describe: Callable[[dict], dict]) -> None:
        self.app = app
        self.service = service
        self.describe = describe
        self.body: bytes | None = None

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if not (scope["type"] == "http" and scope["path"] == "/docs.json"):
            await self.app(scope, receive, send)
            return
        if self.body is None:
            document = without_bentoml_defaults(self.service.openapi_spec.asdict())
            self.body = json.dumps(self.describe(document)).encode()
        for message in json_messages(200, self.body):
            await send(message)
