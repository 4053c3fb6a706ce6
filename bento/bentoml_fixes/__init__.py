"""Every workaround for BentoML 1.4.39 this service needs, one small module each.

Each module's docstring names the upstream behaviour, the BentoML version it was written for
(pinned.WRITTEN_FOR), the upstream issue or PR (or that none was found, and the behaviour
precisely), and what makes it unnecessary; tests/service/test_bentoml_canaries.py shows each
behaviour on a bare BentoML service and fails once the pinned BentoML stops behaving that way.

| module               | works around                                                      |
|----------------------|-------------------------------------------------------------------|
| request_limits       | no body size limit; any media type decoded as JSON (413, 415)     |
| lean_route           | BentoML's API path cost; its own shapes and 500s for bad bodies   |
| error_answers        | BentoML's and Starlette's error bodies in four shapes             |
| response_context     | the request held in context while the answer is sent (memory)     |
| request_timeout      | `traffic.timeout` leaving a timer (and a context) per request     |
| validation_log       | validation errors logged at ERROR with the request's input        |
| openapi_document     | 3.0/3.1 mix, BentoML's own info and error schemas in the document |
| get_routes           | APIs are POST only (GET /version)                                 |
| image_entrypoint     | no entrypoint option on `bentoml.images.Image` (SageMaker `serve`) |
| worker_exit          | a worker that cannot start is respawned for ever (no fatal exit)  |
| model/bentoml_store  | no public way to load models from a bento's models/ folder; it    |
|                      | lives in model/ (scoring and release must not import `bento`),    |
|                      | with the one version pin (pinned.py re-exports the guard)          |

`install.apply` puts the ASGI ones in place on a service class, in the one order that works,
and worker_exit's arbiter for `bentoml serve`; the service (bento/service.py) calls it once.
This file imports nothing, so a module of the package can be imported alone. This package must
not import bento.service.
"""
