"""The retrain workflow's side of a drift dispatch (scoring/drift.py): fetch the data the job
scored through the payload's presigned URL, check its sha256, and add it as the new month when
it is training data the contract accepts and not in git yet; either way write why this run
retrains (build/drift-retrain.md, part of the model PR's body)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from intake import check, datasheet

NOTE = Path("build/drift-retrain.md")


class DispatchError(ValueError):
    """The dispatch cannot be used: one sentence, what is wrong and what to do."""


def fetch(pointer: dict) -> bytes:
    try:
        response = httpx.get(pointer["url"], timeout=60)
    except httpx.HTTPError as err:
        raise DispatchError(f"cannot fetch {pointer['uri']} ({err}).") from err
    if response.status_code != 200:
        raise DispatchError(
            f"fetching {pointer['uri']} answered {response.status_code}: the presigned URL "
            "expires after an hour; run the scoring job again or retrain by hand."
        )
    if check.sha256(response.content) != pointer["sha256"]:
        raise DispatchError(f"{pointer['uri']} does not hash to the sha256 in the dispatch.")
    return response.content


def apply(root: Path, payload: dict) -> str:
    """Add the scored period as data when it can be; returns the note for the PR body."""
    report = json.loads(fetch(payload["drift"])) if "drift" in payload else None
    name = f"{payload['period']}.csv"
    if (root / "data" / name).exists():
        decision = f"`data/{name}` is already in git: this run retrains on the data in git."
    elif "data" not in payload:
        decision = "the dispatch names no data: this run retrains on the data in git."
    else:
        data = fetch(payload["data"])
        reason = check.problem(root / "data", name, data)
        if reason:
            decision = (
                f"the scored data is not training data the contract accepts ({reason}); this "
                "run retrains on the data in git."
            )
        else:
            (root / "data" / name).write_bytes(data)
            datasheet.add_entry(
                root / "data/DATASHEET.md",
                name,
                check.rows(data),
                check.sha256(data),
                f"`{payload['data']['uri']}` (drift dispatch)",
            )
            decision = f"the scored data became `data/{name}` ({check.rows(data):,} rows)."
    text = note(payload, report, decision)
    (root / NOTE).parent.mkdir(parents=True, exist_ok=True)
    (root / NOTE).write_text(text)
    return text


def note(payload: dict, report: dict | None, decision: str) -> str:
    """Why this run retrains, for the model PR's body under its checks (model_report.py
    --note): one paragraph, the dispatch's files collapsed."""
    period, alert = payload["period"], payload.get("alert", [])
    features = ", ".join(f"`{a}`" for a in alert) or "none"
    lines = [
        f"**Why this retrain:** drift in {period}. The scoring job found {len(alert)} "
        f"feature(s) beyond the alert threshold against model "
        f"{payload.get('model_version', '?')}'s training data ({features}); {decision}",
        "",
        "<details><summary>The drift dispatch: its drift report and scored data</summary>",
        "",
    ]
    for what in ("drift", "data"):
        if what in payload:
            lines.append(f"- {what}: `{payload[what]['uri']}` (sha256 `{payload[what]['sha256']}`)")
    if report is not None:
        flagged = ", ".join(f"`{a}`" for a in report.get("alert", [])) or "none"
        lines.append(
            f"- the drift report asks for a retrain: {'yes' if report.get('retrain') else 'no'}; "
            f"features at alert: {flagged}"
        )
    return "\n".join([*lines, "", "</details>", ""])
