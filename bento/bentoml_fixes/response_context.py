"""Send a response's last message once BentoML's request context is gone.

Upstream behaviour (BentoML 1.4.39, _bentoml_impl/server/app.py `ContextMiddleware`): the
request, with its body, lives in a context variable (`bentoml._internal.context._request_var`)
while the app sends its answer. uvicorn arms its keep-alive timer while sending the last body
message, and a timer keeps a copy of the context it was armed in, so it keeps the request:
with 10k-row batches each worker held ~100 bodies (+110 MiB RSS), freed only seconds later.
This layer holds back the last body message until the app has returned (outside the context),
then sends it. Upstream: no issue found (searched bentoml/BentoML: context, memory, body).
Unnecessary once BentoML no longer holds the request in a context variable while sending: the
canary `test_the_request_is_in_context_while_the_answer_is_sent` then fails.
"""

from __future__ import annotations

from typing import Any


class SendLastMessageOutsideRequestContext:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        last: list[dict] = []

        async def send_last_after_app(message: dict) -> None:
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                last.append(message)
            else:
                await send(message)

        try:
            await self.app(scope, receive, send_last_after_app)
        finally:
            for message in last:
                await send(message)
