"""The retrain report a reviewer reads: reports/<candidate version>/report.md and its plots."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.ticker import PercentFormatter

from model import behaviour, names, review
from model.drift import FeatureDrift, load_settings
from model.review import Facts  # the report's input, defined beside the checks it feeds

# No "Software" entry: the same numbers give byte-identical PNGs across runs.
PNG_METADATA = {"Software": None}
COLOURS = {"candidate": "#1f77b4", "champion": "#aaaaaa"}
LIMIT_COLOUR = "#d62728"
# Where the summary a PR shows ends and the collapsed evidence begins (.github/scripts).
DETAILS = "<!-- details -->"


def write(out: Path, facts: Facts) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob("*.png"):  # a plot this run does not draw must not linger
        stale.unlink()
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
    """The one-screen summary (verdict, window, every check), DETAILS, then the evidence."""
    return "\n".join([*summary_lines(facts), DETAILS, "", *detail_lines(facts)]) + "\n"


def summary_lines(facts: Facts) -> list[str]:
    cand, champ = facts.candidate, facts.champion
    return [
        f"# Model report: candidate {cand['version']} vs champion {champ['version']}",
        "",
        _verdict_line(facts),
        "",
        _window_sentence(facts),
        "",
        *review.table(review.rows(facts)),
        "",
    ]


def _verdict_line(facts: Facts) -> str:
    new, old = facts.candidate["version"], facts.champion["version"]
    failed = [r for r in facts.verdict.reasons] if not facts.verdict.passed else []
    if facts.verdict.passed:
        return f"**✓ PASS**: `{new}` replaces champion `{old}`; every check below holds."
    return (
        f"**✗ REJECTED**: champion `{old}` stays; {len(failed)} check"
        f"{'s' if len(failed) != 1 else ''} failed (✗ below)."
    )


def _window_sentence(facts: Facts) -> str:
    cand, champ = facts.candidate, facts.champion
    holdout = cand["trained_on"]["holdout"]
    text = (
        f"Trained on {_periods(cand)} (champion: {_periods(champ)}); both scored on "
        f"{holdout}, held out ({cand['metrics']['overall']['rows']:,} hours)."
    )
    if facts.drift:
        text += " " + _drift_window(facts)
    return text


def _drift_window(facts: Facts) -> str:
    """Which months drift compares, and which months are in neither side."""
    reference = list(facts.champion["trained_on"]["periods"])
    new = sorted(Path(n).stem for n in facts.changes.touched)
    known = {*facts.candidate["trained_on"]["periods"], facts.candidate["trained_on"]["holdout"]}
    neither = sorted(known - set(reference) - set(new))
    text = f"Drift: the champion's training months {_span(reference)} vs {_span(new)}"
    if neither:
        why = (
            " (the champion's holdout)"
            if neither == [facts.champion["trained_on"]["holdout"]]
            else ""
        )
        verb = "is" if len(neither) == 1 else "are"
        text += f"; {_span(neither)}{why} {verb} in neither side"
    return text + "."


def _span(periods: list[str]) -> str:
    if not periods:
        return "no month"
    return f"{periods[0]} … {periods[-1]}" if len(periods) > 1 else periods[0]


def detail_lines(facts: Facts) -> list[str]:
    cand = facts.candidate
    return [
        "## Data and lineage",
        "",
        f"- Data: {facts.changes.summary()}; fingerprint `{cand['data']['fingerprint'][:16]}`.",
        *[f"- **Suspicious**: {s}: data should only grow." for s in facts.changes.suspicious],
        f"- Code commit `{cand['code_commit'][:12]}`, scikit-learn "
        f"{cand['libraries']['scikit-learn']}, params in `config/params.yaml`.",
        "",
        "![Overall error and R² vs champion](metrics.png)",
        "",
        "## Error by slice",
        "",
        f"RMSE per slice (rentals per hour); the gate rejects a slice of at least "
        f"{cand['params']['gate']['min_slice_rows']} hours more than {facts.tolerance:.0%} "
        "worse than the champion. The same groups carry the fairness ratios below.",
        "",
        "| slice | hours | candidate | champion | change |",
        "|---|---:|---:|---:|---:|",
        *_slice_rows(facts),
        "",
        "![RMSE change per slice against the gate's limit](slices.png)",
        "",
        *_fairness_section(facts),
        *_behaviour_section(facts),
        "## What the model relies on",
        "",
        "Permutation importance on the holdout: RMSE increase when one feature is shuffled "
        f"({facts.importance_repeats} repeats). It measures what the model uses on unseen "
        "rows; gradient boosting's split counts would also credit features that only fit noise.",
        "",
        "| feature | RMSE increase | ± |",
        "|---|---:|---:|",
        *[
            f"| {names.feature(r.feature)} | {r.mean:.2f} | {r.std:.2f} |"
            for r in facts.importance.itertuples(index=False)
        ],
        "",
        "![Permutation importance per feature](importance.png)",
        "",
        *_drift_section(facts),
    ]


def _periods(record: dict[str, Any]) -> str:
    return _span(list(record["trained_on"]["periods"]))


def _hour_bands(facts: Facts) -> dict[str, list[int]]:
    return facts.candidate["params"]["evaluation"]["hour_bands"]


def _slice_rows(facts: Facts) -> list[str]:
    rows = []
    old_slices = facts.champion_metrics["slices"]
    bands = _hour_bands(facts)
    for name, new in sorted(facts.candidate["metrics"]["slices"].items()):
        label = names.slice_name(name, bands)
        old = old_slices.get(name)
        if old is None:
            rows.append(f"| {label} | {new['rows']:,} | {new['rmse']:.2f} | – | new slice |")
            continue
        flag = " ✗" if new["rmse"] > old["rmse"] * (1 + facts.tolerance) else ""
        rows.append(
            f"| {label} | {new['rows']:,} | {new['rmse']:.2f} | {old['rmse']:.2f} | "
            f"{review.change(new['rmse'], old['rmse'])}{flag} |"
        )
    return rows


def _fairness_section(facts: Facts) -> list[str]:
    """How disparity is measured; the figures are in the checks table and Error by slice."""
    if not facts.candidate.get("fairness"):  # a record from before the fairness gate
        return []
    gate = facts.candidate["params"]["gate"]
    rules = gate["fairness"]
    lines = [
        "## Fairness across groups",
        "",
        "Groups are conditions of the hour, not people (the data has no personal attribute: "
        "`data/DATASHEET.md`). Disparity is the largest group RMSE over the smallest, among "
        f"groups of at least {gate['min_slice_rows']} hours (fairlearn's MetricFrame on the "
        "holdout; the groups' RMSE is in Error by slice). The gate rejects a ratio over its "
        f"ceiling, or more than {rules['max_ratio_increase']:.0%} above the champion's on the "
        "same rows (`config/params.yaml`, `gate.fairness`).",
        "",
        "| group feature | worst group | best group |",
        "|---|---|---|",
    ]
    bands = _hour_bands(facts)
    for feature, new in facts.candidate["fairness"].items():
        if new["worst"] is None:
            lines.append(f"| {names.feature(feature)} | too few hours to judge | |")
            continue
        worst, best = (names.group(feature, new[k], bands) for k in ("worst", "best"))
        lines.append(f"| {names.feature(feature)} | {worst} | {best} |")
    return [*lines, ""]


def _behaviour_section(facts: Facts) -> list[str]:
    if not facts.candidate.get("behaviour"):
        return []
    return [
        "## Behavioural tests",
        "",
        "On the held-out month's own hours, one thing changed at a time (`model/behaviour.py`; "
        "figures in the checks above, any failure rejects the candidate):",
        "",
        *[
            f"- **{r.name}**: {text}."
            for r, text in zip(
                behaviour.from_json(facts.candidate["behaviour"]),
                behaviour.DESCRIPTIONS,
                strict=True,
            )
        ],
        "",
    ]


def _drift_section(facts: Facts) -> list[str]:
    title = "## Drift: champion's training months vs new data"
    if not facts.drift:
        return [title, "", "No new or changed data file: params or code changed, not the data."]
    judged = [d for d in facts.drift if d.status != "calendar"]
    calendar = [names.feature(d.feature) for d in facts.drift if d.status == "calendar"]
    return [
        title,
        "",
        _drift_window(facts),
        f"Calendar features ({', '.join(calendar)}) shift with every new month by design: "
        "never alerted, left out below. Temperature and humidity follow the season, so they "
        "are judged on new values outside the training months' range rather than on PSI. "
        "Drift informs the reviewer; it does not reject a candidate.",
        "",
        "| feature | judged on | value | warn at | alert at | status |",
        "|---|---|---:|---:|---:|---|",
        *[_drift_row(d, facts.drift_limits or load_settings()) for d in judged],
        "",
        "![Drift per feature as judged](drift.png)",
    ]


def _drift_row(d: FeatureDrift, limits: dict[str, Any]) -> str:
    value, warn, alert, basis = review.drift_judged(d, limits)
    status = {"alert": "**alert**", "warn": "warn"}.get(d.status, "ok")
    return f"| {names.feature(d.feature)} | {basis} | {value} | {warn} | {alert} | {status} |"


def _opt(value: float | None, spec: str) -> str:
    return "" if value is None else format(value, spec)


def _save(fig, path: Path) -> None:
    fig.tight_layout()
    fig.savefig(path, dpi=100, metadata=PNG_METADATA)
    plt.close(fig)


# Read at GitHub's width (a body column ~880 px): 10-11 pt text at 100 dpi.
plt.rcParams.update({"font.size": 11, "legend.fontsize": 10, "axes.titlesize": 12})


def _bars(ax, labels: list[str], new: list[float], old: list[float]) -> None:
    positions = range(len(labels))
    width = 0.38
    for offset, values, who in ((-width / 2, new, "candidate"), (width / 2, old, "champion")):
        bars = ax.bar([p + offset for p in positions], values, width, label=who, color=COLOURS[who])
        ax.bar_label(bars, fmt="%.3g", padding=2, fontsize=10)
    ax.set_xticks(list(positions), labels)
    ax.margins(y=0.18)


def _metrics_plot(facts: Facts, path: Path) -> None:
    cand, champ = facts.candidate["metrics"]["overall"], facts.champion_metrics["overall"]
    fig, (errors, r2) = plt.subplots(1, 2, figsize=(8, 3.6), width_ratios=[2, 1])
    _bars(errors, ["RMSE", "MAE"], [cand["rmse"], cand["mae"]], [champ["rmse"], champ["mae"]])
    errors.set_ylabel("rentals per hour (lower is better)")
    errors.legend(loc="upper right")
    _bars(r2, ["R²"], [cand["r2"]], [champ["r2"]])
    r2.set_ylim(0, 1.15)
    r2.set_ylabel("R² (higher is better)")
    fig.suptitle(
        f"Held-out month {facts.candidate['trained_on']['holdout']}: candidate vs champion"
    )
    _save(fig, path)


def _slices_plot(facts: Facts, path: Path) -> None:
    """Each slice's RMSE change against the champion, with the gate's limit as one red line."""
    bands = _hour_bands(facts)
    old_all = facts.champion_metrics["slices"]
    items = [
        (names.slice_name(n, bands), s["rmse"], old_all[n]["rmse"])
        for n, s in sorted(facts.candidate["metrics"]["slices"].items())
        if old_all.get(n, {}).get("rmse")
    ]
    changes = [new / old - 1 for _, new, old in items]
    limit = facts.tolerance
    fig, ax = plt.subplots(figsize=(8, 0.42 * len(items) + 1.4))
    colours = [LIMIT_COLOUR if c > limit else COLOURS["candidate"] for c in changes]
    ax.barh([label for label, _, _ in items], changes, color=colours)
    for position, (change, (_, new, old)) in enumerate(zip(changes, items, strict=True)):
        # Right of zero whichever way the bar goes: never over the slice names.
        ax.text(max(change, 0) + 0.01, position, f"{change:+.1%}  ({new:.1f} vs {old:.1f})",
                va="center", fontsize=9)  # fmt: skip
    ax.axvline(0, color="#333333", linewidth=0.8)
    ax.axvline(limit, color=LIMIT_COLOUR, linestyle="--", label=f"gate limit +{limit:.0%}")
    low, high = min([*changes, 0.0]), max([*changes, limit])
    ax.set_xlim(low - 0.05, high + 0.35)  # room for the labels right of the bars
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.invert_yaxis()
    ax.legend(loc="lower right")
    ax.set_xlabel("RMSE change vs champion (right of the red line: rejected)")
    ax.set_title("Error by slice: candidate vs champion (RMSE in brackets)")
    _save(fig, path)


def _importance_plot(table: pd.DataFrame, path: Path) -> None:
    fig, ax = plt.subplots(figsize=(8, 4))
    labels = [names.feature(f) for f in table["feature"]]
    ax.barh(labels, table["mean"], xerr=table["std"], color=COLOURS["candidate"])
    ax.invert_yaxis()
    ax.set_xlabel("RMSE increase when the feature is shuffled (rentals per hour)")
    ax.set_title("What the model relies on (permutation importance, held-out month)")
    _save(fig, path)


def _drift_plot(drift: list[FeatureDrift], limits: dict[str, Any], path: Path) -> None:
    """Each judged feature on what judges it, alerts first: PSI on one linear panel, the share
    of values outside the training range on another, each with its warn and alert lines.
    Calendar features are left out (never alerted); the colour is the status, so no bar past
    the alert line can be anything but red."""
    colours = {"alert": LIMIT_COLOUR, "warn": "#ff7f0e", "ok": COLOURS["champion"]}
    panels = [
        ("psi", "PSI (population stability index)", "psi_warn", "psi_alert", "{:.2f}", None),
        ("range", "new values outside the training range", "outside_warn", "outside_alert",
         "{:.0%}", PercentFormatter(1.0, decimals=0)),
    ]  # fmt: skip
    judged = [d for d in drift if d.status != "calendar"]
    used = [p for p in panels if any(d.judged_on == p[0] for d in judged)]
    order = {"alert": 0, "warn": 1, "ok": 2}  # the panel holding the worst status first
    used.sort(key=lambda p: min(order[d.status] for d in judged if d.judged_on == p[0]))
    fig, axes = plt.subplots(
        len(used), 1, figsize=(8, 1.3 + 0.5 * len(judged) + 0.5 * len(used)), squeeze=False,
        height_ratios=[sum(d.judged_on == p[0] for d in judged) + 1 for p in used],
    )  # fmt: skip
    for ax, (basis, label, warn_key, alert_key, fmt, formatter) in zip(
        axes[:, 0], used, strict=True
    ):
        rows = sorted(
            (d for d in judged if d.judged_on == basis),
            key=lambda d: (order[d.status], -(d.psi if basis == "psi" else d.outside or 0)),
        )
        values = [d.psi if basis == "psi" else (d.outside or 0.0) for d in rows]
        warn, alert = limits[warn_key], limits[alert_key]
        bars = ax.barh(
            [names.feature(d.feature) for d in rows],
            values,
            color=[colours[d.status] for d in rows],
        )
        ax.bar_label(
            bars, labels=[f"{fmt.format(v)} {d.status}" for v, d in zip(values, rows, strict=True)],
            padding=3, fontsize=10,
        )  # fmt: skip
        ax.axvline(warn, color="#ff7f0e", linestyle=":", label=f"warn {fmt.format(warn)}")
        ax.axvline(alert, color=LIMIT_COLOUR, linestyle="--", label=f"alert {fmt.format(alert)}")
        ax.set_xlim(0, max([*values, alert]) * 1.3)
        if formatter:
            ax.xaxis.set_major_formatter(formatter)
        ax.invert_yaxis()
        ax.set_xlabel(label)
        ax.legend(loc="lower right")
    axes[0][0].set_title(
        "Drift as judged: training months vs new data (calendar features left out)"
    )
    _save(fig, path)
