"""The PR bodies of releases, promotions and rollbacks: each decided on its first screen.

Every body opens with the same three things, in this order: the verdict as its heading, what
changes in the environment (model and image digest, now → after merge, digests in full) and
one table of the checks the verdict rests on. A promotion adds the evidence from where the
release ran (the verification Job's record: digest, model version, cluster, when, each check
with its latencies) and the rollback command. Below that, collapsed: the rendered diff per
resource and the commit's trailers (raw `Key: value` lines, so a squash merge that keeps the
PR body keeps them where gitops/history.py looks). docs/reviewing.md shows them as rendered.
"""

from __future__ import annotations

import difflib
from datetime import UTC, datetime
from pathlib import Path

import yaml

from gitops import evidence as evidences
from gitops import git, history, rules
from gitops.errors import Refusal
from gitops.layout import CHAMPION, PLACEHOLDER, Release, champion, release_path

PASS, FAIL, NOTE = "✓", "✗", "⚠"


def _ms(value) -> str:
    return f"{value:.1f} ms" if isinstance(value, int | float) else "?"


def _short(digest: str) -> str:
    return digest[:19]  # sha256: and 12 hex digits; the full value is in the what-changes table


def _age(hours: float) -> str:
    if hours < 1:
        return f"{max(hours * 60, 0):.0f} min"
    return f"{hours:.0f} h" if hours < 48 else f"{hours / 24:.0f} days"


def _when(stamp: str) -> str:
    """An ISO time as a reader takes it in: 2026-12-08 09:41 UTC."""
    try:
        moment = evidences.parse_time(stamp)
    except (TypeError, ValueError):
        return str(stamp)
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def checks_table(rows: list[tuple[str, str, str]]) -> list[str]:
    """One row per check the verdict rests on: ✓/✗/⚠, what is checked, what was found."""
    return [
        "| | check | found |",
        "|:-:|---|---|",
        *[f"| {mark} | {_cell(check)} | {_cell(found)} |" for mark, check, found in rows],
    ]


def changes_table(env: str, before: Release | None, after: Release, labels=("now", "after merge")):
    """Model and image digest in `env` now and after the merge, digests in full."""

    def digest(release: Release | None) -> str:
        if release is None:
            return "none"
        if release.digest == PLACEHOLDER:
            return "none yet (placeholder)"
        return f"`{release.digest}`"

    was = f"`{before.model_version}`" if before else "none"
    lines = [
        f"| in {env} | model | image digest |",
        "|---|---|---|",
        f"| {labels[0]} | {was} | {digest(before)} |",
        f"| {labels[1]} | `{after.model_version}` | {digest(after)} |",
        "",
    ]
    if before is not None and before.image != after.image and before.digest != PLACEHOLDER:
        lines += [f"The image repository changes too: `{before.image}` → `{after.image}`.", ""]
    return lines


def champion_row(root: Path, release: Release) -> tuple[str, str, str]:
    """Whether the release's model is the one config/champion.json (merged through its model
    PR) names, with its held-out figures."""
    record = champion(root)
    if record is None:
        return NOTE, "model is the reviewed champion", f"no `{CHAMPION}` in this commit"
    if str(record.get("version")) != release.model_version:
        return (
            NOTE,
            "model is the reviewed champion",
            f"`{CHAMPION}` names {record.get('version')}, not {release.model_version}",
        )
    overall = (record.get("metrics") or {}).get("overall") or {}
    holdout = (record.get("trained_on") or {}).get("holdout")
    names = (("rmse", "RMSE {:.2f}"), ("r2", "R² {:.3f}"))
    figures = [f.format(overall[k]) for k, f in names if isinstance(overall.get(k), int | float)]
    scored = f" on {holdout} (held out)" if holdout and figures else ""
    return (
        PASS,
        "model is the reviewed champion",
        f"`{CHAMPION}` names it" + (f": {', '.join(figures)}{scored}" if figures else ""),
    )


def _resources(text: str | None) -> dict[str, str]:
    """kind/name -> that document's YAML, from a rendered multi-document file."""
    out: dict[str, str] = {}
    for doc in yaml.safe_load_all(text or ""):
        if isinstance(doc, dict) and "kind" in doc:
            name = f"{doc['kind']}/{doc.get('metadata', {}).get('name', '?')}"
            out[name] = yaml.safe_dump(doc, sort_keys=False)
    return out


