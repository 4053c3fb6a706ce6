"""Alertmanager's webhook receiver (POST /alerts): one rollback per bad deploy.

Alertmanager authenticates with a bearer token (the same Secret on both sides, from AWS
Secrets Manager through an ExternalSecret). Notifications are handled one at a time (git is
one working tree); a repeated notification finds the branch already made and is dropped.
Nothing of the request is logged but alert names and decisions."""

from __future__ import annotations

import hmac
import json
import logging
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from autorollback.act import Opened, already_open, open_rollback
from autorollback.decide import decide
from gitops.errors import Refusal

MAX_BODY = 1 << 20  # Alertmanager's notifications are a few KiB
log = logging.getLogger("autorollback")


class Receiver:
    def __init__(
        self,
        root: Path,
        env: str,
        token: str,
        window_seconds: int,
        propose: Callable[[Opened], str] | None = None,
        refresh: Callable[[], None] | None = None,
    ) -> None:
        self.root, self.env, self.token, self.window = root, env, token, window_seconds
        self.propose, self.refresh = propose, refresh
        self.lock = threading.Lock()
        self.events: list[dict] = []  # what was done, with monotonic times (for the timeline)
        self.first_notification: float | None = None

    def handle(self, notification: dict) -> list[str]:
        done = []
        with self.lock:
            if self.first_notification is None:
                self.first_notification = time.monotonic()
            if self.refresh:  # decide on main as it is now, not as the pod started
                self.refresh()
            for alert in notification.get("alerts", []):
                decision = decide(self.root, self.env, alert, self.window)
                name = alert.get("labels", {}).get("alertname", "?")
                if not decision.rollback:
                    done.append(f"no rollback: {decision.why}")
                    continue
                try:
                    opened = open_rollback(self.root, self.env, alert, decision.why)
                except Refusal as err:
                    if already_open(err):
                        done.append(f"no rollback: {err}")
                        continue
                    raise
                where = self.propose(opened) if self.propose else f"branch {opened.branch}"
                self.events.append({"alert": name, "branch": opened.branch, "at": time.monotonic()})
                done.append(f"rollback of {self.env} proposed ({where}): {decision.why}")
        for line in done:
            log.info(line)
        return done


def handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self, status: int, payload: dict) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            if self.path == "/healthz":
                self._answer(200, {"status": "ok"})
            else:
                self._answer(404, {"error": "only POST /alerts and GET /healthz exist"})

        def do_POST(self) -> None:
            if self.path != "/alerts":
                return self._answer(404, {"error": "only POST /alerts and GET /healthz exist"})
            sent = self.headers.get("Authorization", "")
            if not hmac.compare_digest(sent.encode(), f"Bearer {receiver.token}".encode()):
                return self._answer(401, {"error": "a bearer token is required"})
            try:
                length = int(self.headers.get("Content-Length", ""))
            except ValueError:
                return self._answer(411, {"error": "Content-Length is required"})
            if length > MAX_BODY:
                return self._answer(413, {"error": f"a notification is at most {MAX_BODY} bytes"})
            try:
                notification = json.loads(self.rfile.read(length))
                if not isinstance(notification, dict):
                    raise ValueError
            except ValueError:
                return self._answer(400, {"error": "the body is not Alertmanager's JSON"})
            try:
                done = receiver.handle(notification)
            except (KeyError, TypeError, ValueError) as err:
                log.warning("notification refused: %s", type(err).__name__)
                return self._answer(400, {"error": "an alert lacks status, labels or startsAt"})
            except Refusal as err:
                log.error("rollback refused: %s", err)
                return self._answer(409, {"error": str(err)})
            self._answer(200, {"done": done})

        def log_message(self, *args) -> None:  # no request lines in the log
            pass

    return Handler


def serve(receiver: Receiver, host: str, port: int) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer((host, port), handler(receiver))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
