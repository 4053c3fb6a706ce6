"""Batch scoring against a moto S3 server: results, rejects, threshold, idempotence, crashes."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from model.predictor import DECIMALS
from model.schema import FEATURES
from model.validate import load_valid
from scoring.job import champion, score_period
from scoring.rows import BatchError
from scoring.store import CRASH_AFTER, input_key, output_prefix
from tests.batch.conftest import ROOT, read_json

PERIOD = "2011-12"
DATA = ROOT / "data" / f"{PERIOD}.csv"
OUTPUTS = ("predictions.parquet", "rejects.parquet", "drift.json", "run.json")
# Three broken rows (file lines 3, 10, 11) with the reasons the job must give.
BROKEN = {
    1: ("temp", "hot", "temp: 'hot' is not a number"),
    8: ("hr", "25", "hr: '25' is out of range (0 to 23)"),
    9: ("weathersit", "sunny", "weathersit: unknown category 'sunny'"),
}


def _upload(s3, bucket: str, body: bytes, period: str = PERIOD) -> None:
    s3.put_object(Bucket=bucket, Key=input_key(period), Body=body)


def _broken_csv() -> bytes:
    rows = pd.read_csv(DATA, dtype=str, keep_default_na=False)
    for index, (column, value, _) in BROKEN.items():
        rows.loc[index, column] = value
    return rows.to_csv(index=False).encode()


def _prefix() -> str:
    return output_prefix(PERIOD, champion().version)


def _visible(s3, bucket: str) -> list[str]:
    listing = s3.list_objects_v2(Bucket=bucket, Prefix="scores/")
    return [item["Key"] for item in listing.get("Contents", [])]


def _parquet(s3, bucket: str, name: str) -> pd.DataFrame:
    body = s3.get_object(Bucket=bucket, Key=_prefix() + name)["Body"].read()
    return pd.read_parquet(io.BytesIO(body))


def _cli(batch_env, endpoint: str, bucket: str, *extra: str, env: dict | None = None):
    return subprocess.run(
        [
            *(sys.executable, "-m", "scoring", "score", "--period", PERIOD),
            *("--bucket", bucket, "--endpoint-url", endpoint, *extra),
        ],
        env={**batch_env, **(env or {})},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow  # the moto server
def test_cli_scores_a_month_like_in_process_predict(
    s3, tf_local_stack, moto_endpoint, batch_env, champion_predictor
):
    # The bucket Terraform creates (terraform/envs/local): TLS-only policy, SSE-KMS, versioned.
    bucket = tf_local_stack.outputs["artifacts_bucket_name"]
    _upload(s3, bucket, DATA.read_bytes())
    result = _cli(batch_env, moto_endpoint, bucket)
    assert result.returncode == 0, result.stderr
    assert sorted(_visible(s3, bucket)) == sorted(_prefix() + name for name in OUTPUTS)

    expected = load_valid([DATA])
    got = _parquet(s3, bucket, "predictions.parquet")
    assert list(got.columns) == ["line", "day", "hr", "predicted_bikers"]
    assert got[["day", "hr"]].to_numpy().tolist() == expected[["day", "hr"]].to_numpy().tolist()
    # The plain pipeline, clipped and rounded as a prediction is (model/predictor.py).
    pipeline = champion_predictor.pipeline.predict(expected[list(FEATURES)])
    np.testing.assert_array_equal(
        got["predicted_bikers"].to_numpy(), np.clip(pipeline, 0, None).round(DECIMALS)
    )
    record = read_json(s3, bucket, _prefix() + "run.json")
    assert record["rows"] == {"in": len(expected), "scored": len(expected), "rejected": 0}
    assert record["model_version"] == champion().version
    assert record["input"]["key"] == input_key(PERIOD)
    assert s3.list_objects_v2(Bucket=bucket, Prefix="_tmp/").get("KeyCount", 0) == 0


@pytest.mark.slow  # the moto server
def test_bad_rows_are_rejected_with_reasons_and_exact_counts(s3, bucket, champion_predictor):
    _upload(s3, bucket, _broken_csv())
    record = score_period(s3, bucket, PERIOD, max_rate=0.01, predictor=champion_predictor)
    rows_in = len(pd.read_csv(DATA))
    assert record["rows"] == {"in": rows_in, "scored": rows_in - 3, "rejected": 3}
    rejects = _parquet(s3, bucket, "rejects.parquet")
    assert rejects["line"].tolist() == [index + 2 for index in BROKEN]
    assert rejects["reason"].tolist() == [reason for _, _, reason in BROKEN.values()]
    predictions = _parquet(s3, bucket, "predictions.parquet")
    assert len(predictions) == rows_in - 3
    assert set(predictions["line"]).isdisjoint(rejects["line"])


@pytest.mark.slow  # the moto server
def test_over_the_threshold_fails_in_one_sentence_and_writes_nothing(
    s3, bucket, moto_endpoint, batch_env
):
    _upload(s3, bucket, _broken_csv())
    result = _cli(batch_env, moto_endpoint, bucket, "--max-reject-rate", "0.001")
    assert result.returncode == 1
    message = result.stderr.strip()
    assert message.startswith(f"error: {PERIOD}: 3 of ") and "above the 0.1% threshold" in message
    assert "\n" not in message and "Traceback" not in message
    assert _visible(s3, bucket) == []
    assert s3.list_objects_v2(Bucket=bucket, Prefix="_tmp/").get("KeyCount", 0) == 0


@pytest.mark.slow  # the moto server
@pytest.mark.parametrize(
    ("body", "phrase"),
    [
        (b"season,mnth\n1,Jan\n", "lacks the column(s) day, hr"),
        (b"", "is not a readable CSV file"),
    ],
)
def test_a_bad_file_fails_clearly_and_writes_nothing(s3, bucket, champion_predictor, body, phrase):
    _upload(s3, bucket, body)
    with pytest.raises(BatchError, match=phrase.replace("(", r"\(").replace(")", r"\)")):
        score_period(s3, bucket, PERIOD, predictor=champion_predictor)
    assert _visible(s3, bucket) == []


@pytest.mark.slow  # the moto server
def test_a_rerun_writes_byte_identical_outputs(s3, bucket, champion_predictor):
    _upload(s3, bucket, _broken_csv())
    runs = []
    for _ in range(2):
        score_period(s3, bucket, PERIOD, predictor=champion_predictor)
        runs.append(
            {n: s3.get_object(Bucket=bucket, Key=_prefix() + n)["Body"].read() for n in OUTPUTS}
        )
    first, second = runs
    assert first["predictions.parquet"] == second["predictions.parquet"]
    assert first["rejects.parquet"] == second["rejects.parquet"]
    # The record is equal but for the one field that measures the run itself.
    records = [json.loads(run["run.json"]) for run in runs]
    for record in records:
        assert record.pop("duration_seconds") >= 0
    assert records[0] == records[1]


@pytest.mark.slow  # the moto server
def test_a_run_killed_after_staging_leaves_no_visible_output(s3, bucket, moto_endpoint, batch_env):
    _upload(s3, bucket, DATA.read_bytes())
    result = _cli(batch_env, moto_endpoint, bucket, env={CRASH_AFTER: "staged"})
    assert result.returncode == -9  # SIGKILL: no cleanup code ran
    assert s3.list_objects_v2(Bucket=bucket, Prefix="_tmp/").get("KeyCount", 0) > 0  # staged
    assert _visible(s3, bucket) == []


@pytest.mark.slow  # the moto server
def test_a_failure_while_publishing_rolls_back(s3, bucket, champion_predictor, monkeypatch):
    _upload(s3, bucket, DATA.read_bytes())
    real_copy = s3.copy_object
    calls = []

    def copy_then_fail(**kwargs):
        calls.append(kwargs["Key"])
        if len(calls) == 2:
            raise ConnectionError("injected failure on the second copy")
        return real_copy(**kwargs)

    monkeypatch.setattr(s3, "copy_object", copy_then_fail)
    with pytest.raises(ConnectionError):
        score_period(s3, bucket, PERIOD, predictor=champion_predictor)
    assert calls[0] == _prefix() + "predictions.parquet"  # it was in place, then removed
    assert _visible(s3, bucket) == []
    assert s3.list_objects_v2(Bucket=bucket, Prefix="_tmp/").get("KeyCount", 0) == 0


def test_previous_period_is_last_month_in_utc():
    import datetime as dt

    from scoring.job import resolve_period

    assert resolve_period("previous", dt.date(2012, 1, 1)) == "2011-12"
    assert resolve_period("previous", dt.date(2011, 7, 31)) == "2011-06"
    assert resolve_period("2011-12") == "2011-12"
    with pytest.raises(BatchError, match="is not YYYY-MM"):
        resolve_period("2011-13")


@pytest.mark.slow  # the moto server
def test_a_refused_write_fails_in_one_sentence_and_publishes_nothing(
    s3, bucket, champion_predictor, monkeypatch
):
    from botocore.exceptions import ClientError

    _upload(s3, bucket, DATA.read_bytes())

    def refuse(**kwargs):
        raise ClientError({"Error": {"Code": "AccessDenied"}}, "CopyObject")

    monkeypatch.setattr(s3, "copy_object", refuse)
    with pytest.raises(BatchError, match=r"\(AccessDenied\), so nothing was published"):
        score_period(s3, bucket, PERIOD, predictor=champion_predictor)
    assert _visible(s3, bucket) == []
