"""make golden: a few rows of the latest month and the champion's exact answers to them.

The verification Job (bento/verify.py) sends these rows to a running release and requires
the same numbers, bit for bit. The answers are computed here in process from the champion in
the BentoML store (`make register` puts it there), the way the service computes them:
predictions clipped at 0 and rounded to 3 decimals.
"""

from __future__ import annotations

import json
from pathlib import Path

from gitops.errors import Refusal
from model import paths

ROWS = 8


def golden_set(data_dir: Path, record: dict) -> dict:
    import numpy as np
    import pandas as pd

    from model.registry import load
    from model.schema import FEATURES
    from model.validate import data_files

    model = load(record["bento_model_tag"])
    if model is None:
        raise Refusal(
            f"{record['bento_model_tag']} is not in the BentoML store: run make register."
        )
    latest = pd.read_csv(data_files(data_dir)[-1])
    # Evenly spread over the month: night, peaks, weekends and weather all show up.
    rows = latest.iloc[np.linspace(0, len(latest) - 1, ROWS).round().astype(int)]
    records = rows[list(FEATURES)].to_dict("records")
    rentals = np.clip(model.predict(pd.DataFrame(records)[list(FEATURES)]), 0, None).round(3)
    return {
        "model_version": record["version"],
        "bento_model_tag": record["bento_model_tag"],
        "records": records,
        "rentals": rentals.tolist(),
    }


def write_golden(root: Path, data_dir: Path) -> str:
    from model.record import CHAMPION_PATH
    from model.record import load as load_record

    record = load_record(root / CHAMPION_PATH)
    if record is None:
        raise Refusal("no champion record: train one first (make train).")
    golden = golden_set(root / data_dir, record)
    path = root / paths.GOLDEN_IN_REPO
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(golden, indent=2, sort_keys=True) + "\n")
    return f"{paths.GOLDEN_IN_REPO}: {len(golden['records'])} rows, model {golden['model_version']}"
