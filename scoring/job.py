"""Batch scoring of one period with the champion model of this image.

    bikeshare-score score --period 2011-12 --bucket B [--endpoint-url URL]
                          [--max-reject-rate 0.05]      (or: python -m scoring score ...)

Reads input/<period>.csv from the bucket, scores it with the model the service ships, and
writes predictions, rejects, the period's drift against the champion's training data
(drift.json, scoring/drift.py) and a run record under scores/<period>/<model version>/ (see
scoring/store.py for the layout and the atomic publish); then pushes its metrics and, beyond
the drift thresholds, can ask for a retrain (scoring/drift.py). `--period previous` scores the
month before today (UTC): what the CronJob runs. Exit 0 on success, 1 when too many rows
are rejected, 2 on a bad input or setup; every failure is one sentence on stderr.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError

from model import compat, paths, registry
from model import record as records
from model.artifact import ArtifactError
from model.predictor import Predictor
from scoring import drift as live_drift
from scoring.rows import BatchError, Scored, read_rows, sample, score_rows
from scoring.store import (
    input_key,
    output_prefix,
    parquet_bytes,
    publish,
    read_object,
    sha256,
)

PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
DEFAULT_MAX_REJECT_RATE = 0.05
EXIT_TOO_MANY_REJECTS = 1
EXIT_BAD_INPUT = 2


class TooManyRejects(BatchError):
    """More rows failed validation than the threshold allows."""


@dataclass(frozen=True)
class Champion:
    version: str
    bento_model_tag: str
    data_fingerprint: str


def champion(path: Path = paths.CHAMPION) -> Champion:
    record = json.loads(path.read_text())
    return Champion(record["version"], record["bento_model_tag"], record["data"]["fingerprint"])


def load_model(tag: str):
    """The model from the bento when running in its image (BENTO_PATH/models, where
    `bentoml containerize` puts it), else from the local store (BENTOML_HOME); its file
    checked against the sha256 the champion record pins before it is unpickled."""
    import bentoml

    bento_models = Path(os.environ.get("BENTO_PATH", "/nonexistent")) / "models"
    if bento_models.is_dir():
        compat.use_model_store(bento_models)  # the switch `bentoml serve` makes for a bento
    record = json.loads(paths.CHAMPION.read_text())
    if record["bento_model_tag"] != tag:
        raise BatchError(f"model {tag} is not the champion {record['bento_model_tag']}.")
    path = "its model file"
    try:
        path = registry.check_stored(record)  # not stored, damaged, or other bytes: one sentence
        return bentoml.sklearn.load_model(tag)
    except ArtifactError as err:
        raise BatchError(str(err)) from err
    except Exception as err:  # a pickle can fail in many ways; say which model and file
        raise BatchError(f"model {tag}: {path} does not load ({type(err).__name__}).") from err


def load_predictor(tag: str) -> Predictor:
    return Predictor(load_model(tag))


def resolve_period(text: str, today: dt.date | None = None) -> str:
    if text == "previous":
        first = (today or dt.datetime.now(dt.UTC).date()).replace(day=1)
        return (first - dt.timedelta(days=1)).strftime("%Y-%m")
    if not PERIOD.match(text):
        raise BatchError(f"period '{text}' is not YYYY-MM or 'previous'.")
    return text


def check_reject_rate(scored: Scored, rows_in: int, period: str, max_rate: float) -> None:
    rejected = len(scored.rejects)
    if rejected > max_rate * rows_in:
        first = scored.rejects.iloc[0]
        raise TooManyRejects(
            f"{period}: {rejected} of {rows_in} rows ({rejected / rows_in:.1%}) failed "
            f"validation, above the {max_rate:.1%} threshold (first: line {first['line']}, "
            f"{first['reason']}), so nothing was written; fix the input or raise "
            "--max-reject-rate."
        )


def run_record(
    period: str,
    model: Champion,
    source: str,
    data: bytes,
    scored: Scored,
    outputs: dict[str, bytes],
    max_rate: float,
    seconds: float,
) -> bytes:
    """The record. Everything but duration_seconds is a function of the inputs, so re-runs
    compare equal once that one field is left out (the Parquet outputs are byte-identical)."""
    rows_in = len(scored.predictions) + len(scored.rejects)
    record = {
        "period": period,
        "model_version": model.version,
        "bento_model_tag": model.bento_model_tag,
        "model_data_fingerprint": model.data_fingerprint,
        "input": {"key": source, "sha256": sha256(data)},
        "rows": {
            "in": rows_in,
            "scored": len(scored.predictions),
            "rejected": len(scored.rejects),
        },
        "max_reject_rate": max_rate,
        "outputs": {name: {"sha256": sha256(body)} for name, body in sorted(outputs.items())},
        "duration_seconds": round(seconds, 3),
    }
    return (json.dumps(record, indent=2, sort_keys=True) + "\n").encode()


def score_period(
    s3,
    bucket: str,
    period: str,
    max_rate: float = DEFAULT_MAX_REJECT_RATE,
    predictor: Predictor | None = None,
) -> dict:
    """Score one period end to end; returns the run record. Raises BatchError on failure,
    having written nothing visible."""
    started = time.monotonic()
    champ = champion()
    predictor = predictor if predictor is not None else load_predictor(champ.bento_model_tag)
    key = input_key(period)
    try:
        data = read_object(s3, bucket, key)
    except ClientError as err:
        code = err.response.get("Error", {}).get("Code", "")
        if code in {"NoSuchKey", "404"}:
            raise BatchError(
                f"s3://{bucket}/{key} does not exist; upload the period's data first."
            ) from err
        raise BatchError(f"cannot read s3://{bucket}/{key} ({code or err}).") from err
    except BotoCoreError as err:
        raise BatchError(f"cannot reach S3 to read s3://{bucket}/{key} ({err}).") from err
    raw = read_rows(data, f"s3://{bucket}/{key}")
    scored = score_rows(predictor, raw, period)
    rows_in = len(raw)
    # Never drop a row silently.
    assert rows_in == len(scored.predictions) + len(scored.rejects), "rows in != scored + rejected"
    check_reject_rate(scored, rows_in, period, max_rate)
    # Drift on a fixed-seed sample of the scored rows: PSI and KS move by ~1/sqrt(rows), far
    # below the thresholds at this size, and a 1M-row period no longer pays a second pass.
    accepted = sample(scored.features, live_drift.SAMPLE_ROWS)
    drift = live_drift.report(
        period, records.load(), accepted, live_drift.settings(), rows=len(scored.predictions)
    )
    outputs = {
        "predictions.parquet": parquet_bytes(scored.predictions),
        "rejects.parquet": parquet_bytes(scored.rejects),
        "drift.json": live_drift.dumps(drift),
    }
    record = run_record(
        period, champ, key, data, scored, outputs, max_rate, time.monotonic() - started
    )
    prefix = output_prefix(period, champ.version)
    try:
        publish(s3, bucket, prefix, outputs, record)
    except (ClientError, BotoCoreError) as err:
        code = err.response.get("Error", {}).get("Code", "") if isinstance(err, ClientError) else ""
        raise BatchError(
            f"cannot publish to s3://{bucket}/{prefix} ({code or err}), so nothing was "
            "published; the job's role needs s3:GetObject, s3:PutObject and s3:DeleteObject "
            "on scores/* and _tmp/*."
        ) from err
    result = json.loads(record)
    evidence = live_drift.Evidence(
        s3, bucket, key, sha256(data), prefix + "drift.json", sha256(outputs["drift.json"])
    )
    cooldown = live_drift.settings()["retrain"].get("cooldown_hours", 0)
    try:
        result["follow_up"] = live_drift.follow_up(
            drift, result["rows"], evidence=evidence, cooldown_hours=cooldown
        )
    except BatchError as err:
        raise BatchError(f"scored and published to s3://{bucket}/{prefix}, but {err}") from err
    result["drift"] = {k: drift[k] for k in ("alert", "warn", "retrain")}
    return result


def s3_client(endpoint_url: str | None):
    import boto3

    return boto3.client("s3", endpoint_url=endpoint_url or None)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bikeshare-score", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    score = sub.add_parser("score", help="score one period's input from the bucket")
    score.add_argument("--period", required=True, help="YYYY-MM, or 'previous' (last month)")
    score.add_argument(
        "--bucket",
        default=os.environ.get("BIKESHARE_ARTIFACTS_BUCKET"),
        help="artifacts bucket (default: $BIKESHARE_ARTIFACTS_BUCKET)",
    )
    score.add_argument(
        "--endpoint-url",
        default=os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL"),
        help="S3 endpoint (the moto server locally); default: AWS",
    )
    score.add_argument(
        "--max-reject-rate",
        type=float,
        default=DEFAULT_MAX_REJECT_RATE,
        help="fail when more than this share of rows is rejected (default %(default)s)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if not args.bucket:
            raise BatchError("no bucket: pass --bucket or set BIKESHARE_ARTIFACTS_BUCKET.")
        if not 0 <= args.max_reject_rate <= 1:
            raise BatchError(f"--max-reject-rate {args.max_reject_rate} is not between 0 and 1.")
        period = resolve_period(args.period)
        record = score_period(
            s3_client(args.endpoint_url), args.bucket, period, args.max_reject_rate
        )
    except TooManyRejects as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_TOO_MANY_REJECTS
    except BatchError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    rows = record["rows"]
    prefix = output_prefix(period, record["model_version"])
    print(
        f"{period}: {rows['in']} rows in, {rows['scored']} scored, {rows['rejected']} rejected "
        f"in {record['duration_seconds']:.1f} s -> s3://{args.bucket}/{prefix}"
    )
    drift = record["drift"]
    print(
        f"drift vs the champion's training data (drift.json): alert {drift['alert'] or 'none'}, "
        f"warn {drift['warn'] or 'none'}{'; retrain advised' if drift['retrain'] else ''}"
    )
    for line in record["follow_up"]:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
