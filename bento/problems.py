"""The service's one error shape: RFC 9457 problem details, `application/problem+json`.

Every refusal, on every route and on every entry point (the HTTP service, SageMaker's
/invocations, the Lambda handler), is built here:

    {"type": "about:blank", "title": "Bad Request", "status": 400,
     "detail": "records.0.hr: Input should be less than or equal to 23",
     "errors": [{"pointer": "#/records/0/hr",
                 "detail": "Input should be less than or equal to 23"}]}

Why RFC 9457 rather than the `{"error": "..."}` /predict used to answer:
- it is a standard that clients, gateways and tools already know: the media type says "this is
  an error document" before anyone reads it, and `status` repeats the HTTP status for clients
  that only see the body (a Lambda invocation log, a queue, Batch Transform's output);
- its fields are fixed by the RFC, so a second entry point cannot drift into another shape,
  and `errors` (an extension member, as in the RFC's own example) points at each failing
  field with a JSON Pointer, which a client can use without parsing English;
- `type` stays "about:blank" (the RFC's default: the problem is what the status says) because
  each status has one meaning here: 400 the body does not match the schema, 413 too large,
  415 wrong media type, 405 wrong method, 404 no such route, 500/503/504 our side. A client
  branches on `status`; `detail` is one sentence for a person.
The old shape's single `error` string is `detail` now; nothing else was in it.

No answer ever carries a request value: `detail` and `errors` name the location and the rule
(pydantic's message, which names the rule, never the input); a field name the schema does not
know is not repeated either (its pointer stops at the object that holds it).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from http import HTTPStatus
from typing import Any

from pydantic import ValidationError

PROBLEM_MEDIA_TYPE = "application/problem+json"
SHOWN_ERRORS = 5  # the answer names the first few failures
MAX_DETAIL_CHARS = 200  # per failure: no message of pydantic's is longer than this


class Problem(Exception):
    """A refusal: the HTTP status, one sentence for a person, and optional pointed errors."""

    def __init__(self, status: int, detail: str, errors: Iterable[dict[str, str]] = ()) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = list(errors)

    def document(self) -> dict[str, Any]:
        """The problem details object (RFC 9457 section 3)."""
        document: dict[str, Any] = {
            "type": "about:blank",
            "title": HTTPStatus(self.status).phrase,
            "status": self.status,
            "detail": self.detail,
        }
        if self.errors:
            document["errors"] = self.errors
        return document

    def body(self) -> bytes:
        return json.dumps(self.document()).encode()

    def headers(self) -> dict[str, str]:
        return {"content-type": PROBLEM_MEDIA_TYPE}


def problem_body(status: int, detail: str) -> bytes:
    """The encoded problem document for a status and a sentence."""
    return Problem(status, detail).body()


def pointer(location: tuple[Any, ...]) -> str:
    """A JSON Pointer as a URI fragment, as in RFC 9457's example: ("records", 0) -> #/records/0."""
    parts = (str(part).replace("~", "~0").replace("/", "~1") for part in location)
    return "#" + "".join("/" + part for part in parts)


def from_validation_error(error: ValidationError) -> Problem:
    """400 for a body that does not match the request model, naming no request value."""
    shown = []
    for failure in error.errors(include_url=False, include_input=False, include_context=False):
        location = tuple(failure["loc"])
        if failure["type"] == "extra_forbidden":
            # The last part is the caller's own unknown key: point at its object instead.
            location = location[:-1]
            message = "unknown field (the schema at /docs.json lists the fields)"
        else:
            message = failure["msg"][:MAX_DETAIL_CHARS]
        shown.append((location, message))
        if len(shown) == SHOWN_ERRORS:
            break
    sentence = "; ".join(f"{'.'.join(map(str, loc)) or 'body'}: {msg}" for loc, msg in shown)
    more = error.error_count() - len(shown)
    if more > 0:
        sentence += f" (and {more} more)"
    errors = [{"pointer": pointer(loc), "detail": msg} for loc, msg in shown]
    return Problem(400, sentence, errors)


# What the service says for errors it did not raise itself (BentoML's routing, readiness and
# unexpected failures): one sentence per status, never the original text.
GENERIC_DETAIL = {
    404: "There is no route at this path; the routes are listed at /docs.json.",
    405: "This route does not take this HTTP method; the routes are listed at /docs.json.",
    429: "Too many requests at once; retry shortly.",
    503: "The service is not ready yet; retry shortly.",
    504: "The request took too long to answer; retry it, or send fewer rows.",
}


def generic(status: int) -> Problem:
    """A problem for a status the service did not word itself."""
    if status in GENERIC_DETAIL:
        return Problem(status, GENERIC_DETAIL[status])
    if status >= 500:
        return Problem(status, "An unexpected error occurred; the server log has the details.")
    return Problem(status, "The request was refused; the API is described at /docs.json.")
