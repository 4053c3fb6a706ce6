"""Which data files changed since the champion was trained (per-file fingerprints)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from model import record as records


@dataclass
class DataChanges:
    """Data files on disk compared with the per-file fingerprints in the champion record."""

    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def touched(self) -> list[str]:
        return sorted(self.new + self.changed)

    @property
    def suspicious(self) -> list[str]:
        """Data is append-only: a rewritten or deleted period rewrites the champion's history."""
        lines = [f"{name} changed since the champion was trained" for name in self.changed]
        lines += [f"{name} is gone since the champion was trained" for name in self.missing]
        return lines

    def summary(self) -> str:
        parts = [
            f"{label}: {', '.join(names)}"
            for label, names in (("new", self.new), ("changed", self.changed))
            if names
        ]
        parts += [f"missing: {', '.join(self.missing)}"] if self.missing else []
        return "; ".join(parts) or "no data file changed"


def data_changes(champion: dict[str, Any] | None, files: list[Path]) -> DataChanges:
    if champion is None:  # no champion yet: every file is new
        return DataChanges(new=sorted(p.name for p in files))
    recorded = champion["data"]["files"]
    on_disk = {p.name: records.file_sha256(p) for p in files}
    return DataChanges(
        new=sorted(n for n in on_disk if n not in recorded),
        changed=sorted(n for n, sha in on_disk.items() if n in recorded and recorded[n] != sha),
        missing=sorted(n for n in recorded if n not in on_disk),
    )
