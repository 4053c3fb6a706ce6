"""Schema fuzzing from the service's own OpenAPI document (schemathesis + hypothesis).

Every operation in /docs.json gets valid (positive) and invalid (negative) generated requests;
the verdict is "no 5xx, and every 4xx in the service's one error shape": bad input must be a
clear 4xx answered as RFC 9457 problem details (bento/problems.py), never a crash.

    python -m bench.fuzz --examples 300            # serves the service itself
    python -m bench.fuzz --url http://127.0.0.1:3000 --examples 300
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections import Counter
from pathlib import Path

import hypothesis
import requests
import schemathesis
from hypothesis import HealthCheck, Phase
from schemathesis.generation.modes import GenerationMode


def fuzz(base_url: str, examples: int, seed: int = 7) -> tuple[Counter, list[str]]:
    """Send up to `examples` generated requests per operation and mode.

    Returns the status counts and a description of every 5xx answer and of every 4xx answer
    that is not problem details of its own status."""
    schema = schemathesis.openapi.from_url(f"{base_url}/docs.json")
    statuses: Counter = Counter()
    failures: list[str] = []
    session = requests.Session()
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in GenerationMode:
            send = _sender(operation, mode, base_url, session, statuses, failures)
            settings = hypothesis.settings(
                max_examples=examples,
                database=None,
                deadline=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            test = hypothesis.seed(seed)(
                settings(hypothesis.given(operation.as_strategy(generation_mode=mode))(send))
            )
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    test()
                except hypothesis.errors.Unsatisfiable:
                    # Nothing invalid can be made for a GET without parameters.
                    assert mode is GenerationMode.NEGATIVE, operation.label
    return statuses, failures


def _sender(operation, mode, base_url, session, statuses, failures):
    def send(case: schemathesis.Case) -> None:
        response = case.call(base_url=base_url, session=session, timeout=30)
        statuses[response.status_code] += 1
        if response.status_code >= 500:
            failures.append(f"{operation.label} ({mode}): {response.status_code}")
        elif response.status_code >= 400 and not _is_problem(response):
            failures.append(f"{operation.label} ({mode}): {response.status_code} not a problem")

    return send


def _is_problem(response) -> bool:
    """Problem details of the answer's own status (schemathesis lists each header's values)."""
    media = response.headers.get("content-type")
    if (media[0] if isinstance(media, list) else media) != "application/problem+json":
        return False
    body = response.json()
    return body.get("status") == response.status_code and bool(body.get("detail"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running service; default: serve one on a free port")
    parser.add_argument("--examples", type=int, default=300, help="per operation and mode")
    parser.add_argument("--min-requests", type=int, default=1000, help="fail below this count")
    args = parser.parse_args()
    server = None
    if args.url is None:
        from bench.servers import project_server

        server = project_server(Path("build/bench/fuzz-server.log"))
        server.start()
    base_url = args.url or server.ready_url.rsplit("/", 1)[0]
    try:
        statuses, failures = fuzz(base_url, args.examples)
    finally:
        if server is not None:
            server.stop()
    total = sum(statuses.values())
    print(f"fuzz: {total} requests, statuses {dict(sorted(statuses.items()))}")
    for failure in failures[:20]:
        print(f"  5xx: {failure}")
    if failures:
        sys.exit(f"fuzz: {len(failures)} requests answered 5xx")
    if total < args.min_requests:
        sys.exit(f"fuzz: only {total} requests generated; raise --examples")


if __name__ == "__main__":
    main()
