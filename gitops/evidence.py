"""Verification evidence: what the verification Job found for one release where it ran.

The store is S3, one object per environment and digest: `evidence/<env>/<digest>.json` in the
environment's artifacts bucket (versioned, SSE-KMS). The Job writes it under its own Pod
Identity role, which may put objects under its environment's prefix and nothing else; the
promote workflow's role may only read them (terraform/modules/verification-evidence). So the
gate reads what the cluster observed, and nobody else can write it. A directory with the same
keys is the store's local form (tests, a laptop without the emulator). Why S3 and not git or
a commit status: docs/promotion.md.

Store URLs: `s3://BUCKET` (boto3's usual credentials; AWS_ENDPOINT_URL_S3 points it at moto)
or a directory path. The Job's program (bento/verify.py) writes the same key and record.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from gitops.errors import Refusal
from gitops.layout import check_digest

PREFIX = "evidence"
FIELDS = ("environment", "digest", "model_version", "passed", "checks", "finished_at")


def key(env: str, digest: str) -> str:
    return f"{PREFIX}/{env}/{digest}.json"


class DirectoryStore:
    """The local form: the same keys as files under a directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.url = str(directory)

    def get(self, name: str) -> bytes | None:
        path = self.directory / name
        return path.read_bytes() if path.is_file() else None

    def put(self, name: str, body: bytes) -> None:
        path = self.directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)


class S3Store:
    def __init__(self, bucket: str) -> None:
        import boto3

        self.bucket = bucket
        self.url = f"s3://{bucket}"
        # A session of its own: boto3's default one keeps the first credentials it resolved.
        self.client = boto3.session.Session().client("s3")

    def get(self, name: str) -> bytes | None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return self.client.get_object(Bucket=self.bucket, Key=name)["Body"].read()
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            if code in ("NoSuchKey", "404"):
                return None
            raise Refusal(
                f"the evidence store {self.url} refused to read {name} ({code}): use the "
                "promote role's credentials, which may read evidence/*"
            ) from None
        except BotoCoreError as error:
            raise Refusal(f"the evidence store {self.url} is unreachable ({error})") from None

    def put(self, name: str, body: bytes) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.put_object(
                Bucket=self.bucket, Key=name, Body=body, ContentType="application/json"
            )
        except (BotoCoreError, ClientError) as error:
            raise Refusal(f"the evidence store {self.url} refused {name} ({error})") from None


def open_store(url: str | Path):
    text = str(url)
    if text.startswith("s3://"):
        bucket = text.removeprefix("s3://").strip("/")
        if not bucket or "/" in bucket:
            raise Refusal(f"evidence store {text!r}: expected s3://BUCKET.")
        return S3Store(bucket)
    return DirectoryStore(Path(text.removeprefix("file://")))


def dumps(record: dict) -> str:
    return json.dumps(record, indent=2, sort_keys=True) + "\n"


def parse_time(value: str) -> datetime:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def problem(record: dict, env: str, digest: str, max_age_hours: float, now: datetime) -> str:
    """Why `record` is not a passing verification of `digest` in `env`; "" when it is."""
    if any(field not in record for field in FIELDS):
        return (
            "its evidence is malformed (missing "
            + ", ".join(f for f in FIELDS if f not in record)
            + ")"
        )
    if record["environment"] != env:
        return f"its evidence names environment {record['environment']}, not {env}"
    if record["digest"] != digest:
        return f"its evidence is for {str(record['digest'])[:19]}, not {digest[:19]}"
    try:
        age = (now - parse_time(record["finished_at"])).total_seconds() / 3600
    except (TypeError, ValueError):
        return f"its evidence has no valid finished_at ({record['finished_at']!r})"
    if age > max_age_hours:
        return (
            f"its evidence is {age:.0f} h old (verified {record['finished_at']}; the rules "
            f"accept at most {max_age_hours:g} h): verify it again"
        )
    if record["passed"] is not True:
        return f"its verification failed ({failed_checks(record)})"
    return ""


def find(store, env: str, digest: str) -> dict | None:
    """The record stored for `digest` in `env`, or None; Refusal when it is not JSON."""
    body = store.get(key(env, check_digest(digest)))
    if body is None:
        return None
    try:
        record = json.loads(body)
    except ValueError:
        raise Refusal(f"{store.url}/{key(env, digest)} is not JSON: verify again") from None
    if not isinstance(record, dict):
        raise Refusal(f"{store.url}/{key(env, digest)} is not a JSON object: verify again")
    return record


def failed_checks(record: dict) -> str:
    failed = [
        f"{c.get('name')}: {c.get('detail')}"
        for c in record.get("checks", [])
        if not c.get("passed")
    ]
    return "; ".join(failed) or "no checks ran"


def now() -> datetime:
    return datetime.now(UTC)
