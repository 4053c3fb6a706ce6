"""Request bodies made from the real data: single rows, records batches, columnar batches."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from model.schema import FEATURES


def feature_rows(data_dir: Path, rows: int, seed: int = 0) -> pd.DataFrame:
    table = pd.concat(pd.read_csv(p) for p in sorted(data_dir.glob("*.csv")))
    return table[list(FEATURES)].sample(rows, replace=True, random_state=seed)


def records_body(frame: pd.DataFrame) -> dict:
    return {"records": json.loads(frame.to_json(orient="records"))}


def columns_body(frame: pd.DataFrame) -> dict:
    return {"columns": {name: frame[name].tolist() for name in frame.columns}}


def write_bodies(data_dir: Path, out_dir: Path) -> dict[str, Path]:
    """One file per scenario shape: hey sends the same body for every request."""
    out_dir.mkdir(parents=True, exist_ok=True)
    shapes = {
        "row": records_body(feature_rows(data_dir, 1)),
        "records100": records_body(feature_rows(data_dir, 100)),
        "columns10k": columns_body(feature_rows(data_dir, 10_000)),
    }
    paths = {}
    for name, body in shapes.items():
        paths[name] = out_dir / f"{name}.json"
        paths[name].write_text(json.dumps(body))
    return paths
