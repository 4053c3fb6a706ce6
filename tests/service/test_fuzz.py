"""Schema fuzzing smoke: requests generated from the service's own OpenAPI document (valid
and invalid, schemathesis) against the real server; none may answer 5xx, and every 4xx is
problem details (the service's one error shape).

`make fuzz` runs the same with at least 1,000 requests.
"""

import pytest

from bench.fuzz import fuzz

pytestmark = pytest.mark.slow  # the bentoml server


def test_generated_requests_never_get_a_server_error(service):
    url, _log = service
    statuses, failures = fuzz(url, examples=75)
    assert not failures, f"{len(failures)} answers were 5xx or not problem details: {failures[:5]}"
    assert sum(statuses.values()) >= 250, statuses
    # Both sides of the schema were exercised: accepted and rejected inputs.
    assert statuses[200] > 0, statuses
    assert sum(n for code, n in statuses.items() if 400 <= code < 500) > 0, statuses
