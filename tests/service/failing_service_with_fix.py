"""The bare service that fails at startup (tests/service/bare_bentoml_service.py) with
bento/bentoml_fixes/worker_exit.py in place: uvicorn's code for a failed startup is fatal."""

from bento.bentoml_fixes.worker_exit import install
from tests.service.bare_bentoml_service import FailsAtStartup

UVICORN_STARTUP_FAILURE = 3
install({UVICORN_STARTUP_FAILURE})

__all__ = ["FailsAtStartup"]
