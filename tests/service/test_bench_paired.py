"""bench/paired.py: sides take turns in alternating order, and the figure is the median of the
per-pair ratios (a drift in load through the run cancels out instead of favouring one side)."""

from bench import paired, report


def test_pairs_alternate_and_the_median_of_ratios_is_reported():
    calls, clock = [], iter(range(100))

    def run(side, scenario, seconds):
        # The machine gets slower with every run: a side always run second would lose.
        t = next(clock)
        calls.append(side)
        rps = (1100 if side == "project" else 1000) / (1 + 0.1 * t)
        return {"rps": rps, "p99": 1 + 0.1 * t}

    result = paired.measure(run, ("1 row, c=8", "/predict", "row", 1, 8), pairs=5, seconds=1)
    assert calls[:4] == ["project", "strong", "strong", "project"]
    assert result["rps"]["n"] == 5
    # Alternation: the pairs where the project ran second still count, and the median is the
    # middle pair ratio, not a mean pulled by the drift.
    ratios = sorted(paired.ratios(result["pairs"], "rps"))
    assert result["rps"]["median"] == ratios[2]
    assert result["rps"]["min"] == ratios[0] and result["rps"]["max"] == ratios[-1]
    assert ratios[0] < 1.1 < ratios[-1]


def test_targets_judge_the_paired_median_when_there_is_one():
    runs = {"1 row, c=8": {"rps": 900.0, "p99": 2.0}}
    results = {
        "sides": {
            "project": {"runs": runs},
            "strong": {"runs": {"1 row, c=8": {"rps": 1000.0, "p99": 2.0}}},
        },
        "paired": {
            "1 row, c=8": {
                "rps": {"median": 1.03, "min": 0.9, "max": 1.1, "n": 5},
                "p99": {"median": 0.98, "min": 0.9, "max": 1.2, "n": 5},
                "load1": [1.0],
            }
        },
    }
    lines = report.targets(results)
    assert "- met: 1 row, c=8: req/s 1.03x (>= 1.0x, median of 5 pairs)" in lines
    assert any("p99 0.98x" in line and line.startswith("- met") for line in lines)
