"""Drift of the period the job scored against the champion's training data, and what follows.

- The reference is the champion's training periods, read from data/ as shipped in the bento
  (bento/bentofile.yaml) and checked against the sha256 of each file in the champion record:
  the same rows the model learned from, or a clear error.
- The comparison is model/drift.py's (PSI, scipy's KS, range), with config/monitoring.yaml's
  thresholds: the same judgement as at retrain time.
- The report (drift.json) is published with the predictions, under the same atomic commit.
- Metrics go to a Prometheus Pushgateway (BIKESHARE_PUSHGATEWAY_URL): a batch job has no
  endpoint to scrape, and its outcome outlives the pod (see monitoring/README.md).
- With `retrain.min_alert_features` or more features in alert, the job can start the retrain
  workflow with a GitHub repository_dispatch (BIKESHARE_RETRAIN_REPOSITORY + GITHUB_TOKEN, the
  token from AWS Secrets Manager through an ExternalSecret). The payload carries the evidence:
  the period, its drift.json and the data it scored, each as S3 URI + sha256 + a presigned
  GET URL (the workflow needs no AWS credentials; the URL expires in an hour). One dispatch per
  cool-down (`retrain.cooldown_hours`): the last one is remembered in the bucket
  (scores/_dispatch/drift-retrain.json), so a re-run or the next period within it asks nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
import yaml

from model import paths
from model import record as records
from model.drift import compare, flagged
from model.validate import DataError, load_valid
from scoring.rows import BatchError

PUSHGATEWAY = "BIKESHARE_PUSHGATEWAY_URL"
RETRAIN_REPOSITORY = "BIKESHARE_RETRAIN_REPOSITORY"  # owner/name
GITHUB_API = "BIKESHARE_GITHUB_API"  # default https://api.github.com
DISPATCH_EVENT = "drift-retrain"
JOB = "bikeshare-score"
SAMPLE_ROWS = 50_000  # scored rows judged for drift (a fixed-seed sample above this)
DISPATCH_STATE = "scores/_dispatch/drift-retrain.json"
URL_SECONDS = 3600  # the presigned URLs in the payload: the workflow starts within minutes


@dataclass(frozen=True)
class Evidence:
    """Where the dispatch's evidence is: the bucket, the scored input and its drift.json."""

    s3: Any
    bucket: str
    data_key: str
    data_sha256: str
    drift_key: str
    drift_sha256: str

    def pointer(self, key: str, sha256: str) -> dict[str, str]:
        url = self.s3.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=URL_SECONDS
        )
        return {"uri": f"s3://{self.bucket}/{key}", "sha256": sha256, "url": url}

    def payload(self) -> dict[str, dict[str, str]]:
        return {
            "data": self.pointer(self.data_key, self.data_sha256),
            "drift": self.pointer(self.drift_key, self.drift_sha256),
        }


def settings(path: Path = paths.MONITORING) -> dict[str, Any]:
    return yaml.safe_load(path.read_text())


def reference(champion: dict[str, Any], data_dir: Path = paths.DATA) -> pd.DataFrame:
    """The champion's training rows, each file checked against the record's sha256."""
    files = []
    for period in champion["trained_on"]["periods"]:
        path = data_dir / f"{period}.csv"
        expected = champion["data"]["files"].get(path.name)
        if not path.exists() or records.file_sha256(path) != expected:
            raise BatchError(
                f"the drift reference {path.name} is missing or differs from the one champion "
                f"{champion['version']} was trained on; rebuild the bento from its commit."
            )
        files.append(path)
    try:
        return load_valid(files)
    except DataError as err:
        raise BatchError(f"the drift reference is not valid: {err}") from err


def report(
    period: str,
    champion: dict[str, Any],
    scored: pd.DataFrame,
    config: dict[str, Any],
    rows: int | None = None,
) -> dict[str, Any]:
    """drift.json: every feature's drift and the decision it leads to. `scored` may be a
    sample of the scored rows; `rows` is how many were scored (default: len(scored))."""
    drifts = compare(reference(champion), scored, config["drift"])
    alerts = [d.feature for d in flagged(drifts, "alert")]
    return {
        "period": period,
        "model_version": champion["version"],
        "reference_periods": champion["trained_on"]["periods"],
        "rows": len(scored) if rows is None else rows,
        "rows_judged": len(scored),
        "features": [
            {
                "feature": d.feature,
                "psi": d.psi,
                "ks": d.ks,
                "outside": d.outside,
                "status": d.status,
                "judged_on": d.judged_on,
            }
            for d in drifts
        ],
        "alert": alerts,
        "warn": [d.feature for d in flagged(drifts, "warn")],
        "retrain": len(alerts) >= config["retrain"]["min_alert_features"],
    }


