"""A STAND-IN for the AWS Lambda Runtime API, for running the Lambda entry point here.

Not AWS's Runtime Interface Emulator (none can be had on this machine: not in Debian, PyPI or
npm, and its image cannot be pulled). It serves only the endpoints the runtime interface
client (awslambdaric) calls, under /2018-06-01/runtime:
- GET  invocation/next            -> the next queued event (blocks until there is one), with
                                     the Lambda-Runtime-* headers a real invocation carries;
- POST invocation/<id>/response   -> the handler's answer for that event;
- POST invocation/<id>/error      -> the handler raised (awslambdaric reports it);
- POST init/error                 -> the function failed to start (e.g. the model did not load).
What it does not do: Lambda's sandbox, freezing between invocations, timeouts, memory limits,
concurrency, the 6 MB payload limit, the extensions and telemetry APIs, logging to CloudWatch.

It also times what Lambda reports: the init phase (process start to the first `next`), and
per invocation the time from handing out the event to receiving the answer.
"""

from __future__ import annotations

import json
import queue
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PREFIX = "/2018-06-01/runtime"
FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:bikeshare-local:release-local"


@dataclass
class Invocation:
    event: dict
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    done: threading.Event = field(default_factory=threading.Event)
    result: Any = None
    error: dict | None = None
    sent_at: float = 0.0  # when `next` handed it out
    seconds: float = 0.0  # from `next` to the answer


class RuntimeAPI:
    """The stand-in on 127.0.0.1:<port>; `invoke(event)` queues an event and waits."""

    def __init__(self, port: int = 0) -> None:
        self.pending: queue.Queue[Invocation] = queue.Queue()
        self.running: dict[str, Invocation] = {}
        self.first_next: float | None = None
        self.init_error: dict | None = None
        self.ready = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", port), self._handler_class())
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.address = f"127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> RuntimeAPI:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def invoke(self, event: dict, timeout: float = 60) -> Invocation:
        invocation = Invocation(event)
        self.pending.put(invocation)
        if not invocation.done.wait(timeout):
            raise TimeoutError(f"no answer to an invocation within {timeout} s")
        return invocation

    def wait_ready(self, timeout: float) -> float:
        """Seconds at which the function first asked for an event (its init was done)."""
        if not self.ready.wait(timeout):
            raise TimeoutError(f"the function did not ask for an event within {timeout} s")
        if self.init_error is not None:
            raise RuntimeError(f"the function failed to start: {self.init_error}")
        assert self.first_next is not None
        return self.first_next

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # awslambdaric keeps its connection open

            def setup(self) -> None:
                super().setup()
                # Small answers on a kept-alive connection: without this, Nagle's algorithm
                # and delayed ACKs add ~40 ms to every invocation after the first.
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def log_message(self, *args: object) -> None:  # quiet
                pass

            def _reply(self, status: int, body: bytes = b"", headers: dict | None = None):
                self.send_response(status)
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def do_GET(self) -> None:
                if self.path != f"{PREFIX}/invocation/next":
                    self._reply(404)
                    return
                if api.first_next is None:
                    api.first_next = time.monotonic()
                    api.ready.set()
                invocation = api.pending.get()
                invocation.sent_at = time.monotonic()
                api.running[invocation.request_id] = invocation
                deadline = int((time.time() + 30) * 1000)
                self._reply(
                    200,
                    json.dumps(invocation.event).encode(),
                    {
                        "Content-Type": "application/json",
                        "Lambda-Runtime-Aws-Request-Id": invocation.request_id,
                        "Lambda-Runtime-Deadline-Ms": str(deadline),
                        "Lambda-Runtime-Invoked-Function-Arn": FUNCTION_ARN,
                        "Lambda-Runtime-Trace-Id": "Root=1-00000000-000000000000000000000000",
                    },
                )

            def do_POST(self) -> None:
                body = self._body()
                if self.path == f"{PREFIX}/init/error":
                    api.init_error = json.loads(body or b"{}")
                    api.ready.set()
                    self._reply(202)
                    return
                parts = self.path.removeprefix(f"{PREFIX}/invocation/").split("/")
                invocation = api.running.pop(parts[0], None) if len(parts) == 2 else None
                if invocation is None or parts[1] not in ("response", "error"):
                    self._reply(404)
                    return
                invocation.seconds = time.monotonic() - invocation.sent_at
                if parts[1] == "response":
                    invocation.result = json.loads(body)
                else:
                    invocation.error = json.loads(body or b"{}")
                self._reply(202)
                invocation.done.set()

        return Handler
