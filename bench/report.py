"""Turn a benchmark result into a markdown table, a plot and the README's latest table."""

from __future__ import annotations

import json
import re
from math import nan
from pathlib import Path

# The latest table lives in the top-level README, where users look first.
README = Path(__file__).resolve().parents[1] / "README.md"
BEGIN, END = "<!-- serving-table:begin -->", "<!-- serving-table:end -->"


def _ratio(project: float, baseline: float) -> str:
    return f"{project / baseline:.2f}x" if baseline else "n/a"


def table(results: dict) -> str:
    p, b = results["project"], results["baseline"]
    lines = [
        f"Model `{results['model_version']}`, {results['workers']} worker(s) each, "
        f"{results['cpus']} CPUs, load average before/after "
        f"{results['load_before'][0]:.2f}/{results['load_after'][0]:.2f}"
        + (" (quick run)" if results.get("quick") else ""),
        "",
        "| scenario | req/s project | req/s baseline | ratio | rows/s project | "
        "p50 ms P/B | p95 ms P/B | p99 ms P/B | p99 ratio | errors P/B | "
        "server CPU ms/req P/B | ratio vs 1-thread baseline |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    t = results.get("baseline_1thread", {}).get("runs", {})
    for name, pr in p["runs"].items():
        br = b["runs"][name]
        lines.append(
            f"| {name} | {pr['rps']:,.0f} | {br['rps']:,.0f} | {_ratio(pr['rps'], br['rps'])} | "
            f"{pr['rows_per_s']:,.0f} | {pr['p50']:.1f} / {br['p50']:.1f} | "
            f"{pr['p95']:.1f} / {br['p95']:.1f} | {pr['p99']:.1f} / {br['p99']:.1f} | "
            f"{_ratio(pr['p99'], br['p99'])} | {pr['errors']} / {br['errors']} | "
            f"{pr.get('cpu_ms_per_request', nan):.1f} / {br.get('cpu_ms_per_request', nan):.1f} | "
            + (
                f"{_ratio(pr['rps'], t[name]['rps'])} req/s, "
                f"{_ratio(pr['p99'], t[name]['p99'])} p99 |"
                if name in t
                else "n/a |"
            )
        )
    lines += [
        "",
        "| process tree | project | baseline | ratio |",
        "|---|---:|---:|---:|",
        f"| peak RSS (MiB) | {p['peak_rss_mib']:.0f} | {b['peak_rss_mib']:.0f} | "
        f"{_ratio(p['peak_rss_mib'], b['peak_rss_mib'])} |",
        f"| time to ready (s) | {p['ready_s']:.1f} | {b['ready_s']:.1f} | "
        f"{_ratio(p['ready_s'], b['ready_s'])} |",
        "",
        f"Ceiling: in-process `pipeline.predict` on 10k rows, 1 thread: "
        f"{results['ceiling']['rows_per_s']:,.0f} rows/s.",
    ]
    lines += ["", *targets(results)]
    if "soak" in p:
        s = p["soak"]
        lines.append("")
        lines.append(
            f"Soak: {s['seconds']} s at {s['target_rps']} req/s (single rows): "
            f"{s['ok']} ok, {s['errors']} errors, p99 {s['p99']:.1f} ms, RSS "
            f"{s['rss_after_10s_mib']:.0f} MiB after 10 s -> {s['rss_at_end_mib']:.0f} MiB "
            f"at the end ({100 * s['rss_growth']:+.1f}%)."
        )
    return "\n".join(lines) + "\n"


def targets(results: dict) -> list[str]:
    """The issue's targets, each with the figure measured and whether it was met."""
    p, b = results["project"], results["baseline"]
    pr, br = p["runs"], b["runs"]

    def line(ok: bool, text: str) -> str:
        return f"- {'met' if ok else 'NOT met'}: {text}"

    out = ["Targets (project/baseline):"]
    for name in ("1 row, c=8", "1 row, c=32"):
        rps, p99 = pr[name]["rps"] / br[name]["rps"], pr[name]["p99"] / br[name]["p99"]
        out.append(
            line(
                rps >= 1 and p99 <= 1,
                f"{name}: req/s {rps:.2f}x (>= 1.0x), p99 {p99:.2f}x (<= 1.0x)",
            )
        )
    rss = p["peak_rss_mib"] / b["peak_rss_mib"]
    out.append(line(rss <= 1.2, f"peak RSS {rss:.2f}x (<= 1.2x)"))
    big = pr["10k rows, c=2"]["rows_per_s"]
    out.append(line(big >= 200_000, f"10k-row batches {big:,.0f} rows/s (>= 200,000)"))
    out.append(line(p["ready_s"] <= 5, f"ready in {p['ready_s']:.1f} s (<= 5 s)"))
    return out


def plot(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(results["project"]["runs"])
    x = range(len(names))
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 7), sharex=True)
    sides = [
        (s, c)
        for s, c in (
            ("baseline", "#999999"),
            ("baseline_1thread", "#cccccc"),
            ("project", "#1f77b4"),
        )
        if s in results
    ]
    width = 0.8 / len(sides)
    for k, (side, color) in enumerate(sides):
        runs, at = results[side]["runs"], [i - 0.4 + width * (k + 0.5) for i in x]
        top.bar(at, [runs[n]["rows_per_s"] for n in names], width, label=side, color=color)
        bottom.bar(at, [runs[n]["p99"] for n in names], width, color=color)
    top.axhline(results["ceiling"]["rows_per_s"], color="k", ls="--", lw=1)
    top.text(2.5, results["ceiling"]["rows_per_s"] * 1.15, "in-process ceiling (1 thread)")
    top.set_yscale("log")
    top.set_ylim(top=results["ceiling"]["rows_per_s"] * 20)
    top.set_ylabel("rows/s (log)")
    top.legend(loc="upper left", ncol=3, fontsize=8)
    bottom.set_yscale("log")
    bottom.set_ylabel("p99 latency, ms (log)")
    bottom.set_xticks(list(x), names)
    fig.suptitle(
        f"bikeshare serving: project vs FastAPI baseline, {results['workers']} workers each"
    )
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def write(results: dict, out_dir: Path) -> str:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "serving.json").write_text(json.dumps(results, indent=2) + "\n")
    text = table(results)
    (out_dir / "serving.md").write_text("# Serving benchmark (latest run)\n\n" + text)
    plot(results, out_dir / "serving.png")
    if README.exists() and BEGIN in README.read_text():
        block = f"{BEGIN}\n{text}{END}"
        README.write_text(
            re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), block, README.read_text(), flags=re.S)
        )
    return text
