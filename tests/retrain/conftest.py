"""A champion on 2011-01 … 2011-11 (built once per session): December arrives as new data."""

import contextlib
import io
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from threadpoolctl import threadpool_limits

from model import artifact, registry
from model import record as records
from model.cli import main
from model.pipeline import train_candidate
from model.train import load_params

REPO = Path(__file__).resolve().parents[2]
DECEMBER = REPO / "data" / "2011-12.csv"


def one_openmp_thread():
    """On 2 shared cores, OpenMP's spinning threads made one training 30x slower under load
    (98 s vs 3.4 s measured); one thread is plenty for 8,000 rows and keeps tests steady."""
    return threadpool_limits(limits=1, user_api="openmp")


@pytest.fixture(autouse=True)
def _one_thread_per_test():
    with one_openmp_thread():
        yield


@dataclass
class Workspace:
    data: Path
    champion: Path
    reports: Path
    out: Path

    def args(self, command: str, *extra: str) -> list[str]:
        """`python -m model` arguments that touch only this workspace."""
        where = ["--data", str(self.data), "--champion", str(self.champion), command]
        where += ["--monitoring", str(REPO / "config" / "monitoring.yaml")]
        if command == "retrain":
            where += ["--reports", str(self.reports), "--out", str(self.out)]
            if "--params" not in extra:
                where += ["--params", str(REPO / "config" / "params.yaml")]
        return [*where, *extra]


@pytest.fixture(scope="session")
def eleven_months(tmp_path_factory) -> Workspace:
    """Data up to November and its champion (holdout November), registered in the test store."""
    root = tmp_path_factory.mktemp("eleven-months")
    data = root / "data"
    data.mkdir()
    for path in sorted((REPO / "data").glob("2011-*.csv")):
        if path.name != DECEMBER.name:
            shutil.copy(path, data / path.name)
    champion = root / "champion.json"
    with one_openmp_thread():
        model, record, _ = train_candidate(data, load_params(REPO / "config" / "params.yaml"))
    # Pinned like a promoted champion (not registered in MLflow: no release from here).
    record["artifact"] = {"sha256": artifact.sha256(artifact.dumps(model))}
    # Other areas' tests may have registered this very version in the session's store.
    if registry.load(record["bento_model_tag"]) is None:
        registry.save(model, record)
    records.save(record, champion)
    return Workspace(data, champion, root / "reports", root / "out")


@pytest.fixture
def workspace(eleven_months, tmp_path) -> Workspace:
    """A private copy of the eleven-month data and champion record, free to change."""
    shutil.copytree(eleven_months.data, tmp_path / "data")
    shutil.copy(eleven_months.champion, tmp_path / "champion.json")
    return Workspace(
        tmp_path / "data", tmp_path / "champion.json", tmp_path / "reports", tmp_path / "out"
    )


def shifted_december(path: Path) -> None:
    """A valid month whose weather changed: half the hours rainy, wind 1.8 times stronger."""
    table = pd.read_csv(DECEMBER)
    rainy = np.arange(len(table)) % 2 == 0
    table.loc[rainy, "weathersit"] = "light rain/snow"
    table["windspeed"] = (table["windspeed"] * 1.8).clip(0, 1)
    table.to_csv(path, index=False, float_format="%.4f")


@pytest.fixture(scope="session")
def shifted_run(eleven_months, tmp_path_factory):
    """One retrain with the shifted December: (workspace, exit code, printed lines)."""
    root = tmp_path_factory.mktemp("shifted")
    shutil.copytree(eleven_months.data, root / "data")
    shutil.copy(eleven_months.champion, root / "champion.json")
    ws = type(eleven_months)(root / "data", root / "champion.json", root / "reports", root / "out")
    shifted_december(ws.data / DECEMBER.name)
    before = records.load(ws.champion)
    buffer = io.StringIO()  # capsys is function-scoped
    with contextlib.redirect_stdout(buffer), one_openmp_thread():
        code = main(ws.args("retrain"))
    return ws, before, code, buffer.getvalue()
