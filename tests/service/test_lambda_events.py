"""The kept API Gateway events are what AWS SAM CLI prints today (`make sam-install`)."""

import os
from pathlib import Path

import pytest

from tests.fixtures.lambda_events import COMMANDS, KINDS, generate, template

pytestmark = pytest.mark.slow  # runs SAM CLI


@pytest.fixture(scope="module")
def sam() -> str:
    path = os.environ.get("SAM", "")
    if not path or not Path(path).is_file():
        pytest.fail(f"AWS SAM CLI not found ({path or 'SAM unset'}): run `make sam-install`.")
    return path


@pytest.mark.parametrize("kind", KINDS)
def test_kept_event_is_what_sam_generates(sam, kind):
    assert generate(sam, kind) == template(kind), (
        f"tests/fixtures/lambda_events/{kind}.json differs from `sam {' '.join(COMMANDS[kind])}`:"
        " run `make lambda-events` and review the change"
    )
