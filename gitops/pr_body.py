"""The PR bodies: what a reviewer needs to approve a promotion or a rollback in a minute.

A promotion body shows the evidence from where the release ran (each check, latencies, error
rate, how long it ran, when and on which cluster), the model change against what the target
runs now, the rendered diff per resource (collapsed when long) and what happens on merge. It
ends with the commit's trailers, so a squash merge that keeps the PR body keeps them too.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import yaml

from gitops import git
from gitops.layout import CHAMPION, Release, champion

COLLAPSE_LINES = 25  # a resource's diff longer than this is folded into <details>


def _ms(value) -> str:
    return f"{value:.1f} ms" if isinstance(value, int | float) else "?"


def evidence_lines(record: dict | None, source: str) -> list[str]:
    """The verification as the source environment's Job recorded it."""
    if record is None:
        return [f"No verification evidence from {source}: see the override below."]
    latency = record.get("latency") or {}
    verdict = "✅ passed" if record.get("passed") is True else "❌ failed"
    rows = [
        f"**{verdict}** in `{record.get('cluster', '?')}` ({record.get('environment')}), "
        f"verified {record.get('finished_at', '?')}, ran {record.get('duration_s', '?')} s, "
        f"by {record.get('runner', '?')}.",
        "",
        "| check | result | detail |",
        "|---|:---:|---|",
    ]
    for check in record.get("checks", []):
        mark = "✅" if check.get("passed") else "❌"
        rows.append(f"| {check.get('name')} | {mark} | {check.get('detail', '')} |")
    if latency:
        rows += [
            "",
            "| requests | p50 | p99 | error rate |",
            "|---:|---:|---:|---:|",
            f"| {latency.get('requests', '?')} | {_ms(latency.get('p50_ms'))} "
            f"| {_ms(latency.get('p99_ms'))} | {latency.get('error_rate', 0):.2%} |",
        ]
    return rows


def model_change(root: Path, before: Release | None, after: Release) -> list[str]:
    """The model the target runs now against the promoted one, with the champion's metrics
    when the record in this commit is the promoted model."""
    was = before.model_version if before else "nothing"
    lines = [
        "| | model | image |",
        "|---|---|---|",
        f"| now | `{was}` | `{before.digest[:19] if before else '-'}` |",
        f"| after merge | `{after.model_version}` | `{after.digest[:19]}` |",
        "",
    ]
    record = champion(root)
    if record is None:
        return [*lines, f"No {CHAMPION} in this commit: no training metrics attached."]
    if str(record.get("version")) != after.model_version:
        return [
            *lines,
            f"**Warning:** {CHAMPION} describes model {record.get('version')}, not the "
            f"promoted {after.model_version}: no training metrics attached.",
        ]
    overall = (record.get("metrics") or {}).get("overall") or {}
    data = record.get("data", {})
    lines.append(
        f"Training: data `{str(data.get('fingerprint', '?'))[:12]}` over "
        f"{len(data.get('files', {}))} files; overall "
        + ", ".join(f"{k} {v}" for k, v in sorted(overall.items()))
    )
    return lines


def _resources(text: str | None) -> dict[str, str]:
    """kind/name -> that document's YAML, from a rendered multi-document file."""
    out: dict[str, str] = {}
    for doc in yaml.safe_load_all(text or ""):
        if isinstance(doc, dict) and "kind" in doc:
            name = f"{doc['kind']}/{doc.get('metadata', {}).get('name', '?')}"
            out[name] = yaml.safe_dump(doc, sort_keys=False)
    return out


def resource_diff(target: str, before: str | None, after: str | None) -> list[str]:
    """The rendered change per resource; long ones collapsed."""
    if after is None:
        return [f"No hydrated manifests for {target}: run `make hydrate`."]
    old, new = _resources(before), _resources(after)
    lines = []
    for name in sorted(old.keys() | new.keys()):
        if old.get(name) == new.get(name):
            continue
        diff = list(
            difflib.unified_diff(
                (old.get(name) or "").splitlines(),
                (new.get(name) or "").splitlines(),
                f"{name} now",
                f"{name} after merge",
                lineterm="",
                n=2,
            )
        )
        change = "added" if name not in old else "removed" if name not in new else "changed"
        block = ["```diff", *diff, "```"]
        if len(diff) > COLLAPSE_LINES:
            lines += [
                f"<details><summary><code>{name}</code> {change} ({len(diff)} lines)</summary>",
                "",
                *block,
                "",
                "</details>",
            ]
        else:
            lines += [f"**`{name}`** {change}", "", *block]
        lines.append("")
    return lines or [f"No rendered change in {target}."]


def promotion_body(
    root: Path,
    source: str,
    target: str,
    release: Release,
    source_commit: str,
    commit: str,
    rendered_before: str | None = None,
    rendered_after: str | None = None,
    evidence: dict | None = None,
    trailers: list[tuple[str, str]] | tuple = (),
    before: Release | None = None,
) -> str:
    subject = git.git(root, "log", "-1", "--format=%s (%ci)", source_commit).strip()
    lines = [
        f"## Promote {release.model_version} from {source} to {target}",
        "",
        f"Copies the exact release **{source}** ran (`{release.ref}`) and re-renders "
        f"{target}'s manifests over the same base. {source} has run it since "
        f"`{source_commit[:12]}`: {subject}.",
        "",
        f"### Evidence from {source}",
        "",
        *evidence_lines(evidence, source),
        "",
        "### Model change",
        "",
        *model_change(root, before, release),
        "",
        f"### What changes in {target} (rendered manifests, per resource)",
        "",
        *resource_diff(target, rendered_before, rendered_after),
        "### On merge",
        "",
        f"Argo CD syncs `{target}` from its hydrated manifests; its verification Job runs "
        f"after the sync and records evidence for {target}. `make rollback ENV={target}` "
        "opens the revert of this commit as a PR, and the reverted digest is then held from "
        "promotion until an override says why.",
        "",
        f"Promotion commit `{commit}`.",
        "",
    ]
    return "\n".join(lines + _trailer_block(trailers))


def _trailer_block(trailers) -> list[str]:
    """The commit's trailers as raw `Key: value` lines: a squash merge that keeps the PR body
    keeps them where gitops/history.py looks."""
    if not trailers:
        return []
    return ["### Commit trailers", "", *(f"{k}: {v}  " for k, v in trailers), ""]


def rollback_body(
    target: str,
    reverted: str,
    restored: Release,
    removed: Release,
    reason: str = "requested by hand (make rollback)",
    root: Path | None = None,
    rendered_path: Path | None = None,
    commit: str | None = None,
    trailers: list[tuple[str, str]] | tuple = (),
) -> str:
    lines = [
        f"## Roll back {target} to {restored.model_version}",
        "",
        f"**Why:** {reason}",
        "",
        f"Reverts promotion `{reverted}`. On merge Argo CD syncs {target} back to the release "
        "and manifests it ran before, byte for byte, and the removed digest is held from "
        "promotion until an override says why.",
        "",
        "| | model | image |",
        "|---|---|---|",
        f"| removes | `{removed.model_version}` | `{removed.ref}` |",
        f"| restores | `{restored.model_version}` | `{restored.ref}` |",
        "",
    ]
    if root is not None and rendered_path is not None and commit is not None:
        before = git.show(root, f"{commit}^", rendered_path)
        after = git.show(root, commit, rendered_path)
        lines += [
            f"### What changes in {target} (rendered manifests, per resource)",
            "",
            *resource_diff(target, before, after),
        ]
    return "\n".join(lines + _trailer_block(trailers))
