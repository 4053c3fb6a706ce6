"""What a rendered body must give a reviewer, judged on the page Chromium laid out
(prbodies/chromium.py). Each problem is one sentence; none means the page reads."""

from __future__ import annotations

import re
from pathlib import Path

from prbodies.chromium import FOLD

# The first heading states the verdict: the model gate's, the promotion gate's, or what a
# release, rollback or data PR decides.
VERDICT = re.compile(
    r"^[✓✗⚠] (PASS|REJECTED|VERIFIED|OVERRIDE|UNVERIFIED|RELEASE|ROLL BACK|ACCEPTED)\b"
)
MARKS = ("✓", "✗", "⚠")

# What a reviewer decides on, per element a body names in Body.fold, and how the page shows
# it: a table known by its header row (its cells joined by " | "), or an inline code span
# known by its text. The verdict (the first heading) is always required.
ELEMENTS = {
    "checks": ("the checks table", "table", re.compile(r"(^| \| )check( \| |$)")),
    "evidence": ("the evidence table", "table", re.compile(r"^evidence\b")),
    "changes": ("the what-changes table", "table", re.compile(r"\| model \| image digest$")),
    "rollback": ("the rollback command", "code", re.compile(r"^make rollback\b")),
}


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


def _header(table: dict) -> str:
    return " | ".join(table["rows"][0]) if table["rows"] else ""


def find(layout: dict, element: str) -> dict | None:
    """The first element of that kind on the page (visible or not), or None."""
    _, kind, pattern = ELEMENTS[element]
    if kind == "table":
        found = [t for t in layout["tables"] if pattern.search(_header(t))]
        if element == "checks":  # every row marked, as a table of checks is
            found = [t for t in found if all(r and r[0] in MARKS for r in t["rows"][1:])]
    else:
        found = [c for c in layout.get("codes", []) if pattern.search(c["text"])]
    return found[0] if found else None


def verdict_above_fold(name: str, layout: dict, fold: int = FOLD) -> list[str]:
    """The first heading states the verdict and ends within the first screen."""
    headings = layout["headings"]
    if not headings or not VERDICT.search(headings[0]["text"]):
        return [f"{name}: the first heading does not state the verdict."]
    if headings[0]["bottom"] > fold:
        return [f"{name}: the verdict ends at {headings[0]['bottom']:.0f} px, below the fold."]
    return []


def decision_above_fold(
    name: str, layout: dict, elements: tuple[str, ...] = ("checks",), fold: int = FOLD
) -> list[str]:
    """The verdict and each element the decision rests on (ELEMENTS) is on the page, not
    collapsed, and ends within the first `fold` px: what a reviewer sees without scrolling."""
    problems = verdict_above_fold(name, layout, fold)
    for element in elements:
        label = ELEMENTS[element][0]
        found = find(layout, element)
        if found is None:
            problems.append(f"{name}: {label} is missing.")
        elif not found["visible"]:
            problems.append(f"{name}: {label} is collapsed in a <details>.")
        elif found["bottom"] > fold:
            problems.append(
                f"{name}: {label} ends at {found['bottom']:.0f} px, below the first {fold} px."
            )
    return problems


def wide_tables(name: str, layout: dict) -> list[str]:
    """No visible table is wider than the column: GitHub would hide its right side behind a
    sideways scroll (a digest cut in half)."""
    return [
        f"{name}: table {number} ({_header(table)!r}) is wider than the column and scrolls "
        "sideways."
        for number, table in enumerate(layout["tables"], 1)
        if table["visible"] and table.get("overflow")
    ]


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


def all_problems(name: str, page: Path, layout: dict, fold: tuple[str, ...]) -> list[str]:
    return [
        *broken_images(name, page, layout),
        *decision_above_fold(name, layout, fold),
        *wide_tables(name, layout),
        *duplicated_tables(name, layout),
    ]
