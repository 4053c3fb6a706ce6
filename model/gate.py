"""The promotion gate: a candidate replaces the champion only if it is not worse."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from model import behaviour, fairness


@dataclass
class Verdict:
    passed: bool
    reasons: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        if self.passed:
            return "PASS: " + ("; ".join(self.reasons) or "no regression")
        return "REJECT: " + "; ".join(self.reasons)


def _worse(candidate: float, champion: float, tolerance: float) -> bool:
    return candidate > champion * (1 + tolerance)


def judge(
    candidate: dict[str, Any],
    champion: dict[str, Any] | None,
    rules: dict,
    disparity: dict[str, Any] | None = None,
    champion_disparity: dict[str, Any] | None = None,
    behaved: list[behaviour.Result] | None = None,
) -> Verdict:
    """Compare metrics measured on the same holdout; champion None means no champion yet.
    disparity / champion_disparity: per-group figures of model/fairness.py on that holdout;
    behaved: the candidate's behavioural tests (model/behaviour.py), each one must pass."""
    failures = behaviour.failures(behaved or [])
    overall = candidate["overall"]
    floors = rules["floors"]
    if overall["r2"] < floors["min_r2"]:
        failures.append(f"R² {overall['r2']:.3f} is under the floor {floors['min_r2']}")
    if overall["rmse"] > floors["max_rmse"]:
        failures.append(f"RMSE {overall['rmse']:.1f} is over the ceiling {floors['max_rmse']}")
    if disparity is not None:  # ceilings apply champion or not; growth needs a champion
        failures += fairness.failures(disparity, champion_disparity, rules["fairness"])
    fair = [fairness.summary(disparity)] if disparity is not None else []
    if behaved:
        fair.append(f"{len(behaved)} behavioural tests passed")
    if champion is None:
        return Verdict(not failures, failures or ["no champion yet; floors met", *fair])

    tolerance = rules["max_overall_regression"]
    for metric in ("rmse", "mae"):
        new, old = overall[metric], champion["overall"][metric]
        if _worse(new, old, tolerance):
            failures.append(
                f"overall {metric.upper()} {new:.2f} vs champion {old:.2f} "
                f"(+{(new / old - 1):.1%} > {tolerance:.0%} allowed)"
            )
    tolerance = rules["max_slice_regression"]
    for name, new in sorted(candidate["slices"].items()):
        old = champion["slices"].get(name)
        if old is None or new["rows"] < rules["min_slice_rows"]:
            continue
        if _worse(new["rmse"], old["rmse"], tolerance):
            failures.append(
                f"slice {name} RMSE {new['rmse']:.2f} vs champion {old['rmse']:.2f} "
                f"(+{(new['rmse'] / old['rmse'] - 1):.1%} > {tolerance:.0%} allowed)"
            )
    if failures:
        return Verdict(False, failures)
    delta = overall["rmse"] - champion["overall"]["rmse"]
    return Verdict(
        True,
        [
            f"RMSE {overall['rmse']:.2f} vs champion "
            f"{champion['overall']['rmse']:.2f} ({delta:+.2f}); no slice regressed",
            *fair,
        ],
    )
