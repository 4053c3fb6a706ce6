"""The gate refuses a worse model and leaves the champion record byte-for-byte unchanged."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from model import fairness, flow
from model.drift import load_settings
from model.gate import judge
from tests.model_cli import model_cli

REPO = Path(__file__).resolve().parents[2]
RULES = yaml.safe_load((REPO / "config" / "params.yaml").read_text())["gate"]


def run(data_dir, params, champion, out):
    """The training flow (model/flow.py) with the repository's drift settings."""
    return flow.run(data_dir, params, champion, load_settings(), out / "reports", out).outcome


def metrics(rmse, mae=20.0, r2=0.85, slices=None):
    return {"overall": {"rmse": rmse, "mae": mae, "r2": r2, "rows": 741}, "slices": slices or {}}


def sliced(rmse, rows=100):
    return {"rmse": rmse, "mae": 1.0, "r2": 0.9, "rows": rows}


def test_first_model_passes_on_floors_only():
    assert judge(metrics(40.0), None, RULES).passed
    verdict = judge(metrics(40.0, r2=0.5), None, RULES)
    assert not verdict.passed
    assert "under the floor" in verdict.summary


def test_overall_regression_beyond_tolerance_is_rejected():
    verdict = judge(metrics(42.0), metrics(40.0), RULES)  # +5% > 2%
    assert not verdict.passed
    assert "overall RMSE 42.00 vs champion 40.00" in verdict.summary
    assert judge(metrics(40.5), metrics(40.0), RULES).passed  # +1.25% within 2%


def test_slice_regression_beyond_tolerance_is_rejected():
    champion = metrics(40.0, slices={"season=4": sliced(30.0)})
    candidate = metrics(39.0, slices={"season=4": sliced(36.0)})  # +20% > 10%
    verdict = judge(candidate, champion, RULES)
    assert not verdict.passed
    assert "slice season=4" in verdict.summary


def test_tiny_slices_are_not_gated():
    champion = metrics(40.0, slices={"weathersit=heavy rain/snow": sliced(10.0, rows=1)})
    candidate = metrics(39.0, slices={"weathersit=heavy rain/snow": sliced(90.0, rows=1)})
    assert judge(candidate, champion, RULES).passed


@pytest.mark.slow  # trains a model
def test_model_on_shuffled_targets_is_rejected_and_champion_unchanged(
    data_dir, params, champion_copy, tmp_path
):
    # Shuffle the targets of the training months (rows stay valid: the counts move together).
    rng = np.random.default_rng(0)
    for path in sorted(data_dir.glob("2011-*.csv"))[:-1]:
        table = pd.read_csv(path)
        order = rng.permutation(len(table))
        for column in ("casual", "registered", "bikers"):
            table[column] = table[column].to_numpy()[order]
        table.to_csv(path, index=False, float_format="%.4f")
    before = champion_copy.read_bytes()

    outcome = run(data_dir, params, champion_copy, tmp_path / "out")

    assert not outcome.verdict.passed
    assert not outcome.promoted
    assert champion_copy.read_bytes() == before
    report = json.loads((tmp_path / "out" / "gate.json").read_text())
    assert report["verdict"]["passed"] is False
    assert report["verdict"]["reasons"]


@pytest.mark.slow  # trains a model
def test_cli_rejects_worse_params_with_reasons(data_dir, params, champion_copy, tmp_path):
    params["estimator"]["max_iter"] = 5
    worse = tmp_path / "worse.yaml"
    worse.write_text(yaml.safe_dump(params))
    before = champion_copy.read_bytes()
    result = model_cli(
        "--data", data_dir, "--champion", champion_copy,
        "train", "--params", worse, "--out", tmp_path / "out", "--reports", tmp_path / "reports",
    )  # fmt: skip
    assert result.returncode == 1, result.stdout + result.stderr
    assert "gate: REJECT: " in result.stdout
    assert champion_copy.read_bytes() == before


@pytest.mark.slow  # trains a model
def test_no_champion_first_passing_model_becomes_champion(data_dir, params, tmp_path):
    champion = tmp_path / "new" / "champion.json"
    outcome = run(data_dir, params, champion, tmp_path / "out")
    assert outcome.promoted
    assert json.loads(champion.read_text())["version"] == outcome.candidate["version"]


@pytest.mark.slow  # trains a model
def test_new_month_is_judged_against_champion_on_the_same_holdout(data_dir, params, tmp_path):
    december = data_dir / "2011-12.csv"
    parked = tmp_path / "2011-12.csv"
    december.rename(parked)
    champion = tmp_path / "champion.json"
    first = run(data_dir, params, champion, tmp_path / "first")
    assert first.promoted and first.candidate["trained_on"]["holdout"] == "2011-11"

    parked.rename(december)  # December arrives as a new file
    second = run(data_dir, params, champion, tmp_path / "second")
    assert second.candidate["trained_on"]["holdout"] == "2011-12"
    # The champion was re-scored on December, not compared by its November figures.
    assert second.champion_metrics["overall"]["rows"] == 741
    rescored = {k: second.champion_metrics[k] for k in ("overall", "slices")}
    assert rescored != first.candidate["metrics"]
    # Its per-group figures come from its predictions on December (MetricFrame), and agree
    # with the slices it was re-scored with.
    disparity = second.champion_metrics["fairness"]
    assert sum(g["count"] for g in disparity["hour_band"]["groups"].values()) == 741
    assert disparity == fairness.from_slices(second.champion_metrics, params)
