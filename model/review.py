"""The checks a verdict rests on, one row each, as a reviewer reads them at the top of a model
PR: ✓/✗ with the candidate's figure, the champion's, the change and the gate's limit.

The rules are the gate's (model/gate.py, model/fairness.py, model/behaviour.py); this module
only lays them out, so a row is ✗ exactly when the gate names it among its reasons.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from model import behaviour, fairness, names
from model.drift import FeatureDrift

if TYPE_CHECKING:
    import pandas as pd

    from model.changes import DataChanges
    from model.gate import Verdict

PASS, FAIL, NOTE = "✓", "✗", "⚠"


@dataclass
class Facts:
    candidate: dict[str, Any]
    champion: dict[str, Any]
    champion_metrics: dict[str, Any]  # the champion scored on the candidate's holdout
    verdict: Verdict
    changes: DataChanges
    drift: list[FeatureDrift] | None
    importance: pd.DataFrame
    importance_repeats: int
    tolerance: float  # per-slice RMSE tolerance of the gate
    # Drift thresholds drawn on the drift plot; None: config/monitoring.yaml (load_settings).
    drift_limits: dict[str, Any] | None = None


@dataclass(frozen=True)
class Row:
    check: str
    mark: str  # PASS, FAIL, or NOTE (shown, never rejects: drift)
    candidate: str
    champion: str = ""
    change: str = ""
    limit: str = ""


def table(rows: list[Row]) -> list[str]:
    return [
        "| | check | candidate | champion | change | limit |",
        "|:-:|---|---:|---:|---:|---:|",
        *[
            f"| {r.mark} | {r.check} | {r.candidate} | {r.champion} | {r.change} | {r.limit} |"
            for r in rows
        ],
    ]


NBSP = "\u00a0"  # keeps a figure and its percentage on one line in a narrow cell


def change(new: float, old: float, digits: int = 2) -> str:
    """Absolute and relative change, signed: "+0.33 (+25.8%)"."""
    absolute = f"{new - old:+.{digits}f}".replace("-", "−")
    if not old:
        return absolute
    return f"{absolute}{NBSP}({new / old - 1:+.1%})".replace("-", "−")


def _limits(*parts: str) -> str:
    return ", ".join(p.replace(" ", NBSP) for p in parts)  # breaks between limits only


def rows(facts: Facts) -> list[Row]:
    gate = facts.candidate["params"]["gate"]
    return [
        *_overall(facts.candidate["metrics"]["overall"], facts.champion_metrics["overall"], gate),
        *_slices(facts, gate),
        *_fairness(facts, gate),
        *_behaviour(facts.candidate.get("behaviour")),
        *_drift(facts),
    ]


def _worse(new: float, old: float, tolerance: float) -> bool:
    return new > old * (1 + tolerance)


def _overall(new: dict, old: dict, gate: dict) -> list[Row]:
    tolerance, floors = gate["max_overall_regression"], gate["floors"]
    rmse_ok = not _worse(new["rmse"], old["rmse"], tolerance) and new["rmse"] <= floors["max_rmse"]
    return [
        Row(
            "RMSE overall (rentals/h)",
            PASS if rmse_ok else FAIL,
            f"{new['rmse']:.2f}",
            f"{old['rmse']:.2f}",
            change(new["rmse"], old["rmse"]),
            _limits(f"≤ +{tolerance:.0%}", f"≤ {floors['max_rmse']:g}"),
        ),
        Row(
            "MAE overall (rentals/h)",
            FAIL if _worse(new["mae"], old["mae"], tolerance) else PASS,
            f"{new['mae']:.2f}",
            f"{old['mae']:.2f}",
            change(new["mae"], old["mae"]),
            f"≤ +{tolerance:.0%}",
        ),
        Row(
            "R² overall",
            PASS if new["r2"] >= floors["min_r2"] else FAIL,
            f"{new['r2']:.3f}",
            f"{old['r2']:.3f}",
            change(new["r2"], old["r2"], 3),
            f"≥ {floors['min_r2']:.2f}",
        ),
    ]


def _slices(facts: Facts, gate: dict) -> list[Row]:
    """Every slice over the limit, or else the one closest to it."""
    tolerance, bands = gate["max_slice_regression"], facts.candidate["params"]["evaluation"]
    old_all = facts.champion_metrics["slices"]
    judged = [
        (name, new, old_all[name])
        for name, new in sorted(facts.candidate["metrics"]["slices"].items())
        if name in old_all and new["rows"] >= gate["min_slice_rows"] and old_all[name]["rmse"]
    ]
    if not judged:
        return []
    failed = [j for j in judged if _worse(j[1]["rmse"], j[2]["rmse"], tolerance)]
    name, new, old = max(judged, key=lambda j: j[1]["rmse"] / j[2]["rmse"])
    over = f"{len(failed)} of {len(judged)} over the limit; " if failed else ""
    return [
        Row(
            f"Slices: {over}worst {names.slice_name(name, bands['hour_bands'])}",
            FAIL if failed else PASS,
            f"{new['rmse']:.2f}",
            f"{old['rmse']:.2f}",
            change(new["rmse"], old["rmse"]),
            _limits(f"≤ +{tolerance:.0%}"),
        )
    ]


def _fairness(facts: Facts, gate: dict) -> list[Row]:
    new_all = facts.candidate.get("fairness") or {}
    old_all = facts.champion_metrics.get("fairness") or {}
    rules = gate["fairness"]
    result = []
    for feature, new in new_all.items():
        old = old_all.get(feature) or {}
        ratio, before = new["rmse_ratio"], old.get("rmse_ratio")
        if ratio is None:
            continue
        failed = fairness.check(feature, new, old or None, rules) is not None
        result.append(
            Row(
                f"Fairness: {names.feature(feature)} ratio",
                FAIL if failed else PASS,
                f"{ratio:.2f}",
                f"{before:.2f}" if before else "–",
                change(ratio, before) if before else "",
                _limits(
                    f"≤ {rules['max_rmse_ratio'][feature]:g}",
                    f"≤ +{rules['max_ratio_increase']:.0%}",
                ),
            )
        )
    return result


def _behaviour(items: list[dict[str, Any]] | None) -> list[Row]:
    return [
        Row(
            f"Behaviour: {r.name}",
            PASS if r.passed else FAIL,
            r.shown,
            "",
            "",
            _limits(r.limit),
        )
        for r in behaviour.from_json(items)
    ]


def _drift(facts: Facts) -> list[Row]:
    """Drift alerts and warnings (shown, never a reason to reject)."""
    if not facts.drift:
        return []
    from model.drift import load_settings

    limits = facts.drift_limits or load_settings()
    flagged = [d for d in facts.drift if d.status in ("alert", "warn")]
    if not flagged:
        judged = sum(d.status != "calendar" for d in facts.drift)
        alert = _limits(f"alert {limits['psi_alert']:g} PSI", f"{limits['outside_alert']:.0%} out")
        return [Row(f"Drift: no alert ({judged} features judged)", PASS, "none", limit=alert)]
    result = []
    for d in flagged:
        value, warn, alert, basis = drift_judged(d, limits)
        result.append(
            Row(
                f"Drift {d.status}: {names.feature(d.feature)} ({basis})",
                NOTE,
                value,
                "",
                "",
                _limits(f"alert {alert}" if d.status == "alert" else f"warn {warn}"),
            )
        )
    return result


def drift_judged(d: FeatureDrift, limits: dict[str, Any]) -> tuple[str, str, str, str]:
    """(value, warn, alert, what it is judged on) as printed, for one feature's drift."""
    if d.judged_on == "range":
        return (
            f"{d.outside or 0:.0%}",
            f"{limits['outside_warn']:.0%}",
            f"{limits['outside_alert']:.0%}",
            "share outside range",
        )
    return f"{d.psi:.2f}", f"{limits['psi_warn']:.2f}", f"{limits['psi_alert']:.2f}", "PSI"
