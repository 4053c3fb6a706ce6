"""The PR bodies: what a reviewer needs to approve a promotion or a rollback."""

from __future__ import annotations

import difflib
from pathlib import Path

from gitops import git
from gitops.layout import CHAMPION, Release, champion


def _metrics_table(metrics: dict) -> list[str]:
    names = sorted({name for row in metrics.values() for name in row})
    lines = ["| slice | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for slice_name, row in metrics.items():
        lines.append(f"| {slice_name} | " + " | ".join(str(row.get(n, "")) for n in names) + " |")
    return lines


def evidence(root: Path, release: Release) -> list[str]:
    """Model metrics and data fingerprint from the champion record, if it is this model."""
    record = champion(root)
    if record is None:
        return [f"No {CHAMPION} in this commit: no model evidence attached."]
    lines = []
    if str(record.get("version")) != release.model_version:
        lines.append(
            f"**Warning:** {CHAMPION} describes model {record.get('version')}, "
            f"not the promoted {release.model_version}; the figures below are for that record."
        )
    data = record.get("data", {})
    lines += [
        f"- Model: `{record.get('version')}` (`{record.get('bento_model_tag', '?')}`), "
        f"code commit `{record.get('code_commit', '?')}`",
        f"- Data fingerprint: `{data.get('fingerprint', '?')}` over {len(data.get('files', {}))} "
        "files",
        f"- Trained on: {record.get('trained_on', '?')}",
        "",
    ]
    metrics = record.get("metrics", {})
    if metrics.get("overall"):
        lines += _metrics_table({"overall": metrics["overall"], **metrics.get("slices", {})})
    return lines


def manifest_diff(target: str, before: str | None, after: str | None) -> list[str]:
    if before is None or after is None:
        return ["kubectl was not available: run `make manifests` to see the rendered change."]
    diff = difflib.unified_diff(
        before.splitlines(),
        after.splitlines(),
        f"{target} now",
        f"{target} after merge",
        lineterm="",
    )
    return ["```diff", *diff, "```"]


def promotion_body(
    root: Path,
    source: str,
    target: str,
    release: Release,
    source_commit: str,
    commit: str,
    rendered_before: str | None = None,
    rendered_after: str | None = None,
) -> str:
    subject = git.git(root, "log", "-1", "--format=%s (%ci)", source_commit).strip()
    lines = [
        f"## Promote {release.model_version} from {source} to {target}",
        "",
        f"This PR copies the exact release that **{source}** runs to **{target}**. "
        f"Merging it is the approval: Argo CD syncs {target} from main.",
        "",
        f"- Image: `{release.ref}`",
        f"- Model version: `{release.model_version}`",
        f"- {source} has run it since commit `{source_commit}`: {subject}",
        f"- Promotion commit: `{commit}`",
        "",
        "### Evidence",
        "",
        *evidence(root, release),
        "",
        f"### What Argo CD will change in {target} (rendered manifests)",
        "",
        *manifest_diff(target, rendered_before, rendered_after),
        "",
        "### Rollback",
        "",
        f"`make rollback ENV={target}` opens a revert of this commit as a PR.",
        "",
    ]
    return "\n".join(lines)


def rollback_body(target: str, reverted: str, restored: Release, removed: Release) -> str:
    return "\n".join(
        [
            f"## Roll back {target} to {restored.model_version}",
            "",
            f"This PR reverts promotion commit `{reverted}`; after merge Argo CD syncs "
            f"{target} back to the release it ran before.",
            "",
            f"- Removes: `{removed.ref}` (model `{removed.model_version}`)",
            f"- Restores: `{restored.ref}` (model `{restored.model_version}`)",
            "",
        ]
    )
