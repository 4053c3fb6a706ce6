"""The steps of the training flow (model/flow.py): train a candidate, score the champion on
the same holdout, judge; and rebuild or load the champion for the model store (the local
default only: the release path, model/release.py, fetches the registered artifact instead)."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import version as dist_version
from pathlib import Path
from typing import Any

import pandas as pd
from sklearn.pipeline import Pipeline

from model import artifact, behaviour, fairness, registry
from model import record as records
from model.evaluate import evaluate
from model.gate import Verdict, judge
from model.schema import TARGET
from model.train import fit, predict, source_sha256, split, version_of
from model.validate import DataError, data_files, load_valid


@dataclass
class Outcome:
    candidate: dict[str, Any]
    champion_metrics: dict[str, Any] | None
    champion_version: str | None
    verdict: Verdict
    promoted: bool


def train_candidate(
    data_dir: Path, params: dict[str, Any]
) -> tuple[Pipeline, dict[str, Any], pd.DataFrame]:
    """Validate the data and train; return the model, its record and the holdout rows."""
    files = data_files(data_dir)
    table = load_valid(files)
    if table["period"].nunique() < 2:
        raise DataError(f"{data_dir}: need at least two periods (one to train, one to hold out).")
    train, holdout = split(table)
    model = artifact.canonical(fit(train, params))
    metrics = evaluate(holdout, predict(model, holdout), TARGET, params)
    fingerprint = records.fingerprint(files)
    code_sha = source_sha256()
    holdout_period = str(holdout["period"].iloc[0])
    version = version_of(holdout_period, fingerprint["sha256"], params, code_sha)
    record = {
        "version": version,
        "bento_model_tag": registry.tag_for(version),
        "trained_on": {"periods": sorted(train["period"].unique()), "holdout": holdout_period},
        "data": {"fingerprint": fingerprint["sha256"], "files": fingerprint["files"]},
        "metrics": metrics,
        "params": params,
        "code_commit": records.code_commit(),
        "code_sha256": code_sha,
        "libraries": {name: dist_version(name) for name in ("scikit-learn", "bentoml")},
    }
    return model, record, holdout


def champion_on(holdout: pd.DataFrame, champion: dict, data_dir: Path, params: dict) -> dict:
    """The champion's metrics on the candidate's holdout, so both are judged on the same rows."""
    holdout_period = str(holdout["period"].iloc[0])
    same_rows = champion["trained_on"]["holdout"] == holdout_period and champion["data"][
        "files"
    ].get(f"{holdout_period}.csv") == records.file_sha256(data_dir / f"{holdout_period}.csv")
    if same_rows:
        return champion["metrics"]
    model = ensure_registered(champion, data_dir)
    return evaluate(holdout, predict(model, holdout), TARGET, params)


def ensure_registered(champion: dict, data_dir: Path) -> Pipeline:
    """Load the champion from the store (its file checked against the record's sha256), or
    rebuild it from git (data + params) and register it only when the rebuild reproduces the
    recorded metrics and the pinned sha256 byte for byte. For the local default (a fresh
    clone has no MLflow store); `make release-model` never comes here."""
    try:
        model = registry.load_checked(champion)
    except artifact.ArtifactError as err:  # e.g. a store filled before the record pinned bytes
        raise artifact.ArtifactError(
            f"{str(err).rstrip('.')}; remove it with `bentoml models delete "
            f"{champion['bento_model_tag']}` and run `make register` again."
        ) from err
    if model is not None:
        return model
    artifact.pinned(champion)  # a record that pins nothing is refused before training
    periods = [*champion["trained_on"]["periods"], champion["trained_on"]["holdout"]]
    files = [data_dir / f"{p}.csv" for p in periods]
    for path in files:
        if not path.exists() or records.file_sha256(path) != champion["data"]["files"].get(
            path.name
        ):
            raise DataError(
                f"champion {champion['version']} cannot be rebuilt: {path} is missing or changed "
                "since it was trained; run `make release-model` to fetch it from the registry."
            )
    table = load_valid(files)
    train, holdout = split(table)
    model = artifact.canonical(fit(train, champion["params"]))
    metrics = evaluate(holdout, predict(model, holdout), TARGET, champion["params"])
    if metrics != champion["metrics"]:
        raise DataError(
            f"champion {champion['version']} rebuilt from git does not reproduce its recorded "
            "metrics (the training code changed); run `make release-model` to fetch it instead."
        )
    # Same metrics but other bytes (another library build): not the reviewed artifact.
    registry.save_bytes(artifact.dumps(model), champion, "the model rebuilt from git")
    return model


def gate_candidate(
    data_dir: Path, params: dict, champion: dict | None
) -> tuple[Outcome, Pipeline, pd.DataFrame]:
    """Train a candidate and judge it against the champion; nothing is saved here.
    Returns the outcome, the candidate model and its holdout rows."""
    model, candidate, holdout = train_candidate(data_dir, params)
    # Per-group disparity (model/fairness.py) beside, not inside, evaluate()'s metrics: those
    # are compared with equality against recorded ones. It travels in the candidate record
    # and in the champion's holdout metrics, so gate.json and the report show both.
    candidate["fairness"] = fairness.measure(holdout, predict(model, holdout), TARGET, params)
    champion_metrics = champion_fairness = None
    if champion:
        champion_metrics = champion_on(holdout, champion, data_dir, params)
        champion_fairness = _champion_fairness(champion, champion_metrics, holdout, params)
        champion_metrics = {**champion_metrics, "fairness": champion_fairness}
    # Behavioural tests travel in the record too (the report and gate.json show them).
    behaved = behaviour.run(model, holdout)
    candidate["behaviour"] = behaviour.as_json(behaved)
    verdict = judge(
        candidate["metrics"],
        champion_metrics,
        params["gate"],
        disparity=candidate["fairness"],
        champion_disparity=champion_fairness,
        behaved=behaved,
    )
    outcome = Outcome(
        candidate, champion_metrics, champion and champion["version"], verdict, verdict.passed
    )
    return outcome, model, holdout


def _champion_fairness(
    champion: dict, metrics: dict[str, Any], holdout: pd.DataFrame, params: dict
) -> dict[str, Any]:
    """The champion's per-group figures on the candidate's holdout: MetricFrame on its
    predictions when its model is in the store (always so once champion_on re-scored it on
    new rows); otherwise its recorded metrics stand for these same rows, as in champion_on."""
    model = registry.load(champion["bento_model_tag"])
    if model is None:
        return fairness.from_slices(metrics, params)
    return fairness.measure(holdout, predict(model, holdout), TARGET, params)
