"""The benchmark's stall check stops a comparison against a crippled side (no timings here)."""

import pytest

from bench.stall_check import Stalled, check


def test_a_side_within_the_slack_passes_with_its_figures():
    line = check("strong", http_p50_ms=0.9, inprocess_ms=0.2)
    assert "0.90 ms over loopback" in line and "0.20 ms in-process" in line


def test_a_per_response_wait_stops_the_bench_and_says_why():
    with pytest.raises(Stalled, match=r"naive side stalls.*TCP_NODELAY"):
        check("naive", http_p50_ms=44.0, inprocess_ms=0.9)


def test_no_successful_request_counts_as_a_stall():
    with pytest.raises(Stalled):
        check("floor", http_p50_ms=float("nan"), inprocess_ms=0.2)