def metrics(drift: dict[str, Any], rows: dict[str, int]) -> str:
    """The Prometheus text the job pushes (one group per job, labelled with its period)."""
    labels = f'period="{drift["period"]}",model_version="{drift["model_version"]}"'
    lines = [
        "# TYPE bikeshare_scoring_last_success_timestamp_seconds gauge",
        f"bikeshare_scoring_last_success_timestamp_seconds{{{labels}}} {_now()}",
        "# TYPE bikeshare_scoring_rows gauge",
        *[f'bikeshare_scoring_rows{{{labels},state="{k}"}} {v}' for k, v in sorted(rows.items())],
        "# TYPE bikeshare_scoring_drift_features gauge",
        *[
            f'bikeshare_scoring_drift_features{{{labels},status="{s}"}} {len(drift[s])}'
            for s in ("alert", "warn")
        ],
        "# TYPE bikeshare_scoring_drift_psi gauge",
        *[
            f'bikeshare_scoring_drift_psi{{{labels},feature="{f["feature"]}"}} {f["psi"]}'
            for f in drift["features"]
        ],
        "# TYPE bikeshare_scoring_retrain_requested gauge",
        f"bikeshare_scoring_retrain_requested{{{labels}}} {int(drift['retrain'])}",
    ]
    return "\n".join(lines) + "\n"


def _now() -> float:
    import time

    return round(time.time(), 3)


def push(url: str, text: str) -> None:
    """PUT replaces the job's group: the last run's figures, never a mix of runs."""
    try:
        response = httpx.put(f"{url.rstrip('/')}/metrics/job/{JOB}", content=text, timeout=10)
    except httpx.HTTPError as err:
        raise BatchError(f"the Pushgateway at {url} is not reachable ({err}).") from err
    if response.status_code >= 300:
        raise BatchError(f"the Pushgateway at {url} answered {response.status_code}.")


def dispatch_retrain(
    drift: dict[str, Any], repository: str, token: str, api: str, evidence: dict | None = None
) -> None:
    """Start the retrain workflow (`on: repository_dispatch: types: [drift-retrain]`)."""
    try:
        response = _post_dispatch(drift, repository, token, api, evidence or {})
    except httpx.HTTPError as err:
        raise BatchError(f"GitHub at {api} is not reachable ({err}).") from err
    if response.status_code != 204:
        raise BatchError(f"repository_dispatch to {repository} answered {response.status_code}.")


def _post_dispatch(
    drift: dict[str, Any], repository: str, token: str, api: str, evidence: dict
) -> httpx.Response:
    return httpx.post(
        f"{api.rstrip('/')}/repos/{repository}/dispatches",
        headers={
            "Authorization": f"Bearer {token}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
        },
        json={
            "event_type": DISPATCH_EVENT,
            # GitHub allows at most 10 top-level properties here.
            "client_payload": {k: drift[k] for k in ("period", "model_version", "alert")}
            | evidence,
        },
        timeout=10,
    )


def last_dispatch(evidence: Evidence) -> dict[str, Any] | None:
    try:
        body = evidence.s3.get_object(Bucket=evidence.bucket, Key=DISPATCH_STATE)["Body"].read()
    except evidence.s3.exceptions.NoSuchKey:
        return None
    return json.loads(body)


def within_cooldown(last: dict[str, Any] | None, hours: float, now: dt.datetime) -> bool:
    if last is None:
        return False
    return now - dt.datetime.fromisoformat(last["at"]) < dt.timedelta(hours=hours)


def remember_dispatch(evidence: Evidence, drift: dict[str, Any], now: dt.datetime) -> None:
    state = {"at": now.isoformat(), "period": drift["period"], "data": evidence.data_sha256}
    evidence.s3.put_object(
        Bucket=evidence.bucket,
        Key=DISPATCH_STATE,
        Body=dumps(state),
        ContentType="application/json",
    )


def follow_up(
    drift: dict[str, Any],
    rows: dict[str, int],
    env=os.environ,
    evidence: Evidence | None = None,
    cooldown_hours: float = 0,
    now: dt.datetime | None = None,
) -> list[str]:
    """Push the metrics and, beyond the threshold, ask for a retrain (at most once per
    cool-down, remembered in the bucket); returns what was done. Both are optional (unset
    variables): the report in the bucket is the record either way."""
    done = []
    if env.get(PUSHGATEWAY):
        push(env[PUSHGATEWAY], metrics(drift, rows))
        done.append(f"metrics pushed to {env[PUSHGATEWAY]}")
    if drift["retrain"] and env.get(RETRAIN_REPOSITORY):
        if not env.get("GITHUB_TOKEN"):
            raise BatchError(f"{RETRAIN_REPOSITORY} is set but GITHUB_TOKEN is not.")
        now = now or dt.datetime.now(dt.UTC)
        last = last_dispatch(evidence) if evidence else None
        if within_cooldown(last, cooldown_hours, now):
            done.append(
                f"retrain not requested again: one was requested at {last['at']} for "
                f"{last['period']}, within the {cooldown_hours:g} h cool-down"
            )
            return done
        api = env.get(GITHUB_API, "https://api.github.com")
        payload = evidence.payload() if evidence else None
        dispatch_retrain(drift, env[RETRAIN_REPOSITORY], env["GITHUB_TOKEN"], api, payload)
        if evidence:
            remember_dispatch(evidence, drift, now)
        done.append(f"retrain requested on {env[RETRAIN_REPOSITORY]}")
    return done


def dumps(drift: dict[str, Any]) -> bytes:
    return (json.dumps(drift, indent=2, sort_keys=True) + "\n").encode()
