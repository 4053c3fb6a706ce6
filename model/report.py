"""The retrain report a reviewer reads: reports/<candidate version>/report.md and its plots."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.ticker import PercentFormatter

from model import fairness
from model.drift import FeatureDrift, load_settings
from model.gate import Verdict

if TYPE_CHECKING:
    from model.changes import DataChanges

# No "Software" entry: the same numbers give byte-identical PNGs across runs.
PNG_METADATA = {"Software": None}
COLOURS = {"candidate": "#1f77b4", "champion": "#aaaaaa"}
LIMIT_COLOUR = "#d62728"


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


def write(out: Path, facts: Facts) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    _metrics_plot(facts, out / "metrics.png")
    _slices_plot(facts, out / "slices.png")
    _importance_plot(facts.importance, out / "importance.png")
    if facts.drift:
        _drift_plot(facts.drift, facts.drift_limits or load_settings(), out / "drift.png")
    path = out / "report.md"
    path.write_text(markdown(facts))
    return path


def decision(facts: Facts) -> str:
    """The one line that says why, either way."""
    new, old = facts.candidate["version"], facts.champion["version"]
    if facts.verdict.passed:
        return f"**PASS**: {new} replaces champion {old}. " + "; ".join(facts.verdict.reasons) + "."
    return f"**REJECTED**: champion {old} stays. " + "; ".join(facts.verdict.reasons) + "."


def markdown(facts: Facts) -> str:
    cand, champ = facts.candidate, facts.champion
    holdout = cand["trained_on"]["holdout"]
    lines = [
        f"# Model report: candidate {cand['version']} vs champion {champ['version']}",
        "",
        decision(facts),
        "",
        f"- Data: {facts.changes.summary()}; fingerprint `{cand['data']['fingerprint'][:16]}`.",
        *[f"- **Suspicious**: {s}: data should only grow." for s in facts.changes.suspicious],
        f"- Candidate trained on {_periods(cand)}; champion trained on {_periods(champ)}.",
        f"- Both scored on the holdout {holdout} ({cand['metrics']['overall']['rows']} rows).",
        f"- Code commit `{cand['code_commit'][:12]}`, scikit-learn "
        f"{cand['libraries']['scikit-learn']}, params in `config/params.yaml`.",
        "",
        "## Metrics vs champion",
        "",
        "| metric | candidate | champion | change |",
        "|---|---:|---:|---:|",
        *[_metric_row(m, cand["metrics"], facts.champion_metrics) for m in ("rmse", "mae", "r2")],
        "",
        "![metrics vs champion](metrics.png)",
        "",
        "## Error by slice",
        "",
        f"RMSE per slice; the gate rejects a slice more than {facts.tolerance:.0%} worse.",
        "",
        "| slice | rows | candidate RMSE | champion RMSE | change |",
        "|---|---:|---:|---:|---:|",
        *_slice_rows(facts),
        "",
        "![error by slice](slices.png)",
        "",
        *_fairness_section(facts),
        "## What the model relies on",
        "",
        "Permutation importance on the holdout: RMSE increase when one feature is shuffled "
        f"({facts.importance_repeats} repeats). It measures what the model uses on unseen "
        "rows; gradient boosting's split counts would also credit features that only fit noise.",
        "",
        "| feature | RMSE increase | ± |",
        "|---|---:|---:|",
        *[
            f"| {r.feature} | {r.mean:.2f} | {r.std:.2f} |"
            for r in facts.importance.itertuples(index=False)
        ],
        "",
        "![feature importance](importance.png)",
        "",
        *_drift_section(facts),
    ]
    return "\n".join(lines) + "\n"


def _periods(record: dict[str, Any]) -> str:
    periods = record["trained_on"]["periods"]
    return f"{periods[0]} … {periods[-1]}" if len(periods) > 1 else periods[0]


def _change(new: float, old: float) -> str:
    return f"{new - old:+.2f} ({new / old - 1:+.1%})" if old else f"{new - old:+.2f}"


def _metric_row(metric: str, cand: dict, champ: dict) -> str:
    new, old = cand["overall"][metric], champ["overall"][metric]
    name = {"rmse": "RMSE", "mae": "MAE", "r2": "R²"}[metric]
    return f"| {name} | {new:.3f} | {old:.3f} | {_change(new, old)} |"


def _slice_rows(facts: Facts) -> list[str]:
    rows = []
    old_slices = facts.champion_metrics["slices"]
    for name, new in sorted(facts.candidate["metrics"]["slices"].items()):
        old = old_slices.get(name)
        if old is None:
            rows.append(f"| {name} | {new['rows']} | {new['rmse']:.2f} | n/a | new slice |")
            continue
        flag = " ⚠" if new["rmse"] > old["rmse"] * (1 + facts.tolerance) else ""
        rows.append(
            f"| {name} | {new['rows']} | {new['rmse']:.2f} | {old['rmse']:.2f} | "
            f"{_change(new['rmse'], old['rmse'])}{flag} |"
        )
    return rows


def _fairness_section(facts: Facts) -> list[str]:
    """Per group feature: candidate vs champion RMSE per group, disparity and verdict."""
    new_all = facts.candidate.get("fairness")
    if not new_all:  # a record from before the fairness gate
        return []
    old_all = facts.champion_metrics.get("fairness") or {}
    gate = facts.candidate["params"]["gate"]
    rules = gate["fairness"]
    lines = [
        "## Fairness across groups",
        "",
        "Groups are conditions of the hour, not people (the data has no personal attribute: "
        "`data/DATASHEET.md`). Disparity is the largest group RMSE over the smallest, among "
        f"groups of at least {gate['min_slice_rows']} rows (fairlearn's MetricFrame on the "
        "holdout). The gate rejects a ratio over its ceiling, or more than "
        f"{rules['max_ratio_increase']:.0%} above the champion's on the same rows "
        "(`config/params.yaml`, `gate.fairness`).",
        "",
        "| group feature | candidate ratio | champion ratio | ceiling | verdict |",
        "|---|---:|---:|---:|---|",
    ]
    for feature, new in new_all.items():
        old = old_all.get(feature)
        failure = fairness.check(feature, new, old, rules)
        verdict = "pass" if failure is None else "**reject**: " + failure.split(": ", 1)[1]
        lines.append(
            f"| {feature} | {_ratio(new)} | {_ratio(old)} | "
            f"{rules['max_rmse_ratio'][feature]} | {verdict} |"
        )
    for feature, new in new_all.items():
        old_groups = (old_all.get(feature) or {}).get("groups", {})
        lines += [
            "",
            f"**{feature}**",
            "",
            "| group | rows | candidate RMSE | champion RMSE | change | candidate MAE |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for group, g in new["groups"].items():
            mark = {new["worst"]: " (worst)", new["best"]: " (best)"}.get(group, "")
            if g["count"] < gate["min_slice_rows"]:
                mark = " (too few rows to judge)"
            old = old_groups.get(group)
            old_rmse, change = (
                (f"{old['rmse']:.2f}", _change(g["rmse"], old["rmse"])) if old else ("n/a", "")
            )
            lines.append(
                f"| {group}{mark} | {g['count']} | {g['rmse']:.2f} | {old_rmse} | {change} | "
                f"{g['mae']:.2f} |"
            )
    return [*lines, ""]


def _ratio(d: dict[str, Any] | None) -> str:
    return "n/a" if not d or d["rmse_ratio"] is None else f"{d['rmse_ratio']:.2f}"


def _drift_section(facts: Facts) -> list[str]:
    title = "## Drift: champion's training window vs new data"
    if not facts.drift:
        return [title, "", "No new or changed data file: params or code changed, not the data."]
    flagged = [d for d in facts.drift if d.status in ("alert", "warn")]
    summary = (
        "Drift warning: " + "; ".join(f"{d.status} {d.line}" for d in flagged) + "."
        if flagged
        else "No monitored feature drifted beyond the thresholds in `config/monitoring.yaml`."
    )
    new = ", ".join(Path(n).stem for n in facts.changes.touched)
    return [
        title,
        "",
        f"Window {_periods(facts.champion)} against {new}. {summary}",
        "Calendar features shift with every new month by design and are never alerted; "
        "temperature and humidity follow the season, so they alert on values outside the "
        "window's range rather than on PSI.",
        "",
        "| feature | PSI | KS | outside range | status | judged on |",
        "|---|---:|---:|---:|---|---|",
        *[
            f"| {d.feature} | {d.psi:.2f} | {_opt(d.ks, '.2f')} | {_opt(d.outside, '.0%')} | "
            f"{d.status} | {d.judged_on} |"
            for d in facts.drift
        ],
        "",
        "![drift per feature](drift.png)",
    ]


def _opt(value: float | None, spec: str) -> str:
    return "" if value is None else format(value, spec)


def _save(fig, path: Path) -> None:
    fig.tight_layout()
    fig.savefig(path, dpi=100, metadata=PNG_METADATA)
    plt.close(fig)


def _bars(ax, labels: list[str], new: list[float], old: list[float], horizontal: bool) -> None:
    positions = range(len(labels))
    width = 0.4
    draw = ax.barh if horizontal else ax.bar
    for offset, values, who in ((-width / 2, new, "candidate"), (width / 2, old, "champion")):
        draw([p + offset for p in positions], values, width, label=who, color=COLOURS[who])
    (ax.set_yticks if horizontal else ax.set_xticks)(list(positions), labels)
    ax.legend()


def _metrics_plot(facts: Facts, path: Path) -> None:
    cand, champ = facts.candidate["metrics"]["overall"], facts.champion_metrics["overall"]
    fig, (errors, r2) = plt.subplots(1, 2, figsize=(8, 3.5), width_ratios=[2, 1])
    new, old = [cand["rmse"], cand["mae"]], [champ["rmse"], champ["mae"]]
    _bars(errors, ["RMSE", "MAE"], new, old, False)
    errors.set_ylabel("rentals per hour (lower is better)")
    _bars(r2, ["R²"], [cand["r2"]], [champ["r2"]], False)
    r2.set_ylim(0, 1)
    r2.get_legend().remove()
    fig.suptitle(f"Holdout {facts.candidate['trained_on']['holdout']}: candidate vs champion")
    _save(fig, path)


def _slices_plot(facts: Facts, path: Path) -> None:
    names = sorted(facts.candidate["metrics"]["slices"])
    new = [facts.candidate["metrics"]["slices"][n]["rmse"] for n in names]
    old = [facts.champion_metrics["slices"].get(n, {"rmse": 0.0})["rmse"] for n in names]
    fig, ax = plt.subplots(figsize=(8, 0.35 * len(names) + 1.2))
    # The gate's line per slice: the candidate's bar must end before it.
    limits = [(p, o * (1 + facts.tolerance)) for p, o in enumerate(old) if o > 0]
    ax.scatter(
        [limit for _, limit in limits],
        [p - 0.2 for p, _ in limits],  # on the candidate's bar (see _bars)
        marker="|",
        s=250,
        linewidths=2,
        color=LIMIT_COLOUR,
        zorder=3,
        label=f"gate limit (champion +{facts.tolerance:.0%})",
    )
    _bars(ax, names, new, old, True)
    for p, limit in limits:
        if new[p] > limit:
            ax.annotate("over", (new[p], p - 0.2), color=LIMIT_COLOUR, fontsize=8)
    ax.invert_yaxis()
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=3, fontsize=8)
    ax.set_xlabel("RMSE (rentals per hour)")
    ax.set_title("Error by slice")
    _save(fig, path)


def _importance_plot(table: pd.DataFrame, path: Path) -> None:
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.barh(table["feature"], table["mean"], xerr=table["std"], color=COLOURS["candidate"])
    ax.invert_yaxis()
    ax.set_xlabel("RMSE increase when the feature is shuffled (holdout)")
    ax.set_title("Permutation importance")
    _save(fig, path)


def _drift_plot(drift: list[FeatureDrift], limits: dict[str, Any], path: Path) -> None:
    """PSI per feature with the warn/alert lines; the seasonal features' share outside the
    reference range (what judges them) with its own lines."""
    colours = {"alert": "#d62728", "warn": "#ff7f0e", "ok": "#2ca02c", "calendar": "#aaaaaa"}
    ranged = [d for d in drift if d.judged_on == "range" and d.outside is not None]
    fig, axes = plt.subplots(
        1, 2 if ranged else 1, figsize=(10 if ranged else 7, 4), squeeze=False,
        width_ratios=[2, 1] if ranged else None,
    )  # fmt: skip
    ax = axes[0][0]
    bars = ax.barh(
        [d.feature for d in drift], [d.psi for d in drift], color=[colours[d.status] for d in drift]
    )
    for bar, d in zip(bars, drift, strict=True):
        if d.judged_on == "range":  # seasonal: PSI shown, but the range decides
            bar.set_hatch("//")
            bar.set_alpha(0.5)
    _threshold_lines(ax, limits["psi_warn"], limits["psi_alert"], "{:.2f}")
    ax.invert_yaxis()
    ax.set_xscale("symlog", linthresh=0.1)
    ax.set_xlabel("PSI (red/orange: alert/warn; hatched: judged on range; grey: calendar)")
    ax.set_title("Drift per feature: training window vs new data")
    if ranged:
        side = axes[0][1]
        side.barh(
            [d.feature for d in ranged],
            [d.outside for d in ranged],
            color=[colours[d.status] for d in ranged],
        )
        _threshold_lines(side, limits["outside_warn"], limits["outside_alert"], "{:.0%}")
        side.invert_yaxis()
        side.xaxis.set_major_formatter(PercentFormatter(1.0))
        side.set_xlabel("new values outside the range")
        side.set_title("Seasonal features")
    _save(fig, path)


def _threshold_lines(ax, warn: float, alert: float, label: str) -> None:
    ax.axvline(warn, color="#ff7f0e", linestyle="--", label="warn " + label.format(warn))
    ax.axvline(alert, color="#d62728", linestyle="--", label="alert " + label.format(alert))
    ax.legend(loc="lower right", fontsize=8)
