"""S3 layout and atomic, reproducible writes for batch scoring.

Layout in the artifacts bucket:
  input/<period>.csv                                   what the job reads
  scores/<period>/<model version>/predictions.parquet  one row per scored input row
  scores/<period>/<model version>/rejects.parquet      one row per rejected row, with reason
  scores/<period>/<model version>/run.json             the run record, written LAST
  _tmp/<run id>/...                                    staging, removed at the end

The run record is the commit marker: outputs without a record are not a result. Outputs are
staged under a temporary key, copied into place, then the record is written; a failure while
copying deletes what was copied. Parquet bytes depend only on the rows (no timestamps, a
fixed writer), so a re-run writes the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import os
import signal
import uuid
from collections.abc import Mapping

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

TEMP_ROOT = "_tmp"
RECORD = "run.json"
# Test hook: kill the process (SIGKILL, no cleanup runs) right after the named step.
CRASH_AFTER = "BIKESHARE_BATCH_CRASH_AFTER"


def input_key(period: str) -> str:
    return f"input/{period}.csv"


def output_prefix(period: str, model_version: str) -> str:
    return f"scores/{period}/{model_version}/"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    """Deterministic Parquet: no index, no pandas metadata (it carries no time, but also
    nothing a reader needs), one row group, fixed compression; created_by is the pinned
    pyarrow version, so the bytes change only with the rows or the pinned library."""
    table = pa.Table.from_pandas(frame, preserve_index=False).replace_schema_metadata(None)
    buffer = io.BytesIO()
    pq.write_table(
        table,
        buffer,
        compression="zstd",
        row_group_size=max(1, len(frame)),
        write_statistics=True,
        store_schema=False,
    )
    return buffer.getvalue()


def _checkpoint(step: str) -> None:
    if os.environ.get(CRASH_AFTER) == step:
        os.kill(os.getpid(), signal.SIGKILL)


def read_object(s3, bucket: str, key: str) -> bytes:
    return s3.get_object(Bucket=bucket, Key=key)["Body"].read()


def keys_under(s3, bucket: str, prefix: str) -> list[str]:
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    return [item["Key"] for page in pages for item in page.get("Contents", [])]


def _delete(s3, bucket: str, keys: list[str]) -> None:
    for start in range(0, len(keys), 1000):
        chunk = [{"Key": k} for k in keys[start : start + 1000]]
        if chunk:
            s3.delete_objects(Bucket=bucket, Delete={"Objects": chunk, "Quiet": True})


def publish(s3, bucket: str, prefix: str, outputs: Mapping[str, bytes], record: bytes) -> list[str]:
    """Stage outputs under a temporary key, copy them into place, then write the record.

    Returns the final keys. On any error nothing new is left visible: copied outputs are
    deleted and the previous record (if any) was removed before the first copy, so no
    record ever describes outputs it did not produce.
    """
    staging = f"{TEMP_ROOT}/{uuid.uuid4().hex}/{prefix}"
    staged: list[str] = []
    published: list[str] = []
    try:
        for name, data in outputs.items():
            s3.put_object(Bucket=bucket, Key=staging + name, Body=data)
            staged.append(staging + name)
        _checkpoint("staged")
        s3.delete_object(Bucket=bucket, Key=prefix + RECORD)
        for name in outputs:
            s3.copy_object(
                Bucket=bucket,
                Key=prefix + name,
                CopySource={"Bucket": bucket, "Key": staging + name},
            )
            published.append(prefix + name)
            _checkpoint(f"copied:{name}")
        s3.put_object(
            Bucket=bucket, Key=prefix + RECORD, Body=record, ContentType="application/json"
        )
    except BaseException:
        _delete(s3, bucket, published)
        raise
    finally:
        _delete(s3, bucket, staged)
    return [*published, prefix + RECORD]
