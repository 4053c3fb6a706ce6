"""What the Lambda handler takes from the service, in one place: the request checks and the
error answers (bento/request_checks.py, bento/problems.py), the /version payload and the
Model-Version header.

The handler (bento/lambda_handler.py) must answer bad input exactly as the service does, so
it decides nothing here of its own: every refusal is the service's problems.Problem, with
the service's sentence and status, as RFC 9457 problem details.
"""

from __future__ import annotations

from bento.champion import version_payload
from bento.openapi import MODEL_VERSION_HEADER
from bento.problems import Problem, generic
from bento.request_checks import check_media_type, check_size, columns_from_body
from bento.schemas import MAX_BODY_BYTES

__all__ = [
    "MAX_BODY_BYTES",
    "MODEL_VERSION_HEADER",
    "Problem",
    "check_media_type",
    "check_size",
    "columns_from_body",
    "generic",
    "version_payload",
]