def changed_resources(before: str | None, after: str | None) -> list[str]:
    old, new = _resources(before), _resources(after)
    return [n for n in sorted(old.keys() | new.keys()) if old.get(n) != new.get(n)]


def resource_diff(target: str, before: str | None, after: str | None) -> list[str]:
    """The rendered change per resource, all of it collapsed below the first screen."""
    if after is None:
        return [f"No hydrated manifests for {target}: run `make hydrate`.", ""]
    old, new = _resources(before), _resources(after)
    names = changed_resources(before, after)
    if not names:
        return [f"No rendered change in {target}.", ""]
    lines = [
        f"<details><summary>What changes in {target}, resource by resource "
        f"({len(names)} changed)</summary>",
        "",
    ]
    for name in names:
        diff = difflib.unified_diff(
            (old.get(name) or "").splitlines(),
            (new.get(name) or "").splitlines(),
            f"{name} now",
            f"{name} after merge",
            lineterm="",
            n=2,
        )
        change = "added" if name not in old else "removed" if name not in new else "changed"
        lines += [f"**`{name}`** {change}", "", "```diff", *diff, "```", ""]
    return [*lines, "</details>", ""]


def _trailer_block(trailers, commit: str | None = None) -> list[str]:
    """The commit's trailers as raw `Key: value` lines, collapsed: a squash merge that keeps
    the PR body keeps them where gitops/history.py looks (any line, not only the last
    paragraph)."""
    if not trailers:
        return []
    what = f"Commit <code>{commit[:12]}</code>: its trailers" if commit else "The commit's trailers"
    return [
        f"<details><summary>{what} (kept by a squash merge)</summary>",
        "",
        *(f"{k}: {v}  " for k, v in trailers),
        "",
        "</details>",
        "",
    ]


def _verdict(rows: list[tuple[str, str, str]], word: str, what: str, fail_word: str) -> str:
    marks = {mark for mark, _, _ in rows}
    if FAIL in marks:
        return f"## {NOTE} {fail_word}: {what}"
    return f"## {NOTE if NOTE in marks else PASS} {word}: {what}"


# The promotion.


def evidence_table(
    record: dict | None, source: str, digest: str, where: str | None = None
) -> list[str]:
    """The verification as `source`'s Job recorded it: where the record is, which digest and
    model it verified, on which cluster, when, and each check (latencies with the latency
    check)."""
    key = evidences.key(source, digest).replace(f"{digest}.json", f"{_short(digest)}….json")
    location = f"`{key}`" + (f" in `{where}`" if where else "")
    if record is None:
        return [f"| evidence from {source} | none |", "|---|---|", f"| record | no {location} |"]
    header = [f"| evidence from {source} | {location} |", "|---|---|"]
    latency = record.get("latency") or {}
    figures = ""
    if latency:
        errors = latency.get("errors")
        failed = (
            f"{errors} of {latency.get('requests', '?')} failed"
            if errors is not None
            else f"errors {latency.get('error_rate', 0):.2%}"
        )
        figures = f"p50 {_ms(latency.get('p50_ms'))}, p99 {_ms(latency.get('p99_ms'))}, {failed}"
    rows = [
        ("image digest", f"`{record.get('digest', '?')}`"),
        ("model version", f"`{record.get('model_version', '?')}`"),
        (
            "cluster",
            f"`{record.get('cluster', '?')}` ({record.get('environment', '?')}), "
            f"by {record.get('runner', 'the verification Job')}",
        ),
        (
            "verified",
            f"{_when(record.get('finished_at', '?'))}, ran {record.get('duration_s', '?')} s",
        ),
    ]
    checks = record.get("checks") or []
    for check in checks:
        detail = str(check.get("detail", ""))
        if check.get("name") == "latency" and figures:
            detail, figures = f"{detail}; {figures}", ""
        rows.append((f"{PASS if check.get('passed') else FAIL} {check.get('name')}", detail))
    if not checks:
        rows.append((f"{FAIL} checks", "none ran"))
    if figures:
        rows.append(("latency", figures))
    return [*header, *(f"| {_cell(a)} | {_cell(b)} |" for a, b in rows), ""]


