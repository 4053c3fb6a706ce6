"""Training is reproducible: the same data and params give identical metrics and version."""

import json
from pathlib import Path

import pytest

from model.pipeline import train_candidate

pytestmark = pytest.mark.slow  # trains models (3-7 s each)

REPO = Path(__file__).resolve().parents[2]


def test_same_data_and_params_give_identical_metrics(data_dir, params):
    _, first, _ = train_candidate(data_dir, params)
    _, second, _ = train_candidate(data_dir, params)
    assert first["metrics"] == second["metrics"]
    assert first["version"] == second["version"]


def test_committed_champion_is_reproducible_from_git(params):
    champion = json.loads((REPO / "config" / "champion.json").read_text())
    _, candidate, _ = train_candidate(REPO / "data", champion["params"])
    assert candidate["metrics"] == champion["metrics"]
    assert candidate["version"] == champion["version"]
    assert candidate["data"]["fingerprint"] == champion["data"]["fingerprint"]


def test_holdout_is_the_latest_month_with_slices(data_dir, params):
    _, record, holdout = train_candidate(data_dir, params)
    assert record["trained_on"]["holdout"] == "2011-12"
    assert "2011-12" not in record["trained_on"]["periods"]
    assert record["metrics"]["overall"]["rows"] == len(holdout) == 741
    slices = record["metrics"]["slices"]
    for name in ("season=4", "workingday=1", "weathersit=clear", "hour_band=morning_peak"):
        assert slices[name]["rows"] > 0
    assert sum(v["rows"] for k, v in slices.items() if k.startswith("hour_band=")) == 741


def test_params_change_the_model(data_dir, params):
    _, baseline, _ = train_candidate(data_dir, params)
    params["estimator"]["max_iter"] = 50
    _, changed, _ = train_candidate(data_dir, params)
    assert changed["version"] != baseline["version"]
    assert changed["metrics"] != baseline["metrics"]
