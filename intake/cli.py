"""`python -m intake land|dispatched`: exits non-zero with one sentence when it cannot run."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from gitops.errors import Refusal


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="intake", description=__doc__)
    parser.add_argument("--root", type=Path, default=Path("."), help="the repository's clone")
    sub = parser.add_subparsers(dest="command", required=True)
    land = sub.add_parser("land", help="landing/<YYYY-MM>.csv in the bucket -> data branches")
    land.add_argument("--bucket", default=os.environ.get("BIKESHARE_ARTIFACTS_BUCKET"))
    land.add_argument(
        "--endpoint-url",
        default=os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL"),
    )
    land.add_argument(
        "--branches",
        type=Path,
        default=Path("build/intake/branches.txt"),
        help="where the opened branches are listed, one a line (for make intake-open-prs)",
    )
    done = sub.add_parser("dispatched", help="a drift dispatch's data as the new month")
    done.add_argument("--event", type=Path, required=True, help="the GitHub event JSON")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    root = args.root.resolve()
    try:
        if args.command == "land":
            return _land(root, args)
        return _dispatched(root, args.event)
    except (Refusal, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


def _land(root: Path, args) -> int:
    import boto3

    from intake import landing

    if not args.bucket:
        raise ValueError("no bucket: pass --bucket or set BIKESHARE_ARTIFACTS_BUCKET.")
    s3 = boto3.client("s3", endpoint_url=args.endpoint_url or None)
    outcomes = landing.run(root, s3, args.bucket)
    opened = [o.detail for o in outcomes if o.status == "opened"]
    branches = root / args.branches
    branches.parent.mkdir(parents=True, exist_ok=True)
    branches.write_text("".join(f"{b}\n" for b in opened))
    for o in outcomes:
        print(f"{o.month}: {o.status}: {o.detail}")
    if not outcomes:
        print(f"nothing in s3://{args.bucket}/{landing.PREFIX}")
    return 0


def _dispatched(root: Path, event: Path) -> int:
    from intake import dispatched

    payload = json.loads(event.read_text()).get("client_payload")
    if not payload or "period" not in payload:
        raise ValueError(f"{event} has no drift dispatch payload (client_payload.period).")
    print(dispatched.apply(root, payload))
    return 0
