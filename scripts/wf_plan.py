"""`make wf-plan`: `make tf-plan ENV=<env>`, shown as it runs and kept in build/plan-<env>.md
for the PR comment (wf-plan-comment).

    python -m scripts.wf_plan ENV

MAKE: the make to run (default: make).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def plan_markdown(env: str, make: str, out: Path) -> int:
    """Run the plan, echo its output on stderr, write it fenced under a heading to out."""
    lines = [f"### terraform plan: {env}", "```"]
    proc = subprocess.Popen(
        [make, "-s", "tf-plan", f"ENV={env}"], cwd=REPO, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        env={**os.environ, "TF_CLI_ARGS_plan": "-no-color"},
    )  # fmt: skip
    for line in proc.stdout:
        sys.stderr.write(line)
        lines.append(line.rstrip("\n"))
    lines.append("```")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n")
    return proc.wait()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or not args[0]:
        print("Set ENV=staging|prod.", file=sys.stderr)
        return 1
    out = REPO / "build" / f"plan-{args[0]}.md"
    return plan_markdown(args[0], os.environ.get("MAKE", "make"), out)


if __name__ == "__main__":
    sys.exit(main())
