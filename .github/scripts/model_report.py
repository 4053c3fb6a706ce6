"""Compose the markdown a reviewer reads for this run (PR comment, run summary, PR body).

Usage: model_report.py GATE_JSON REPORTS_DIR OUT [--image-base URL]
The gate result of this run (written by `make train` / `make retrain`) comes first; the full
report of the same candidate (reports/<version>/report.md, from `make retrain`) follows when
it exists. Never an older report: stale numbers on a PR are worse than none.
The report links its plots relatively (`![…](metrics.png)`), which GitHub cannot show in a
PR body or comment: with --image-base (where `make wf-report-images` uploaded this run's
plots) the links become absolute.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

METRICS = ("rmse", "mae", "r2")


def _row(name: str, candidate: dict, champion: dict | None) -> str:
    new = candidate[name]
    if champion is None:
        return f"| {name.upper()} | {new:.3f} | – | – |"
    old = champion[name]
    return f"| {name.upper()} | {new:.3f} | {old:.3f} | {new - old:+.3f} |"


def _lineage(gate: dict) -> list[str]:
    """The registered artifact the record pins (on a pass) and the MLflow run, when known."""
    lines = []
    pinned = gate["candidate"].get("artifact")
    if pinned and "uri" in pinned:
        lines.append(f"Model artifact: `{pinned['uri']}` sha256 `{pinned['sha256']}`")
    if gate.get("mlflow_run"):
        lines.append(f"MLflow run: {gate['mlflow_run']}")
    return [*lines, ""] if lines else []


# A markdown image whose target is a bare file name: the report's own plots.
RELATIVE_IMAGE = re.compile(r"(!\[[^\]]*\]\()([\w.-]+\.png)\)")


def absolute_images(markdown: str, base: str) -> str:
    return RELATIVE_IMAGE.sub(lambda m: f"{m.group(1)}{base.rstrip('/')}/{m.group(2)})", markdown)


def compose(gate_file: Path, reports: Path, image_base: str = "") -> str:
    if not gate_file.is_file():
        return (
            "### Model gate: not run\n\n"
            "No candidate was trained in this run (nothing changed since the champion, "
            "or an earlier step failed: see the log).\n"
        )
    gate = json.loads(gate_file.read_text())
    candidate = gate["candidate"]
    verdict = gate["verdict"]
    champion = (gate.get("champion_metrics_on_holdout") or {}).get("overall")
    lines = [
        f"### Model gate: {'PASS' if verdict['passed'] else 'REJECT'}",
        "",
        f"Candidate `{candidate['version']}` vs champion `{gate.get('champion_version') or 'none'}`"
        " on the same holdout.",
        "",
        "| metric | candidate | champion | change |",
        "| --- | --- | --- | --- |",
        *(_row(m, candidate["metrics"]["overall"], champion) for m in METRICS),
        "",
        *(f"- {reason}" for reason in verdict["reasons"]),
        "",
        *_lineage(gate),
    ]
    report = reports / candidate["version"] / "report.md"
    if report.is_file():
        text = report.read_text()
        where = "plots in the run's artifact"
        if image_base:
            text, where = absolute_images(text, image_base), "with plots"
        lines += [f"<details><summary>Full report ({where})</summary>", "", text, "</details>", ""]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gate_file", type=Path)
    parser.add_argument("reports", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--image-base", default="", help="URL of this run's uploaded plots")
    args = parser.parse_args(argv)
    out = args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(compose(args.gate_file, args.reports, args.image_base))
    print(f"{out}: {out.read_text().splitlines()[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
