"""What a rendered body must give a reviewer, judged on the page Chromium laid out
(prbodies/chromium.py). Each problem is one sentence; none means the page reads."""

from __future__ import annotations

import re
from pathlib import Path

from prbodies.chromium import FOLD

VERDICT = re.compile(r"PASS|REJECT|Promote|Roll back|Preview", re.IGNORECASE)


def broken_images(name: str, page: Path, layout: dict) -> list[str]:
    """Every <img> points at an existing file (relative links) and loaded in the browser."""
    problems = []
    for image in layout["images"]:
        src = image["src"] or ""
        if not re.match(r"^[a-z]+://", src) and not (page.parent / src).is_file():
            problems.append(f"{name}: image {src!r} is not a file next to the page.")
        elif not image["loaded"]:
            problems.append(f"{name}: image {src!r} did not load.")
    return problems


def verdict_above_fold(
    name: str, layout: dict, checks_first: bool = True, fold: int = FOLD
) -> list[str]:
    """The first heading says the verdict and ends within the first screen; so does the
    first table when it holds the checks (checks_first)."""
    problems = []
    headings = layout["headings"]
    if not headings or not VERDICT.search(headings[0]["text"]):
        problems.append(f"{name}: the first heading does not state the verdict.")
    elif headings[0]["bottom"] > fold:
        problems.append(
            f"{name}: the verdict ends at {headings[0]['bottom']:.0f} px, below the fold."
        )
    visible = [t for t in layout["tables"] if t["visible"]]
    if checks_first and visible and visible[0]["bottom"] > fold:
        problems.append(
            f"{name}: the first table (the checks) ends at {visible[0]['bottom']:.0f} px, "
            f"below the first {fold} px."
        )
    return problems


def duplicated_tables(name: str, layout: dict) -> list[str]:
    """No table says what another one says: the same rows, or the same row labels."""
    problems, seen_rows, seen_labels = [], {}, {}
    for number, table in enumerate(layout["tables"], 1):
        body = table["rows"][1:]
        rows = tuple(tuple(r) for r in body)
        labels = tuple(sorted(r[0] if r[0] not in ("✓", "✗", "⚠") else r[1] for r in body if r))
        if rows in seen_rows:
            problems.append(f"{name}: table {number} repeats table {seen_rows[rows]}.")
        elif len(labels) >= 3 and labels in seen_labels:
            problems.append(
                f"{name}: table {number} lists the same rows as table {seen_labels[labels]}."
            )
        seen_rows.setdefault(rows, number)
        seen_labels.setdefault(labels, number)
    return problems


def all_problems(name: str, page: Path, layout: dict, checks_first: bool) -> list[str]:
    return [
        *broken_images(name, page, layout),
        *verdict_above_fold(name, layout, checks_first),
        *duplicated_tables(name, layout),
    ]
