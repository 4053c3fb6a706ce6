"""Synthetic batch input: N rows drawn from one period's real rows (its joint distribution),
with the weather columns jittered so that rows are not copies. Written as the period's CSV,
with every schema column, like the files the batch job reads."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from model.schema import BY_NAME

JITTERED = ("temp", "atemp", "hum", "windspeed")


def synthetic_rows(source: Path, rows: int, seed: int = 0) -> pd.DataFrame:
    real = pd.read_csv(source)
    rng = np.random.default_rng(seed)
    frame = real.iloc[rng.integers(0, len(real), rows)].reset_index(drop=True)
    for name in JITTERED:
        spec = BY_NAME[name]
        noisy = frame[name].to_numpy() + rng.normal(0, 0.02, rows)
        frame[name] = np.clip(noisy, spec.minimum, spec.maximum).round(4)
    return frame


def write_period(source: Path, target: Path, rows: int) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    synthetic_rows(source, rows).to_csv(target, index=False)
    return target
