"""One inference path: the online service (over HTTP), the scheduled scoring job (S3 on moto)
and the Spark backfill (local mode) give bit-identical predictions for the same rows."""

from __future__ import annotations

import io

import httpx
import numpy as np
import pandas as pd
import pytest

from model.schema import FEATURES
from scoring.job import champion, score_period
from scoring.store import input_key, output_prefix
from tests.batch.conftest import ROOT

PERIOD = "2011-12"
DATA = ROOT / "data" / f"{PERIOD}.csv"

pytestmark = pytest.mark.slow


def test_service_job_and_spark_predict_the_same_bits(
    service, s3, bucket, champion_predictor, champion_in_store, tmp_path
):
    rows = pd.read_csv(DATA)
    url, _ = service
    columns = {name: rows[name].tolist() for name in FEATURES}
    answer = httpx.post(f"{url}/predict_batch", json={"columns": columns}, timeout=60)
    online = np.array(answer.raise_for_status().json()["rentals"])

    s3.put_object(Bucket=bucket, Key=input_key(PERIOD), Body=DATA.read_bytes())
    score_period(s3, bucket, PERIOD, predictor=champion_predictor)
    key = output_prefix(PERIOD, champion().version) + "predictions.parquet"
    job = pd.read_parquet(io.BytesIO(s3.get_object(Bucket=bucket, Key=key)["Body"].read()))

    from scoring.spark_backfill import backfill, session

    spark = session("local[1]", app="bikeshare-one-path-test")
    try:
        (tmp_path / DATA.name).write_bytes(DATA.read_bytes())
        predictions, _ = backfill(spark, [str(tmp_path / DATA.name)], champion_in_store, ship=False)
        backfilled = predictions.toPandas().sort_values("line")
    finally:
        spark.stop()

    assert len(online) == len(job) == len(backfilled) == len(rows)
    assert np.array_equal(online, job["predicted_bikers"].to_numpy())
    assert np.array_equal(online, backfilled["predicted_bikers"].to_numpy())
