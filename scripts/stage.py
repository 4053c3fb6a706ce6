"""Stage one period's data file in the local stack's artifacts bucket (on moto) and print the
bucket's name; applies terraform/envs/local first when the bucket is not there (about 2
minutes; log in the moto directory). Used by `make score` and `make score-pod`.

    python -m scripts.stage PERIOD                       print the bucket
    python -m scripts.stage PERIOD --score MAX_REJECT    then score the period (`make score`)

Environment: PYTHON (the project's virtualenv), MOTO_ENDPOINT and MOTO_DIR, the emulator's
fake credentials (make exports them), MAKE.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


class Refusal(Exception):
    """A one-sentence reason to stop (exit 1)."""


def setting(name: str, hint: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise Refusal(f"Set {name} ({hint}).")
    return value


def stage(period: str, python: str) -> str:
    """The bucket the period now sits in, applying the local stack first if needed."""
    if not period:
        raise Refusal("Set PERIOD=YYYY-MM (a file in data/), e.g. make score PERIOD=2011-12.")
    endpoint = setting("MOTO_ENDPOINT", "make moto-start prints it")
    local = [python, "-m", "scoring.stage_local"]
    if subprocess.run([*local, "exists", "--endpoint-url", endpoint], cwd=REPO).returncode != 0:
        print("No local stack yet: applying terraform/envs/local on moto (about 2 minutes).",
              file=sys.stderr)  # fmt: skip
        log = (
            Path(setting("MOTO_DIR", "where the emulator keeps its files"))
            / "tf-apply-for-score.log"
        )
        with log.open("wb") as out:
            applied = subprocess.run(
                [os.environ.get("MAKE", "make"), "tf-apply", "ENV=local"],
                cwd=REPO, stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        if applied.returncode != 0:
            raise Refusal(f"make tf-apply ENV=local failed: see {log}")
    staged = subprocess.run(
        [*local, "stage", "--period", period, "--endpoint-url", endpoint],
        cwd=REPO, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    if staged.returncode != 0:
        raise SystemExit(staged.returncode)
    return staged.stdout.strip()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) not in (1, 3) or (len(args) == 3 and args[1] != "--score"):
        print("Usage: python -m scripts.stage PERIOD [--score MAX_REJECT_RATE]", file=sys.stderr)
        return 2
    python = os.environ.get("PYTHON") or str(REPO / ".venv" / "bin" / "python")
    try:
        bucket = stage(args[0], python)
    except Refusal as refusal:
        print(refusal, file=sys.stderr)
        return 1
    if len(args) == 1:
        print(bucket)
        return 0
    score = [python, "-m", "scoring", "score", "--period", args[0], "--bucket", bucket]
    score += ["--endpoint-url", os.environ["MOTO_ENDPOINT"], "--max-reject-rate", args[2]]
    return subprocess.run(score, cwd=REPO).returncode


if __name__ == "__main__":
    sys.exit(main())
