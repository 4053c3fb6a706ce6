"""data/DATASHEET.md's record of every month that arrived after the first twelve: where from,
how many rows, its sha256. A month is added once; a file is never edited in place."""

from __future__ import annotations

from pathlib import Path

HEADING = "## Months added since"
TABLE = [
    HEADING,
    "Each month that arrived as new data (a data PR from the landing prefix, or the data a",
    "drift dispatch pointed at), checked by `model/validate.py` before it was proposed.",
    "",
    "| file | rows | sha256 | arrived from |",
    "|---|---|---|---|",
]


def has_entry(datasheet: Path, name: str) -> bool:
    return f"| `{name}` |" in datasheet.read_text()


def add_entry(datasheet: Path, name: str, rows: int, sha256: str, source: str) -> None:
    text = datasheet.read_text()
    if has_entry(datasheet, name):
        raise ValueError(f"{datasheet.name} already has an entry for {name}.")
    if HEADING not in text:
        text = text.rstrip("\n") + "\n\n" + "\n".join(TABLE) + "\n"
    datasheet.write_text(text.rstrip("\n") + f"\n| `{name}` | {rows:,} | `{sha256}` | {source} |\n")
