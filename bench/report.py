"""Turn a benchmark result into a markdown table, a plot and the latest table in docs/benchmarks.md.

Every figure is given with its ratio to the strong baseline (bench/strong_app.py).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from bench import paired

# The latest table lives in docs/benchmarks.md, beside how to read it.
README = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
BEGIN, END = "<!-- serving-table:begin -->", "<!-- serving-table:end -->"
ORDER = ("project", "strong", "naive", "floor")
METRICS = (  # key, label, format
    ("rps", "req/s", "{:,.0f}"),
    ("p50", "p50 ms", "{:.1f}"),
    ("p99", "p99 ms", "{:.1f}"),
    ("cpu_ms_per_request", "server CPU ms/req", "{:.2f}"),
)


def ratio(value: float, strong: float) -> float:
    return value / strong if strong else float("nan")


def cell(value: float, strong: float, fmt: str) -> str:
    return f"{fmt.format(value)} ({ratio(value, strong):.2f}x)"


def table(results: dict) -> str:
    sides = {n: results["sides"][n] for n in ORDER if n in results["sides"]}
    strong = sides["strong"]
    load = [r["load1"] for s in sides.values() for r in s["runs"].values()]
    lines = [
        f"Model `{results['model_version']}`; the service {results['workers']} workers, "
        f"strong and floor a worker per core, naive {results['workers']} workers; "
        f"{results['cpus']} CPUs; load average before/after "
        f"{results['load_before'][0]:.2f}/{results['load_after'][0]:.2f}, during the runs "
        f"{min(load, default=0):.1f}-{max(load, default=0):.1f}"
        + (" (quick run)" if results.get("quick") else "")
        + ". Each cell: figure (ratio to strong).",
        "",
        "| scenario | figure | " + " | ".join(sides) + " |",
        "|---|---|" + "---:|" * len(sides),
    ]
    for scenario, base in strong["runs"].items():
        for key, label, fmt in METRICS:
            cells = [cell(s["runs"][scenario][key], base[key], fmt) for s in sides.values()]
            lines.append(f"| {scenario} | {label} | " + " | ".join(cells) + " |")
    tree = (("peak_rss_mib", "peak RSS MiB", "{:.0f}"), ("ready_s", "ready s", "{:.1f}"))
    for key, label, fmt in tree:
        cells = [cell(s[key], strong[key], fmt) for s in sides.values()]
        lines.append(f"| process tree | {label} | " + " | ".join(cells) + " |")
    errors = {
        f"{n} {sc}": r["errors"]
        for n, s in sides.items()
        for sc, r in s["runs"].items()
        if r["errors"]
    }
    lines += ["", f"Errors (non-200 or transport): {errors or 'none'}."]
    c = results["ceiling"]
    lines += [
        f"In-process on 10k rows, 1 thread: pipeline.predict {c['rows_per_s']:,.0f} rows/s, "
        f"the project's predictor {c.get('predictor_rows_per_s', float('nan')):,.0f} rows/s.",
        "",
        "Stall check (each side's single-row p50 at c=1 against its in-process predict time):",
        *[f"- {line}" for line in results.get("stall_checks", [])],
        "",
        *([*paired.table(results["paired"]), ""] if results.get("paired") else []),
        *targets(results),
    ]
    if "soak" in results:
        s = results["soak"]
        lines += [
            "",
            f"Soak (project): {s['seconds']} s at {s['target_rps']} req/s (single rows): "
            f"{s['ok']} ok, {s['errors']} errors, p99 {s['p99']:.1f} ms, RSS "
            f"{s['rss_after_10s_mib']:.0f} MiB after 10 s -> {s['rss_at_end_mib']:.0f} MiB "
            f"at the end ({100 * s['rss_growth']:+.1f}%).",
        ]
    return "\n".join(lines) + "\n"


def targets(results: dict) -> list[str]:
    """The serving targets, each with the figure measured and whether it was met."""
    sides = results["sides"]
    if "project" not in sides:
        return []
    p, s = sides["project"], sides["strong"]

    def line(ok: bool, text: str) -> str:
        return f"- {'met' if ok else 'NOT met'}: {text}"

    pairs = results.get("paired") or {}

    def judged(name: str, key: str) -> tuple[float, str]:
        """The paired median when there is one, else the single run's ratio."""
        if name in pairs:
            return pairs[name][key]["median"], f"median of {pairs[name][key]['n']} pairs"
        return ratio(p["runs"][name][key], s["runs"][name][key]), "one run"

    out = ["Targets (project / strong baseline):"]
    for name in ("1 row, c=8", "1 row, c=32"):
        if name not in p["runs"]:
            continue
        (rps, how), (p99, _) = judged(name, "rps"), judged(name, "p99")
        out.append(line(rps >= 1, f"{name}: req/s {rps:.2f}x (>= 1.0x, {how})"))
        out.append(line(p99 <= 1, f"{name}: p99 {p99:.2f}x (<= 1.0x, {how})"))
    if "peak_rss_mib" in p:
        rss = ratio(p["peak_rss_mib"], s["peak_rss_mib"])
        out.append(line(rss <= 1.2, f"peak RSS {rss:.2f}x (<= 1.2x)"))
    if "10k rows, c=2" in p["runs"]:
        big, how = judged("10k rows, c=2", "rps")
        out.append(line(big >= 1.0, f"10k-row batches {big:.2f}x (>= 1.0x, {how})"))
    if "floor" in sides:
        for name in ("1 row, c=8", "1 row, c=32"):
            if name in p["runs"]:
                f = ratio(p["runs"][name]["rps"], sides["floor"]["runs"][name]["rps"])
                out.append(line(f >= 0.8, f"{name}: req/s {f:.2f}x the floor (aim >= 0.8x)"))
    return out


def plot(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colors = {"project": "#1f77b4", "strong": "#555555", "naive": "#bbbbbb", "floor": "#2ca02c"}
    sides = [n for n in ORDER if n in results["sides"]]
    names = list(results["sides"]["strong"]["runs"])
    x = range(len(names))
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 7), sharex=True)
    width = 0.8 / len(sides)
    for k, side in enumerate(sides):
        runs, at = results["sides"][side]["runs"], [i - 0.4 + width * (k + 0.5) for i in x]
        top.bar(at, [runs[n]["rows_per_s"] for n in names], width, label=side, color=colors[side])
        bottom.bar(at, [runs[n]["p99"] for n in names], width, color=colors[side])
    top.set_yscale("log")
    top.set_ylabel("rows/s (log)")
    top.legend(loc="upper left", ncol=4, fontsize=8)
    bottom.set_yscale("log")
    bottom.set_ylabel("p99 latency, ms (log)")
    bottom.set_xticks(list(x), names)
    fig.suptitle("bikeshare serving: the service beside three baselines (one run)")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def write(results: dict, out_dir: Path, text: str) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "serving.json").write_text(json.dumps(results, indent=2) + "\n")
    (out_dir / "serving.md").write_text("# Serving benchmark (latest run)\n\n" + text)
    plot(results, out_dir / "serving.png")
    if README.exists() and BEGIN in README.read_text():
        block = f"{BEGIN}\n{text}{END}"
        README.write_text(
            re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), block, README.read_text(), flags=re.S)
        )