def promotion_checks(
    root: Path,
    source: str,
    target: str,
    release: Release,
    source_commit: str,
    record: dict | None,
    held_by: str | None,
    max_age_hours: float,
    now: datetime,
    required: bool,
) -> list[tuple[str, str, str]]:
    """The promotion gate's conditions (gitops/promote.py), each with what it found."""
    when = _when(git.git(root, "log", "-1", "--format=%cI", source_commit).strip())
    rows = [(PASS, f"{source} ran this release", f"since `{source_commit[:12]}`, {when}")]
    verified = f"{source} verified it"
    if record is None and required:
        rows.append((FAIL, verified, "no verification evidence"))
    elif record is None:
        rows.append((NOTE, verified, f"no verification evidence; {target} does not require it"))
    else:
        wrong = evidences.problem(record, source, release.digest, max_age_hours, now)
        checks = record.get("checks") or []
        passed = sum(1 for c in checks if c.get("passed"))
        if wrong:
            rows.append((FAIL, verified, wrong))
        else:
            age = (now - evidences.parse_time(record["finished_at"])).total_seconds() / 3600
            rows.append(
                (
                    PASS,
                    verified,
                    f"{passed} of {len(checks)} checks passed, for this digest and model, "
                    f"{_age(age)} ago (the rules accept {max_age_hours:g} h)",
                )
            )
    rows.append(champion_row(root, release))
    rows.append(
        (FAIL, f"not rolled back from {target}", f"rollback `{held_by[:12]}` took it out")
        if held_by
        else (PASS, f"not rolled back from {target}", "no rollback holds this digest")
    )
    return rows


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
    *,
    evidence_at: str | None = None,
    held_by: str | None = None,
    override: str | None = None,
    now: datetime | None = None,
) -> str:
    """The promotion PR: verdict, what changes, the gate's checks, staging's evidence and the
    rollback command on the first screen; the rendered diff and the trailers collapsed."""
    try:
        promotion_rules = rules.load(root)
        max_age = promotion_rules.evidence_max_age_hours
        required = "verification" in promotion_rules.stage(target).requires
    except Refusal:  # a repository without config/platform.yaml (a test's): the defaults
        max_age, required = rules.DEFAULT_MAX_AGE_HOURS, True
    rows = promotion_checks(
        root, source, target, release, source_commit, evidence, held_by, max_age,
        now or evidences.now(), required,
    )  # fmt: skip
    gated = [mark for mark, check, _ in rows if check != "model is the reviewed champion"]
    what = f"promote {release.model_version} from {source} to {target}"
    if FAIL in gated:
        heading = f"## {NOTE} OVERRIDE: {what}"
    elif NOTE in gated:
        heading = f"## {NOTE} UNVERIFIED: {what}"
    else:
        heading = _verdict(rows, "VERIFIED", what, "OVERRIDE")
    lines = [heading, ""]
    if override:
        lines += [f"**Override:** {override}", ""]
    lines += [
        *changes_table(target, before, release),
        *checks_table(rows),
        "",
        *evidence_table(evidence, source, release.digest, evidence_at),
        f"**Roll back after merge:** `make rollback ENV={target}` opens the revert of this "
        f"promotion as a PR; the digest is then held from promotion until an override says why.",
        "",
        f"Merging deploys it: Argo CD syncs {target} from `argocd/rendered/{target}/` and "
        f"{target}'s verification Job then records its own evidence.",
        "",
        *resource_diff(target, rendered_before, rendered_after),
        *_trailer_block(trailers, commit),
    ]
    return "\n".join(lines)


# The rollback.


