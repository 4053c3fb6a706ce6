"""Compose the markdown a reviewer reads for this run (model PR body, PR comment, run summary).

Usage: model_report.py GATE_JSON REPORTS_DIR OUT [--image-base URL] [--platform YAML]
                       [--title-out FILE] [--prune-reports] [--note FILE]
One screen first: the verdict and every check it rests on (the top of
reports/<version>/report.md, written by `make retrain`), a note under them (--note: why a
drift dispatch retrains), what the PR changes and where the MLflow run lives; the rest of the
same report collapsed below. Never an older report: stale
numbers on a PR are worse than none. The report links its plots relatively, which GitHub
cannot show in a PR body or comment: with --image-base (where `make wf-report-images`
uploaded this run's plots) the links become absolute. Standard library only: the PR job has
no virtualenv.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

DETAILS = "<!-- details -->"  # model/report.py: where the summary ends
# A markdown image whose target is a bare file name: the report's own plots.
RELATIVE_IMAGE = re.compile(r"(!\[[^\]]*\]\()([\w.-]+\.png)\)")
PLATFORM = Path("config/platform.yaml")


def absolute_images(markdown: str, base: str) -> str:
    return RELATIVE_IMAGE.sub(lambda m: f"{m.group(1)}{base.rstrip('/')}/{m.group(2)})", markdown)


def named_images(markdown: str) -> str:
    """Without an upload, a plot is named, not linked: GitHub would show a broken image."""
    return RELATIVE_IMAGE.sub(lambda m: f"_(plot `{m.group(2)}`: in the run's artifact)_", markdown)


def mlflow_server(platform: Path) -> str:
    """The environment's MLflow server (`mlflow_url:` in config/platform.yaml), or ""."""
    if not platform.is_file():
        return ""
    found = re.search(r"^mlflow_url:\s*[\"']?([^\"'\s#]+)", platform.read_text(), re.MULTILINE)
    return found.group(1) if found else ""


def where_the_run_lives(gate: dict, server: str) -> str:
    url = gate.get("mlflow_run") or ""
    run_id = url.rstrip("/").rsplit("/", 1)[-1] if url else ""
    if not run_id:
        return "No MLflow run was recorded for this candidate."
    if server and url.startswith(server.rstrip("/")):
        return f"MLflow: [run `{run_id[:12]}`]({url}) on {server}."
    return (
        f"MLflow run `{run_id[:12]}` lives in the workflow's own store, gone with its runner "
        "(no `mlflow_url` in `config/platform.yaml`); the gate result and this report are in "
        "the run's `retrain-report` artifact."
    )


def artifact_line(gate: dict, server: str) -> list[str]:
    pinned = gate["candidate"].get("artifact") or {}
    if "sha256" not in pinned:
        return []
    if server and "version" in pinned:
        return [
            f"Model artifact: `{pinned['name']}` version {pinned['version']} on the MLflow "
            f"server, sha256 `{pinned['sha256']}`."
        ]
    return [f"Model artifact: sha256 `{pinned['sha256']}`, pinned in `config/champion.json`."]


def prune_reports(gate_file: Path, reports: Path) -> list[Path]:
    """After a pass, reports/ keeps the new champion's report only (the retrain job's artifact
    brings the new folder back; the checkout still has the former champion's)."""
    if not gate_file.is_file() or not reports.is_dir():
        return []
    gate = json.loads(gate_file.read_text())
    if not gate["verdict"]["passed"]:
        return []
    keep = gate["candidate"]["version"]
    stale = [p for p in sorted(reports.iterdir()) if p.is_dir() and p.name != keep]
    for folder in stale:
        shutil.rmtree(folder)
    return stale


