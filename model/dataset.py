"""Import the Bikeshare table and write it as one CSV per month under data/.

The table ships in the ISLP wheel (BSD licence); it originates from the UCI Bike Sharing
data set (Fanaee-T and Gama, 2013, CC BY 4.0). ISLP is downloaded, not installed.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pandas as pd

from model.schema import COLUMNS, MONTHS

ISLP_VERSION = "0.6.0"
MEMBER = "ISLP/data/Bikeshare.csv"
YEAR = 2011


def download_bikeshare() -> pd.DataFrame:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-deps",
                f"ISLP=={ISLP_VERSION}",
                "-d",
                tmp,
            ],
            check=True,
        )
        wheel = next(Path(tmp).glob("*.whl"))
        with zipfile.ZipFile(wheel) as zf, zf.open(MEMBER) as fh:
            return pd.read_csv(fh)


def split_by_month(table: pd.DataFrame, out_dir: Path) -> list[Path]:
    """Write one file per month, named YYYY-MM.csv, rows in (day, hr) order."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    table = table[[c.name for c in COLUMNS]].sort_values(["day", "hr"])
    for number, name in enumerate(MONTHS, start=1):
        path = out_dir / f"{YEAR}-{number:02d}.csv"
        table[table["mnth"] == name].to_csv(path, index=False, float_format="%.4f")
        written.append(path)
    return written
