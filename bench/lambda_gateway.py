"""A STAND-IN for API Gateway's proxy integration in front of the Lambda handler, over HTTP.

Not API Gateway: each HTTP request on 127.0.0.1 becomes a REST API (payload 1.0) proxy event
built on AWS SAM CLI's kept template (tests/fixtures/lambda_events), the handler is called
in-process, and its proxy response is written back as the HTTP answer. It lets HTTP clients
written for the service (bench/fuzz.py's schemathesis run) exercise the Lambda handler. It
also serves GET /docs.json (the service's OpenAPI document, given to it), which API Gateway
would not. No authorization, throttling, payload limits or WAF: those are API Gateway's.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.fixtures.lambda_events import event

Handler = Callable[[dict, Any], dict]


class GatewayStandIn:
    def __init__(self, handler: Handler, docs: dict, port: int = 0) -> None:
        self.handler = handler
        self.docs = json.dumps(docs).encode()
        self.server = ThreadingHTTPServer(("127.0.0.1", port), self._request_class())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> GatewayStandIn:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _request_class(self) -> type[BaseHTTPRequestHandler]:
        gateway = self

        class Request(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def _answer(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                path = self.path.split("?", 1)[0]
                if self.command == "GET" and path == "/docs.json":
                    status, headers, payload = (
                        200,
                        {"content-type": "application/json"},
                        gateway.docs,
                    )
                else:
                    request = event("rest-v1", self.command, path, body, dict(self.headers.items()))
                    answer = gateway.handler(request, None)
                    status, headers = answer["statusCode"], answer.get("headers") or {}
                    payload = answer.get("body") or ""
                    payload = (
                        base64.b64decode(payload)
                        if answer.get("isBase64Encoded")
                        else payload.encode()
                    )
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _answer

        return Request
