"""One call that installs every workaround of this package on a service class."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any

from bento.bentoml_fixes.error_answers import ProblemAnswers
from bento.bentoml_fixes.get_routes import GetRoutes
from bento.bentoml_fixes.lean_route import LeanRoute
from bento.bentoml_fixes.openapi_document import OpenAPIRoute
from bento.bentoml_fixes.request_limits import RequestLimits
from bento.bentoml_fixes.request_timeout import replace_timeout_middleware
from bento.bentoml_fixes.response_context import SendLastMessageOutsideRequestContext
from bento.bentoml_fixes.validation_log import hide_request_data_in_logs
from bento.bentoml_fixes.worker_exit import install as end_server_on_fatal_worker_exit


def apply(
    service: Any,
    *,
    max_body_bytes: int,
    get_routes: dict[str, dict],
    describe: Callable[[dict], dict],
    outer: Sequence[tuple[type, dict]] = (),
    inner: Sequence[type] = (),
    fatal_exit_codes: Collection[int] = (),
) -> None:
    """Install the workarounds on `service` (a `@bentoml.service` class), at import time.

    `outer` are the service's own layers that see every answer (e.g. a response header),
    `inner` its own routes that must pass the size and media checks and then reach the
    lean route (e.g. SageMaker's /invocations, rewritten to /predict). A worker exiting with
    one of `fatal_exit_codes` ends `bentoml serve` instead of being started again."""
    if fatal_exit_codes:
        end_server_on_fatal_worker_exit(fatal_exit_codes)  # before `bentoml serve` builds it
    hide_request_data_in_logs()
    replace_timeout_middleware()  # before any server builds its app
    # Outermost first: every layer here runs inside BentoML's metrics and timeout middleware.
    service.add_asgi_middleware(SendLastMessageOutsideRequestContext)
    for layer, options in outer:
        service.add_asgi_middleware(layer, **options)
    service.add_asgi_middleware(ProblemAnswers)
    service.add_asgi_middleware(RequestLimits, max_body_bytes=max_body_bytes)
    service.add_asgi_middleware(GetRoutes, answers=get_routes)
    service.add_asgi_middleware(OpenAPIRoute, service=service, describe=describe)
    for layer in inner:
        service.add_asgi_middleware(layer)
    service.add_asgi_middleware(LeanRoute, batch_threads=service.config.get("threads", 1))
