"""S3 faults injected into a scoring run, at the HTTP layer of the real client against moto:
a body that breaks in the middle of reading the input, and refused writes in the middle of
staging and of publishing. Each run fails with one sentence, leaves nothing visible under
scores/ and nothing staged, and a rerun without the fault writes the same bytes as a run that
never saw one."""

from __future__ import annotations

import pytest
from botocore.response import StreamingBody
from urllib3.exceptions import ProtocolError

from scoring.job import champion, score_period
from scoring.rows import BatchError
from scoring.store import input_key, output_prefix
from tests.batch.conftest import ROOT

pytestmark = pytest.mark.slow  # the moto server

PERIOD = "2011-12"
DATA = ROOT / "data" / f"{PERIOD}.csv"
OUTPUTS = ("predictions.parquet", "rejects.parquet", "drift.json")


class HalfThenFault:
    """The raw HTTP stream under a response body: half the bytes, then the connection is reset
    (`reset`) or ends early (`truncate`), as a dropped connection does."""

    def __init__(self, raw, size: int, reset: bool):
        self._raw, self._left, self._reset = raw, size // 2, reset

    def read(self, amt=None):
        if self._left <= 0:
            if self._reset:
                raise ProtocolError("injected", ConnectionResetError("connection reset"))
            return b""
        chunk = self._raw.read(min(amt or self._left, self._left))
        self._left -= len(chunk)
        return chunk

    def __getattr__(self, name):
        return getattr(self._raw, name)


def _outputs(s3, bucket: str) -> dict[str, bytes]:
    prefix = output_prefix(PERIOD, champion().version)
    return {n: s3.get_object(Bucket=bucket, Key=prefix + n)["Body"].read() for n in OUTPUTS}


def _nothing_left(s3, bucket: str) -> None:
    for prefix in ("scores/", "_tmp/"):
        assert s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("KeyCount", 0) == 0, prefix


def _refuse(operation: str, nth: int):
    """A before-call hook: the nth call of `operation` answers 500 InternalError (no retry)."""
    calls = []

    def hook(**kwargs):
        calls.append(1)
        if len(calls) != nth:
            return None
        error = {"Error": {"Code": "InternalError", "Message": "injected"}}
        response = type("Http", (), {"status_code": 500, "headers": {}, "content": b""})()
        return response, {**error, "ResponseMetadata": {"HTTPStatusCode": 500}}

    return f"before-call.s3.{operation}", hook


def _break_reads(reset: bool):
    def hook(**kwargs):
        body, size = kwargs["parsed"]["Body"], int(kwargs["parsed"]["ContentLength"])
        kwargs["parsed"]["Body"] = StreamingBody(HalfThenFault(body._raw_stream, size, reset), size)

    return "after-call.s3.GetObject", hook


@pytest.fixture
def clean_run(s3, bucket, champion_predictor) -> dict[str, bytes]:
    s3.put_object(Bucket=bucket, Key=input_key(PERIOD), Body=DATA.read_bytes())
    score_period(s3, bucket, PERIOD, predictor=champion_predictor)
    outputs = _outputs(s3, bucket)
    for key in [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="scores/")["Contents"]]:
        s3.delete_object(Bucket=bucket, Key=key)
    return outputs


@pytest.mark.parametrize(
    "fault",
    [
        _break_reads(reset=True),
        _break_reads(reset=False),
        _refuse("PutObject", 2),  # staging: the second output
        _refuse("CopyObject", 2),  # publishing: the second output copied into place
        _refuse("PutObject", 4),  # publishing: the run record, written last
    ],
    ids=[
        "read-reset-midway",
        "read-truncated",
        "stage-second-output",
        "publish-second-output",
        "publish-record",
    ],
)
def test_a_fault_leaves_nothing_and_the_rerun_writes_the_same_bytes(
    s3, bucket, champion_predictor, clean_run, fault
):
    event, hook = fault
    s3.meta.events.register(event, hook)
    try:
        with pytest.raises(BatchError) as failed:
            score_period(s3, bucket, PERIOD, predictor=champion_predictor)
    finally:
        s3.meta.events.unregister(event, hook)
    message = str(failed.value)
    assert message.count(". ") == 0 and message.endswith("."), message  # one sentence
    _nothing_left(s3, bucket)
    score_period(s3, bucket, PERIOD, predictor=champion_predictor)
    assert _outputs(s3, bucket) == clean_run
