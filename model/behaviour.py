"""Behavioural tests of a model, beside its metric tests (as Made-With-ML has them).

Metrics say how far off the model is on average; these say whether it behaves like the world
it models, on the holdout month's own hours with one thing changed at a time:
- invariance: what must not matter does not (batch composition, a measurement-sized nudge);
- directional: what must matter pushes the right way (rain, warmth, commute hours).
The gate runs them on every candidate (model/gate.py): one failure rejects it, in one sentence.
Each expectation held for every model trained with config/params.yaml on 2011 (holdouts April
to December) with a margin (figures in docs/reviewing.md): a failure means a model that learnt
something odd.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from model.schema import FEATURES

# Commute hours of a working day, and the small hours, as the data shows them (peaks at 8 and
# 17-18; fewest rentals 1-5).
COMMUTE_HOURS = (7, 8, 17, 18)
NIGHT_HOURS = (1, 2, 3, 4, 5)
# A measurement-sized nudge (1 point of humidity, ~0.7 km/h of wind) must move the month's
# total by less than this share: a model that swings on noise would not be trusted.
NUDGE = 0.01
NUDGE_LIMIT = 0.03
WARMER_CELSIUS = 5.0
# Warmth helps only when it is cold: in summer's heat, 5 °C more lowers rentals (the data
# shows it, June-August), so the warmth test takes the hours below this temperature.
COLD_CELSIUS = 15.0
# Every how many holdout rows one is predicted alone (batch-composition invariance).
ALONE_EVERY = 50


# What each test changes and expects, in full (the report's behaviour section).
DESCRIPTIONS = (
    f"every {ALONE_EVERY}th hour predicted alone gets exactly the answer it gets among the "
    "month's other hours (invariance: batching must not matter)",
    f"humidity and wind speed raised by {NUDGE} (one point, about 0.7 km/h) move the month's "
    f"predicted rentals by less than {NUDGE_LIMIT:.0%} (invariance: measurement noise)",
    "the month's hours with the weather set to light rain/snow predict fewer rentals in total "
    "than the same hours set to clear (directional)",
    f"the month's hours below {COLD_CELSIUS:g} °C, made {WARMER_CELSIUS:g} °C warmer (temperature "
    "and feels-like temperature), predict more rentals (directional; in summer heat warmth "
    "lowers rentals, so only cold hours are taken)",
    f"on working days, the commute hours {', '.join(map(str, COMMUTE_HOURS))} predict more "
    f"rentals per hour than the night hours {NIGHT_HOURS[0]}–{NIGHT_HOURS[-1]} (directional)",
)


@dataclass(frozen=True)
class Result:
    name: str  # what is expected, short enough for one table cell (long form: DESCRIPTIONS)
    kind: str  # "invariance" or "directional"
    passed: bool
    figure: float | None  # what was measured; None: nothing to measure on this month
    limit: str  # what passing means, with its number
    unit: str  # how to print figure: "%" (a change), the times sign (a ratio) or "rentals/h"

    @property
    def shown(self) -> str:
        if self.figure is None:
            return "n/a"
        if self.unit == "%":
            return f"{self.figure:+.1%}".replace("-", "−")
        if self.unit == "×":
            return f"{self.figure:.1f}×"
        return f"{self.figure:g} {self.unit}"

    def sentence(self) -> str:
        return f"behaviour '{self.name}' failed: {self.shown}, expected {self.limit}"


Predict = Callable[[pd.DataFrame], np.ndarray]


def predictor(model: Any) -> Predict:
    """The model's answers as the service gives them: features only, never below zero."""
    return lambda frame: np.clip(np.asarray(model.predict(frame[list(FEATURES)]), float), 0, None)


