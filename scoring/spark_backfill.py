"""Backfill on Apache Spark: the row checks and predictor of scoring/job.py, run in parallel.

    python -m scoring.spark_backfill --input 'data/2011-*.csv' --output build/backfill \\
        [--master local[2]]

Each executor loads the champion from the bento's model (shipped with the job as an exported
.bentomodel file, so a cluster needs no model store) once per Python worker, and scores
Arrow batches with `mapInArrow` through scoring.rows.score_rows: the same function as the
single-process job, so both give the same predictions and rejects row for row. Outputs are
Parquet datasets partitioned by period (predictions/ and rejects/), committed by Spark's
output committer. Input files must be named <YYYY-MM>.csv: the period comes from the name.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa

from scoring.rows import LINE, PERIOD, PREDICTION, REASON, score_rows

PERIOD_FILE = re.compile(r"(\d{4}-\d{2})\.csv$")
RAW = "raw"  # a rejected row as read, one JSON object (null for scored rows: few columns out)
# What the scorer yields, as Spark DDL and as the Arrow schema of each batch.
SCHEMA = (
    f"{LINE} long, day long, hr long, {PREDICTION} double, {REASON} string, "
    f"{RAW} string, {PERIOD} string"
)
OUT_SCHEMA = pa.schema(
    [
        (LINE, pa.int64()),
        ("day", pa.int64()),
        ("hr", pa.int64()),
        (PREDICTION, pa.float64()),
        (REASON, pa.string()),
        (RAW, pa.string()),
        (PERIOD, pa.string()),
    ]
)
_PREDICTORS: dict[str, object] = {}  # per Python worker: load once, not per batch


def session(master: str = "local[2]", app: str = "bikeshare-backfill"):
    """A Spark session whose Python workers run this interpreter (and so find pandas)."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    if master.startswith("local"):
        # Local workers import this checkout's code, whatever the interpreter's install points
        # at; on a cluster, ship the code with --py-files (see scoring/README.md).
        root = str(Path(__file__).resolve().parents[1])
        paths = os.environ.get("PYTHONPATH", "").split(os.pathsep)
        if root not in paths:
            os.environ["PYTHONPATH"] = os.pathsep.join([root, *filter(None, paths)])
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master(master)
        .appName(app)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "50000")
        .getOrCreate()
    )


def read_periods(spark, paths: list[str]):
    """CSV rows as text, with the period (from the file name) and the row's line in its file
    (the same numbering as the single-process job: header = line 1)."""
    from pyspark.sql import functions as F

    rows = (
        spark.read.option("header", True)
        .csv(paths)
        .select(
            "*",
            F.col("_metadata.file_path").alias("_file"),
            F.col("_metadata.file_block_start").alias("_block"),
            F.monotonically_increasing_id().alias("_id"),
        )
    )
    # Line numbers without a global sort: count rows per file block, then offset each block
    # by the rows of the blocks before it in the same file.
    blocks = rows.groupBy("_file", "_block").agg(
        F.count("*").alias("_rows"), F.min("_id").alias("_first")
    )
    offsets, seen = [], {}
    for block in sorted(blocks.collect(), key=lambda b: (b["_file"], b["_block"])):
        before = seen.get(block["_file"], 0)
        offsets.append((block["_file"], block["_block"], block["_first"], before))
        seen[block["_file"]] = before + block["_rows"]
    for file in seen:
        if not PERIOD_FILE.search(file):
            raise ValueError(f"{file}: input files must be named <YYYY-MM>.csv.")
    table = spark.createDataFrame(offsets, "_file string, _block long, _first long, _before long")
    numbered = rows.join(F.broadcast(table), ["_file", "_block"])
    line = F.col("_id") - F.col("_first") + F.col("_before") + F.lit(2)
    period = F.regexp_extract(F.col("_file"), PERIOD_FILE.pattern, 1)
    columns = [c for c in rows.columns if not c.startswith("_")]
    return numbered.select(
        line.cast("long").alias(LINE), period.alias(PERIOD), *[F.col(f"`{c}`") for c in columns]
    )


def _predictor(tag: str, shipped: str | None):
    if tag not in _PREDICTORS:
        from bentoml.exceptions import NotFound

        from scoring.job import load_predictor

        try:
            _PREDICTORS[tag] = load_predictor(tag)
        except NotFound:
            if shipped is None:
                raise
            import bentoml
            from pyspark import SparkFiles

            bentoml.models.import_model(SparkFiles.get(shipped))
            _PREDICTORS[tag] = load_predictor(tag)
    return _PREDICTORS[tag]