def changed_files(root: Path) -> list[str]:
    """What this working copy changes under config/ and reports/ (what the PR commits);
    a report's files are one entry, its folder."""
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=all", "--",
             "config", "reports"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return []
    entries: dict[str, str] = {}
    for line in out.splitlines():
        status, path = line[:2].strip(), line[3:].strip().strip('"')
        parts = path.split("/")
        if parts[0] == "reports" and len(parts) > 2:
            path = "/".join(parts[:2]) + "/"
        verb = "removed" if status == "D" else "added" if status in ("??", "A") else "changed"
        entries.setdefault(path, verb)
    return [f"`{path}` ({verb})" for path, verb in sorted(entries.items())]


def _heading(gate: dict, summary: str = "") -> str:
    """The verdict in words, plain text (code spans wrap badly in a heading). The failures
    counted are the summary's ✗ rows when there is one (what the reviewer sees below)."""
    version, champion = gate["candidate"]["version"], gate.get("champion_version")
    if gate["verdict"]["passed"]:
        instead = f" replaces {champion}" if champion else " becomes the first champion"
        return f"## ✓ PASS: {version}{instead}"
    failed = summary.count("| ✗ |") or len(gate["verdict"]["reasons"])
    stays = f"{champion} stays" if champion else "no champion yet"
    return f"## ✗ REJECTED: {version}; {stays} ({failed} check{'s' * (failed != 1)} failed)"


def compose(
    gate_file: Path,
    reports: Path,
    image_base: str = "",
    platform: Path = PLATFORM,
    changes: list[str] | None = None,
    note: str = "",
) -> str:
    if not gate_file.is_file():
        return (
            "### Model gate: not run\n\n"
            "No candidate was trained in this run (nothing changed since the champion, "
            "or an earlier step failed: see the log).\n"
        )
    gate = json.loads(gate_file.read_text())
    candidate, verdict = gate["candidate"], gate["verdict"]
    report = reports / candidate["version"] / "report.md"
    text = report.read_text() if report.is_file() else ""
    text = absolute_images(text, image_base) if image_base else named_images(text)
    summary, _, details = text.partition(DETAILS)
    lines = [_heading(gate, summary), ""]
    if summary.strip():
        # Its title and verdict line say what the heading above already says.
        lines += [
            line
            for line in summary.strip().splitlines()
            if not line.startswith(("# ", "**✓", "**✗"))
        ][1:]  # the blank line after them
    else:  # a first model (no champion to report against) or an older run
        lines += [f"- {reason}" for reason in verdict["reasons"]]
    if note.strip():  # under the checks: the verdict and its table stay the first screen
        lines += ["", note.strip()]
    server = mlflow_server(platform)
    lines += ["", *artifact_line(gate, server), where_the_run_lives(gate, server)]
    if verdict["passed"] and changes:
        lines += ["", "Files this PR changes: " + ", ".join(changes) + "."]
    if details.strip():
        where = "with plots" if image_base else "plots in the run's artifact"
        lines += [
            "",
            f"<details><summary>Full report: data, slices, fairness, behaviour, importance, "
            f"drift ({where})</summary>",
            "",
            details.strip(),
            "",
            "</details>",
        ]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gate_file", type=Path)
    parser.add_argument("reports", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--image-base", default="", help="URL of this run's uploaded plots")
    parser.add_argument("--platform", type=Path, default=PLATFORM)
    parser.add_argument("--title-out", type=Path, help="write the PR title here")
    parser.add_argument(
        "--prune-reports", action="store_true", help="after a pass, remove former reports"
    )
    parser.add_argument("--note", type=Path, help="markdown to put under the checks")
    args = parser.parse_args(argv)
    out = args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    if args.prune_reports:
        for folder in prune_reports(args.gate_file, args.reports):
            print(f"removed {folder}: the former champion's report")
    changes = changed_files(args.reports.resolve().parent)
    note = args.note.read_text() if args.note else ""
    out.write_text(
        compose(args.gate_file, args.reports, args.image_base, args.platform, changes, note)
    )
    if args.title_out and args.gate_file.is_file():
        version = json.loads(args.gate_file.read_text())["candidate"]["version"]
        args.title_out.write_text(f"model {version}\n")
    print(f"{out}: {out.read_text().splitlines()[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