def run(model: Any, holdout: pd.DataFrame, predict: Predict | None = None) -> list[Result]:
    """Every behavioural test on the holdout's hours. `predict` replaces the model's (tests)."""
    given = predict or predictor(model)

    def predict(frame: pd.DataFrame) -> np.ndarray:
        return np.asarray(given(frame), dtype=float)

    rows = holdout[list(FEATURES)].reset_index(drop=True)
    return [
        _batch_invariance(rows, predict),
        _nudge_invariance(rows, predict),
        _rain_lowers(rows, predict),
        _warmth_raises(rows, predict),
        _commute_over_night(rows, predict),
    ]


def failures(results: list[Result]) -> list[str]:
    return [r.sentence() for r in results if not r.passed]


def as_json(results: list[Result]) -> list[dict[str, Any]]:
    return [asdict(r) for r in results]


def from_json(items: list[dict[str, Any]] | None) -> list[Result]:
    return [Result(**item) for item in items or []]


def _relative(changed: np.ndarray, base: np.ndarray) -> float:
    return float(changed.mean() / base.mean() - 1) if base.mean() else 0.0


def _batch_invariance(rows: pd.DataFrame, predict: Predict) -> Result:
    batch = predict(rows)
    alone = np.array([predict(rows.iloc[[i]])[0] for i in range(0, len(rows), ALONE_EVERY)])
    worst = float(np.abs(alone - batch[::ALONE_EVERY]).max())
    return Result(
        "alone = in a batch",
        "invariance",
        worst == 0.0,
        worst,
        "= 0 rentals/h",
        "rentals/h",
    )


def _nudge_invariance(rows: pd.DataFrame, predict: Predict) -> Result:
    base = predict(rows)
    nudged = rows.assign(
        hum=(rows["hum"] + NUDGE).clip(0, 1), windspeed=(rows["windspeed"] + NUDGE).clip(0, 1)
    )
    change = _relative(predict(nudged), base)
    return Result(
        "humidity, wind +0.01 ≈ same",
        "invariance",
        abs(change) < NUDGE_LIMIT,
        change,
        f"within ±{NUDGE_LIMIT:.0%}",
        "%",
    )


def _rain_lowers(rows: pd.DataFrame, predict: Predict) -> Result:
    clear = predict(rows.assign(weathersit="clear"))
    rainy = predict(rows.assign(weathersit="light rain/snow"))
    change = _relative(rainy, clear)
    return Result(
        "rain → fewer rentals",
        "directional",
        change < 0,
        change,
        "< 0%",
        "%",
    )


def _warmth_raises(rows: pd.DataFrame, predict: Predict) -> Result:
    rows = rows[rows["temp"] * 41 < COLD_CELSIUS]  # schema: temp = °C / 41
    if rows.empty:  # a month without a cold hour: nothing to test
        return Result(
            f"{WARMER_CELSIUS:g} °C warmer (cold hours) → more",
            "directional",
            True,
            None,
            "> 0% (no cold hour)",
            "%",
        )
    warmer = rows.assign(
        temp=(rows["temp"] + WARMER_CELSIUS / 41).clip(0, 1),  # schema: temp = °C / 41
        atemp=(rows["atemp"] + WARMER_CELSIUS / 50).clip(0, 1),  # atemp = °C / 50
    )
    change = _relative(predict(warmer), predict(rows))
    return Result(
        f"{WARMER_CELSIUS:g} °C warmer (cold hours) → more",
        "directional",
        change > 0,
        change,
        "> 0%",
        "%",
    )


def _commute_over_night(rows: pd.DataFrame, predict: Predict) -> Result:
    working = rows[rows["workingday"] == 1]
    commute = predict(working[working["hr"].isin(COMMUTE_HOURS)])
    night = predict(working[working["hr"].isin(NIGHT_HOURS)])
    ratio = float(commute.mean() / night.mean()) if len(night) and night.mean() else float("inf")
    return Result(
        "commute > night (working days)",
        "directional",
        bool(len(commute)) and ratio > 1,
        ratio,
        "> 1×",
        "×",
    )