def _scorer(tag: str, shipped: str | None, columns: list[str]):
    """Arrow record batches in and out (`mapInArrow`): the text columns stay Arrow strings, as
    in the single-process job (scoring/rows.py reads CSV with Arrow), instead of becoming a
    Python object per cell the way `mapInPandas` hands them over."""

    def score(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        predictor = _predictor(tag, shipped)
        for batch in batches:
            frame = batch.to_pandas(types_mapper=pd.ArrowDtype)
            for period, part in frame.groupby(PERIOD, sort=False):
                rows = part.drop(columns=PERIOD).fillna("").reset_index(drop=True)
                scored = score_rows(predictor, rows, period)
                predictions = scored.predictions.assign(**{REASON: None, RAW: None})
                rejects = scored.rejects[[LINE, REASON]].assign(
                    **{RAW: [json.dumps(r) for r in scored.rejects[columns].to_dict("records")]}
                )
                out = pd.concat([predictions, rejects], ignore_index=True).assign(
                    **{PERIOD: str(period)}
                )
                yield pa.RecordBatch.from_pandas(out, schema=OUT_SCHEMA, preserve_index=False)

    return score


def ship_model(spark, tag: str) -> str:
    """Export the model next to the job so executors without a model store can import it.
    A driver without the model (e.g. on EMR) relies on `--files <name>-<version>.bentomodel`."""
    import bentoml
    from bentoml.exceptions import NotFound

    name, version = tag.split(":")
    target = Path(tempfile.mkdtemp(prefix="bikeshare-model-")) / f"{name}-{version}.bentomodel"
    try:
        bentoml.models.export_model(tag, str(target))
    except NotFound:
        return target.name
    spark.sparkContext.addFile(str(target))
    return target.name


def score(spark, rows, tag: str, shipped: str | None = None):
    """The combined result: one row per input row, scored (reason null) or rejected."""
    columns = [c for c in rows.columns if c not in (LINE, PERIOD)]
    return rows.mapInArrow(_scorer(tag, shipped, columns), SCHEMA)


def split(result, columns: list[str]):
    """(predictions, rejects) with the same columns as the single-process job's files."""
    from pyspark.sql import functions as F

    scored = result.where(F.col(REASON).isNull())
    predictions = scored.select(PERIOD, LINE, "day", "hr", PREDICTION)
    text = ", ".join(f"`{c}` string" for c in columns)
    rejects = (
        result.where(F.col(REASON).isNotNull())
        .withColumn(RAW, F.from_json(RAW, text))
        .select(PERIOD, LINE, *[F.col(RAW)[c].alias(c) for c in columns], REASON)
    )
    return predictions, rejects


def backfill(spark, paths: list[str], tag: str, ship: bool = True):
    rows = read_periods(spark, paths)
    shipped = ship_model(spark, tag) if ship else None
    columns = [c for c in rows.columns if c not in (LINE, PERIOD)]
    return split(score(spark, rows, tag, shipped).cache(), columns)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bikeshare-backfill", description=__doc__)
    parser.add_argument("--input", nargs="+", required=True, help="CSV files or globs")
    parser.add_argument("--output", required=True, help="directory or s3:// prefix")
    parser.add_argument(
        "--master",
        default=os.environ.get("SPARK_MASTER", "local[2]"),
        help="Spark master URL: local[N] here, yarn on EMR, k8s://… (default: %(default)s)",
    )
    parser.add_argument(
        "--model", help="bento model tag, name:version (default: config/champion.json's)"
    )
    args = parser.parse_args(argv)
    started = time.monotonic()

    def progress(stage: str) -> None:  # Spark is quiet for tens of seconds: say where it is
        print(f"[{time.monotonic() - started:6.1f} s] {stage}", flush=True)

    if args.model is None:
        from scoring.job import champion

        args.model = champion().bento_model_tag
    version = args.model.split(":", 1)[1]
    progress(f"starting Spark ({args.master})")
    spark = session(args.master)
    try:
        progress("session ready; reading and numbering rows")
        predictions, rejects = backfill(spark, args.input, args.model)
        out = f"{args.output.rstrip('/')}/{version}"
        progress(f"scoring with {args.model}, writing predictions")
        predictions.write.mode("overwrite").partitionBy(PERIOD).parquet(f"{out}/predictions")
        progress("writing rejects")
        rejects.write.mode("overwrite").partitionBy(PERIOD).parquet(f"{out}/rejects")
        progress("counting")
        counts = {r[PERIOD]: r["count"] for r in predictions.groupBy(PERIOD).count().collect()}
        rejected = {r[PERIOD]: r["count"] for r in rejects.groupBy(PERIOD).count().collect()}
    finally:
        spark.stop()
    for period in sorted(set(counts) | set(rejected)):
        print(f"{period}: {counts.get(period, 0)} scored, {rejected.get(period, 0)} rejected")
    print(f"model {version} -> {out}/{{predictions,rejects}}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
