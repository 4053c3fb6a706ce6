"""The Postman collection of the service's API, generated from its OpenAPI document.

Postman's own converter (openapi-to-postmanv2, npm, pinned in bento/postman/package.json) turns
the document the service serves at /docs.json into a collection: one request per route, its
body the document's example (real golden-set rows, bento/openapi.py), so every request
succeeds as generated. This module then adds the tests each request runs (2xx, the 200
response's schema from the document, the Model-Version header) and one `baseUrl` variable,
which a Postman environment (bento/postman/environments/) or newman's --env-var sets.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from bento.openapi import MODEL_VERSION_HEADER

HERE = Path(__file__).resolve().parent
COLLECTION = HERE / "collection.json"
ENVIRONMENTS = HERE / "environments"
# Where `make postman-tools` installs the pinned npm packages (npm ci).
NODE_MODULES = Path(os.environ.get("POSTMAN_NODE_MODULES", "build/postman-node/node_modules"))
CONVERTER_OPTIONS = "parametersResolution=Example,folderStrategy=Tags,requestNameSource=Fallback"
LOCAL_URL = "http://127.0.0.1:3000"


class ToolMissing(RuntimeError):
    """The pinned npm tools are not installed."""


def tool(name: str) -> Path:
    path = NODE_MODULES / ".bin" / name
    if not path.exists():
        raise ToolMissing(f"{path} is missing: run `make postman-tools` (npm ci, pinned).")
    return path


def convert(document: dict) -> dict:
    """The collection openapi-to-postmanv2 makes of `document`, as it makes it."""
    with tempfile.TemporaryDirectory(prefix="postman-") as scratch:
        spec, out = Path(scratch) / "openapi.json", Path(scratch) / "collection.json"
        spec.write_text(json.dumps(document))
        subprocess.run(
            [tool("openapi2postmanv2"), "-s", spec, "-o", out, "-O", CONVERTER_OPTIONS],
            check=True,
            capture_output=True,
            text=True,
        )
        return json.loads(out.read_text())


def resolved(node: Any, document: dict, seen: tuple[str, ...] = ()) -> Any:
    """A schema with its $refs inlined and 3.0's `nullable` as JSON Schema's null type."""
    if isinstance(node, list):
        return [resolved(item, document, seen) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        ref = node["$ref"]
        if ref in seen:  # no recursive schemas here; stop rather than loop
            return {}
        target: Any = document
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]
        return resolved(target, document, (*seen, ref))
    out = {key: resolved(value, document, seen) for key, value in node.items()}
    if out.pop("nullable", False) and "type" in out:
        out["type"] = [out["type"], "null"]
    out.pop("example", None)
    return out


def ok_schema(document: dict, path: str, method: str) -> dict | None:
    """The JSON schema of a route's 200 answer, if it answers JSON."""
    response = document["paths"][path][method].get("responses", {}).get("200", {})
    media = response.get("content", {}).get("application/json")
    return resolved(media["schema"], document) if media and "schema" in media else None


def test_script(schema: dict | None) -> list[str]:
    lines = [
        'pm.test("answers 2xx", function () {',
        "    pm.expect(pm.response.code).to.be.within(200, 299);",
        "});",
        f'pm.test("names the model in the {MODEL_VERSION_HEADER} header", function () {{',
        f'    pm.expect(pm.response.headers.get("{MODEL_VERSION_HEADER}")).to.be.a("string")'
        ".that.is.not.empty;",
        "});",
    ]
    if schema is not None:
        lines += [
            f"var schema = {json.dumps(schema, sort_keys=True)};",
            'pm.test("answer matches the OpenAPI schema", function () {',
            "    pm.response.to.have.jsonSchema(schema);",
            "});",
        ]
    return lines


def requests(collection: dict) -> list[dict]:
    """Every request item of a collection, folders flattened."""
    found = []
    for item in collection.get("item", []):
        found += requests(item) if "item" in item else [item]
    return found


def route(item: dict) -> tuple[str, str]:
    request = item["request"]
    return request["method"], "/" + "/".join(request["url"]["path"])


def request_set(collection: dict) -> set[tuple[str, str, str]]:
    """(method, path, body) of each request: what the sync check compares."""
    out = set()
    for item in requests(collection):
        body = item["request"].get("body", {}).get("raw", "")
        out.add((*route(item), json.dumps(json.loads(body), sort_keys=True) if body else ""))
    return out


def with_tests(collection: dict, document: dict) -> dict:
    """The converter's collection plus the tests of each request and the baseUrl variable."""
    out = copy.deepcopy(collection)
    out["info"]["description"] = (
        "Generated from the service's /docs.json by `make postman-collection`; every request "
        "checks 2xx, the Model-Version header and its answer's schema. Set baseUrl through an "
        "environment (bento/postman/environments/)."
    )
    out["variable"] = [{"key": "baseUrl", "value": LOCAL_URL, "type": "string"}]
    for item in requests(out):
        method, path = route(item)
        script = test_script(ok_schema(document, path, method.lower()))
        item["event"] = [{"listen": "test", "script": {"type": "text/javascript", "exec": script}}]
    return out


def environment(name: str, base_url: str) -> dict:
    """A Postman environment with the base URL only (no secrets belong here)."""
    return {
        "name": f"bikeshare {name}",
        "values": [{"key": "baseUrl", "value": base_url, "type": "default", "enabled": True}],
        "_postman_variable_scope": "environment",
    }