def rollback_checks(
    root: Path, target: str, reverted: str, removed: Release, rendered_path: Path, commit: str
) -> list[tuple[str, str, str]]:
    """What the revert does, checked on the commit itself."""

    def files(sha: str) -> list[str]:
        return git.git(root, "diff", "--name-only", f"{sha}^", sha).split()

    subject = git.git(root, "log", "-1", "--format=%s", reverted).strip()
    same = sorted(files(commit)) == sorted(files(reverted))
    rows = [
        (
            PASS if same else NOTE,
            f"reverts the last promotion to {target}",
            f"`{reverted[:12]}` ({subject})"
            + ("" if same else f"; it changes {', '.join(files(commit))}"),
        )
    ]
    before = git.show(root, f"{reverted}^", rendered_path)
    after = git.show(root, commit, rendered_path)
    rows.append(
        (PASS, f"{target} renders as before that promotion",
         f"`{rendered_path.as_posix()}` byte for byte as at `{reverted[:12]}^`")
        if before == after
        else (NOTE, f"{target} renders as before that promotion",
              f"`{rendered_path.as_posix()}` differs from `{reverted[:12]}^`: see the diff")
    )  # fmt: skip
    held = history.held_digests(root, target).get(removed.digest) == commit
    rows.append(
        (PASS, "the removed digest is held",
         f"`make promote` refuses {_short(removed.digest)} for {target} without an override")
        if held
        else (NOTE, "the removed digest is held", "no: gitops/history.py finds no hold")
    )  # fmt: skip
    return rows


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
    notes: str = "",
) -> str:
    """The rollback PR: verdict, why, what changes and the revert's checks on the first
    screen; `notes` (the alert in full), the rendered diff and the trailers below."""
    if root is not None and rendered_path is not None and commit is not None:
        rows = rollback_checks(root, target, reverted, removed, rendered_path, commit)
        diff = resource_diff(
            target,
            git.show(root, f"{commit}^", rendered_path),
            git.show(root, commit, rendered_path),
        )
    else:
        rows = [(NOTE, f"reverts promotion `{reverted[:12]}`", "not checked: no repository")]
        diff = []
    lines = [
        _verdict(rows, "ROLL BACK", f"{target} to {restored.model_version}", "ROLL BACK"),
        "",
        f"**Why:** {reason}",
        "",
        *changes_table(target, removed, restored),
        *checks_table(rows),
        "",
        f"**After merge** Argo CD syncs {target} back to the release and manifests it ran "
        f"before, and {target}'s verification Job runs again. To bring the removed release "
        f"back: `make promote TO={target} DIGEST={removed.digest} OVERRIDE='why'`.",
        "",
        *([notes.strip(), ""] if notes.strip() else []),
        *diff,
        *_trailer_block(trailers, commit),
    ]
    return "\n".join(lines)


# The release.


def release_body(
    root: Path,
    env: str,
    release: Release,
    before: Release | None,
    rendered_before: str | None,
    rendered_after: str | None,
    hydrated: Path,
) -> str:
    """The release PR (set-image into the first environment, auto-merged once its checks
    pass): verdict, what changes and the checks set-image made, then the rendered diff."""
    order = rules.load(root).environments
    changed = changed_resources(rendered_before, rendered_after)
    rows = [
        (
            PASS,
            f"{env} takes releases directly",
            f"first in the promotion order {' → '.join(order)} (`config/platform.yaml`)",
        ),
        champion_row(root, release),
        (PASS, "image pinned by digest", f"`{release.image}`, by digest, no tag"),
        (
            PASS if changed else NOTE,
            f"{env}'s hydrated manifests move with it",
            f"`{hydrated.as_posix()}` in the same commit: {len(changed)} resources change",
        ),
    ]
    undo = (
        f"`make set-image ENV={env} IMAGE={before.ref} MODEL_VERSION={before.model_version}`"
        if before is not None and before.digest != PLACEHOLDER
        else "nothing to go back to: the first release"
    )
    lines = [
        _verdict(rows, "RELEASE", f"model {release.model_version} to {env}", "RELEASE"),
        "",
        *changes_table(env, before, release),
        *checks_table(rows),
        "",
        f"**After merge** Argo CD syncs {env} and its verification Job records "
        f"`{evidences.PREFIX}/{env}/{_short(release.digest)}….json`, which a promotion out of "
        f"{env} requires. The release workflow signed the image and attached its SBOM and "
        f"provenance before opening this PR. To undo: {undo}.",
        "",
        *resource_diff(env, rendered_before, rendered_after),
        f"Release file: `{release_path(env).as_posix()}`.",
        "",
    ]
    return "\n".join(lines)
