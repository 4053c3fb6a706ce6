"""The datasheet's schema table says what model/schema.py says, column for column."""

import re
from pathlib import Path

from model.schema import COLUMNS

DATASHEET = Path(__file__).resolve().parents[2] / "data" / "DATASHEET.md"
ROW = re.compile(
    r"^\| `(?P<name>[^`]+)` \| (?P<kind>[^|]+) \| (?P<allowed>[^|]+) \| (?P<meaning>[^|]+) \|$"
)


def documented_columns() -> list[tuple[str, str, str, str]]:
    rows = [ROW.match(line) for line in DATASHEET.read_text().splitlines()]
    return [
        tuple(m.group(g).strip() for g in ("name", "kind", "allowed", "meaning")) for m in rows if m
    ]


def test_datasheet_schema_matches_code():
    expected = [(c.name, c.kind, c.allowed, c.description) for c in COLUMNS]
    assert documented_columns() == expected


def test_datasheet_credits_sources_and_licences():
    text = DATASHEET.read_text()
    for needle in ("Fanaee-T", "Gama", "2013", "CC BY 4.0", "ISLP", "BSD"):
        assert needle in text
