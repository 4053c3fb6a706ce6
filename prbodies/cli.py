"""`make pr-bodies` (python -m prbodies [OUT]): every body CI posts → OUT/<name>/ holding
body.md, index.html (as GitHub renders it), layout.json, fold.png (the first screen) and
page.png (the whole body, details open); then the checks of prbodies/checks.py. Exits 1 with
one sentence per problem."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from model import paths
from prbodies import bodies, checks, chromium
from prbodies.page import page

OUT = paths.BUILD / "pr-bodies"


def render(body: bodies.Body, out: Path) -> list[str]:
    folder = out / body.name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for asset in body.assets:
        shutil.copy(asset, folder / asset.name)
    (folder / "body.md").write_text(body.markdown)
    html_file = folder / "index.html"
    html_file.write_text(page(body.title, body.markdown))
    layout = chromium.layout(html_file)
    (folder / "layout.json").write_text(json.dumps(layout, indent=1) + "\n")
    chromium.screenshot(html_file, folder / "fold.png")
    # The whole body with every <details> open: what a reviewer sees after expanding it.
    opened = folder / "opened.html"
    opened.write_text(page(body.title, body.markdown.replace("<details>", "<details open>")))
    chromium.screenshot(opened, folder / "page.png", height=chromium.layout(opened)["height"])
    return checks.all_problems(body.name, html_file, layout, body.fold)


def every_body(out: Path) -> list[bodies.Body]:
    scratch = out / "scratch"
    return [
        bodies.model_pass(),
        bodies.model_reject(scratch / "reject"),
        bodies.model_drift(scratch / "drift"),
        bodies.data_body(scratch / "data"),
        *bodies.gitops_bodies(scratch / "gitops"),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, nargs="?", default=OUT)
    args = parser.parse_args(argv)
    args.out = args.out.resolve()  # scratch stores (MLflow's SQLite) need absolute paths
    try:
        chromium.binary()
    except chromium.ChromiumMissing as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    problems = []
    for body in every_body(args.out):
        found = render(body, args.out)
        problems += found
        print(f"{args.out / body.name}: fold.png, page.png" + (" (problems)" if found else ""))
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    return 1 if problems else 0
