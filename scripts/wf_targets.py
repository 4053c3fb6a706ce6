"""`make wf-targets`: fail if a workflow calls a make target that does not exist.

    python -m scripts.wf_targets WORKFLOW.yml...

MAKE: the make to ask for its targets (default: make, in the repository root).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# `run: make x`, `- make x`, `run: >- make x`, `sudo env VAR=... make x`.
CALL_LINE = re.compile(r"^ *(- )?(run: )?(>- *)?(sudo env [^m]*)?make [a-z]")
CALLED = re.compile(r"\bmake ([a-z][a-z0-9_.-]*)")
RULE = re.compile(r"^([a-zA-Z0-9][a-zA-Z0-9_.-]*):")


def called_targets(workflows: list[Path]) -> set[str]:
    lines = (line for path in workflows for line in path.read_text().splitlines())
    return {target for line in lines if CALL_LINE.match(line) for target in CALLED.findall(line)}


def known_targets(make: str) -> set[str]:
    """Every target make knows: its database, nothing run."""
    database = subprocess.run(
        [make, "-pRrq", ":"], cwd=REPO, capture_output=True, text=True, check=False
    ).stdout
    return {m[1] for line in database.splitlines() if (m := RULE.match(line))}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args:
        print("Usage: python -m scripts.wf_targets WORKFLOW.yml...", file=sys.stderr)
        return 2
    called = called_targets([Path(a) for a in args])
    missing = sorted(called - known_targets(os.environ.get("MAKE", "make")))
    if missing:
        print(
            f"Workflows call make targets that do not exist: {' '.join(missing)}", file=sys.stderr
        )
        return 1
    print(f"All {len(called)} make targets called by the workflows exist.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
