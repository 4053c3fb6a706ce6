"""The landing prefix into data PRs: `landing/<YYYY-MM>.csv` in the artifacts bucket.

For each month there: already in data/ → nothing; handled before with the same bytes (its
state object `landing/_state/<month>.json` says opened or rejected, with the reason) →
nothing, so a rejection is said once; else the data contract decides: rejected → the state
records why and the run prints it; accepted → branch `data/<month>` with data/<month>.csv,
its datasheet entry and the PR body (build/intake/<month>.md), then the state. A new upload of
a rejected month (other bytes) is judged again."""

from __future__ import annotations

import calendar
import json
import re
from dataclasses import dataclass
from pathlib import Path

from gitops import git
from intake import check, datasheet
from model.schema import COLUMNS, MONTHS

PREFIX = "landing/"
STATE = "landing/_state/"
MONTH_KEY = re.compile(r"^landing/(\d{4}-(0[1-9]|1[0-2]))\.csv$")
BODY_DIR = Path("build/intake")


@dataclass(frozen=True)
class Outcome:
    month: str
    status: str  # opened | rejected | skipped
    detail: str


def listed(s3, bucket: str) -> set[str]:
    """Every key under the landing prefix (the months and their state objects)."""
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=PREFIX)
    return {o["Key"] for page in pages for o in page.get("Contents", [])}


def landed(keys: set[str]) -> list[str]:
    return sorted(m.group(1) for k in keys if (m := MONTH_KEY.match(k)))


def state(s3, bucket: str, month: str, keys: set[str]) -> dict | None:
    """The month's state object, if the listing has one. Only listed keys are read: S3 answers
    a missing key with 404 only to a caller allowed s3:ListBucket, and the intake role's listing
    is limited to landing/ by an s3:prefix condition (modules/github-oidc) that a GetObject does
    not carry: a month never handled could come back 403 AccessDenied, not NoSuchKey."""
    key = f"{STATE}{month}.json"
    if key not in keys:
        return None
    return json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())


def remember(s3, bucket: str, month: str, record: dict) -> None:
    body = (json.dumps(record, indent=2, sort_keys=True) + "\n").encode()
    s3.put_object(Bucket=bucket, Key=f"{STATE}{month}.json", Body=body)


def pr_body(month: str, uri: str, rows: int, digest: str, known: list[str] = ()) -> str:
    """The data PR: the verdict, the data contract's checks (model/validate.py, every one
    passed or no PR opens: intake/check.py) with what they found, and what the PR adds."""
    year, number = (int(part) for part in month.split("-"))
    hours = calendar.monthrange(year, number)[1] * 24
    others = f"{len(known)} months in git" + (f" ({known[0]} … {known[-1]})" if known else "")
    rows_table = [
        "| | check | found |",
        "|:-:|---|---|",
        f"| ✓ | a readable CSV with the schema's columns | {len(COLUMNS)} of {len(COLUMNS)}, "
        "no other (`model/schema.py`) |",
        f"| ✓ | every value in its range or category | {rows:,} rows × {len(COLUMNS)} columns |",
        f"| ✓ | one row per hour of {month} | no (day, hour) twice; {rows:,} of its {hours} "
        f"hours; every `mnth` is {MONTHS[number - 1]} |",
        "| ✓ | bikers = casual + registered | on every row |",
        f"| ✓ | no hour already in `data/` | none shared with the {others} |",
    ]
    return "\n".join(
        [
            f"## ✓ ACCEPTED: data {month} passed the data contract ({rows:,} rows)",
            "",
            *rows_table,
            "",
            "| this PR adds | rows | sha256 |",
            "|---|---:|---|",
            f"| `data/{month}.csv` | {rows:,} | `{digest}` |",
            "",
            f"Landed as `{uri}`; its entry in `data/DATASHEET.md` (source, rows, sha256) is "
            "in this PR too.",
            "",
            "**After merge** the retrain workflow starts (a push to `data/` on main): a model "
            "PR follows if the candidate passes the gate; a rejection is told in that run's "
            "summary.",
            "",
        ]
    )


def open_month(root: Path, month: str, data: bytes, uri: str) -> str:
    """Branch data/<month> with the file and its datasheet entry; HEAD stays where it was."""
    git.require_clean(root)
    known = [p.stem for p in sorted((root / "data").glob("????-??.csv")) if p.stem != month]
    branch = f"data/{month}"
    origin = git.current_branch(root)
    git.git(root, "switch", "--quiet", "-c", branch)
    try:
        name = f"{month}.csv"
        (root / "data" / name).write_bytes(data)
        digest = check.sha256(data)
        datasheet.add_entry(root / "data/DATASHEET.md", name, check.rows(data), digest, f"`{uri}`")
        git.commit(
            root,
            [Path("data") / name, Path("data/DATASHEET.md")],
            f"data: {month} from the landing prefix ({check.rows(data):,} rows)\n\n"
            f"Source: {uri}\nsha256: {digest}\n",
        )
    except BaseException:
        git.git(root, "reset", "--hard", "--quiet", check=False)
        git.git(root, "switch", "--quiet", origin, check=False)
        git.git(root, "branch", "-D", branch, check=False)
        raise
    git.git(root, "switch", "--quiet", origin)
    body = root / BODY_DIR / f"{month}.md"
    body.parent.mkdir(parents=True, exist_ok=True)
    body.write_text(pr_body(month, uri, check.rows(data), digest, known))
    return branch


def run(root: Path, s3, bucket: str) -> list[Outcome]:
    outcomes = []
    keys = listed(s3, bucket)
    for month in landed(keys):
        key = f"{PREFIX}{month}.csv"
        uri = f"s3://{bucket}/{key}"
        if (root / "data" / f"{month}.csv").exists():
            outcomes.append(Outcome(month, "skipped", f"data/{month}.csv is already in git"))
            continue
        data = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        digest = check.sha256(data)
        before = state(s3, bucket, month, keys)
        if before and before["sha256"] == digest:
            outcomes.append(Outcome(month, "skipped", f"already {before['status']}"))
            continue
        if git.branch_exists(root, f"data/{month}"):
            outcomes.append(Outcome(month, "skipped", f"branch data/{month} already exists"))
            continue
        reason = check.problem(root / "data", f"{month}.csv", data)
        if reason:
            remember(s3, bucket, month, {"status": "rejected", "sha256": digest, "reason": reason})
            outcomes.append(Outcome(month, "rejected", f"{uri} was not proposed: {reason}"))
            continue
        branch = open_month(root, month, data, uri)
        remember(s3, bucket, month, {"status": "opened", "sha256": digest, "branch": branch})
        outcomes.append(Outcome(month, "opened", branch))
    return outcomes
