"""Local helper of `make score`: put a period's data file where the batch job reads it.

    python -m scoring.stage_local stage --period 2011-12 --endpoint-url http://127.0.0.1:4566

Uses the artifacts bucket Terraform creates in the local stack (`make tf-apply ENV=local`,
which `make score` runs when the bucket is missing); prints the bucket name. `exists` exits 1
when the local stack has no artifacts bucket yet.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import boto3

from model import paths
from scoring.store import input_key


def local_bucket_name(endpoint_url: str) -> str:
    # The name Terraform gives it in terraform/envs/local: <project>-<env>-artifacts-<account>.
    sts = boto3.client("sts", endpoint_url=endpoint_url)
    return f"bikeshare-local-artifacts-{sts.get_caller_identity()['Account']}"


def stage(period: str, endpoint_url: str, data_dir: Path = paths.DATA) -> str:
    source = data_dir / f"{period}.csv"
    if not source.is_file():
        raise SystemExit(f"error: {source} does not exist; pick a period with a file in data/.")
    bucket = local_bucket_name(endpoint_url)
    if not bucket_exists(bucket, endpoint_url):
        raise SystemExit(
            f"error: no bucket {bucket} on {endpoint_url}; run make tf-apply ENV=local."
        )
    s3 = boto3.client("s3", endpoint_url=endpoint_url)
    s3.put_object(Bucket=bucket, Key=input_key(period), Body=source.read_bytes())
    print(f"staged {source.name} as s3://{bucket}/{input_key(period)}", file=sys.stderr)
    return bucket


def bucket_exists(bucket: str, endpoint_url: str) -> bool:
    s3 = boto3.client("s3", endpoint_url=endpoint_url)
    return bucket in {b["Name"] for b in s3.list_buckets().get("Buckets", [])}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scoring.stage_local", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    command = sub.add_parser("stage", help="upload data/<period>.csv as the period's input")
    command.add_argument("--period", required=True, help="YYYY-MM: the file data/<period>.csv")
    command.add_argument(
        "--endpoint-url", required=True, help="the moto server, https://127.0.0.1:PORT"
    )
    exists = sub.add_parser("exists", help="exit 0 when the local artifacts bucket exists")
    exists.add_argument(
        "--endpoint-url", required=True, help="the moto server, https://127.0.0.1:PORT"
    )
    args = parser.parse_args(argv)
    if args.command == "exists":
        return 0 if bucket_exists(local_bucket_name(args.endpoint_url), args.endpoint_url) else 1
    print(stage(args.period, args.endpoint_url))
    return 0


if __name__ == "__main__":
    sys.exit(main())
