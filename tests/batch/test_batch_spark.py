"""Spark (local mode) gives the same predictions and rejects as the single-process job."""

from __future__ import annotations

import sys

import pandas as pd
import pytest

from scoring.rows import PERIOD, read_rows, score_rows
from tests.batch.conftest import ROOT
from tests.batch.test_batch_score import BROKEN, _broken_csv

pytestmark = pytest.mark.slow  # a Spark session

PERIODS = {"2011-11": (ROOT / "data" / "2011-11.csv").read_bytes(), "2011-12": _broken_csv()}


@pytest.fixture(scope="module")
def spark():
    from scoring.spark_backfill import session

    spark = session("local[2]", app="bikeshare-batch-test")
    assert spark.conf.get("spark.ui.enabled") == "false"
    yield spark
    spark.stop()


def test_spark_local_equals_single_process_row_for_row(
    spark, champion_in_store, champion_predictor, tmp_path
):
    from scoring.spark_backfill import backfill

    for period, body in PERIODS.items():
        (tmp_path / f"{period}.csv").write_bytes(body)
    # Local mode reads the session's model store: no need to ship the model file.
    predictions, rejects = backfill(spark, [str(tmp_path / "*.csv")], champion_in_store, ship=False)
    spark_predictions = predictions.toPandas()
    spark_rejects = rejects.toPandas()
    assert spark.sparkContext.pythonExec == sys.executable

    for period, body in PERIODS.items():
        expected = score_rows(champion_predictor, read_rows(body, period), period)
        got = _rows_of(spark_predictions, period).astype({"day": "int64", "hr": "int64"})
        pd.testing.assert_frame_equal(got, expected.predictions, check_exact=True)
        pd.testing.assert_frame_equal(_rows_of(spark_rejects, period), expected.rejects)
    assert len(spark_rejects) == len(BROKEN)
    assert len(spark_predictions) + len(spark_rejects) == sum(
        len(read_rows(body, p)) for p, body in PERIODS.items()
    )


def _rows_of(frame: pd.DataFrame, period: str) -> pd.DataFrame:
    rows = frame[frame[PERIOD] == period].drop(columns=PERIOD)
    return rows.sort_values("line").reset_index(drop=True)
