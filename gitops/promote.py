"""promote: copy the exact release (digest and model version) one environment ran to the next.

The result is a branch with one commit and a PR body; merging the PR is the approval.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from gitops import evidence, git, history, hydrate, rules
from gitops.errors import Refusal
from gitops.layout import Release, check_digest, release_path, rendered_path
from gitops.pr_body import promotion_body


def find_run(root: Path, env: str, digest: str) -> history.Ran:
    """The newest commit that set `digest` in `env`; refuse if `env` never had it."""
    ran = history.find_run(root, env, digest)
    if ran is None:
        raise Refusal(
            f"{env} never ran {digest}: promote only a digest that {env} ran "
            f"(see `git log -p -- {release_path(env).as_posix()}`)."
        )
    return ran


@dataclass
class Gate:
    """What the promotion gate found: the commit's trailers, the evidence record (None when
    absent), the store it came from and the rollback holding the digest (None: no hold)."""

    trailers: list[tuple[str, str]] = field(default_factory=list)
    record: dict | None = None
    store_url: str | None = None
    held_by: str | None = None


def gate(
    root: Path,
    source: str,
    target: str,
    digest: str,
    override: str | None,
    store=None,
    now: datetime | None = None,
) -> Gate:
    """Refuse a digest without a passing, fresh verification in `source` (when the rules
    require one for `target`), or one rolled back out of `target`, unless an override gives
    a reason."""
    problems, trailers, record = [], [], None
    promotion_rules = rules.load(root)
    if "verification" in promotion_rules.stage(target).requires:
        if store is None:
            raise Refusal(
                f"promotion to {target} requires verification evidence: name the store "
                "(EVIDENCE_STORE=s3://BUCKET or a directory)"
            )
        record = evidence.find(store, source, digest)
        where = f"{store.url}/{evidence.key(source, digest)}"
        if record is None:
            problems.append(f"{source} has no verification of {digest[:19]} ({where})")
        elif wrong := evidence.problem(
            record, source, digest, promotion_rules.evidence_max_age_hours, now or evidence.now()
        ):
            problems.append(f"{source}'s verification of {digest[:19]}: {wrong}")
        else:
            trailers.append((history.VERIFIED_BY, where))
    rolled_back = history.held_digests(root, target).get(digest)
    if rolled_back:
        problems.append(f"{target} rolled {digest[:19]} back in {rolled_back[:12]}")
        trailers.append((history.HELD_BY, rolled_back))
    if problems and not override:
        raise Refusal(
            "; ".join(problems) + ": promote it only with an override that says why "
            "(make promote OVERRIDE='reason')."
        )
    if problems:
        trailers.append((history.OVERRIDE, override))
    return Gate(trailers, record, store.url if store is not None else None, rolled_back)


def check_override(override: str | None) -> str | None:
    if override is None:
        return None
    reason = override.strip()
    if not reason or "\n" in reason:
        raise Refusal("an override needs a reason on one line, e.g. OVERRIDE='hotfix for #123'.")
    return reason


def promote(
    root: Path,
    source: str,
    target: str,
    digest: str | None,
    body_file: Path,
    override: str | None = None,
    store=None,
    now: datetime | None = None,
) -> tuple[str, str]:
    """Copy `source`'s release (the digest it ran) to `target`, re-render `target`'s hydrated
    manifests from main's base with `target`'s own values, on a branch with one commit."""
    rules.load(root).check_step(source, target)
    if digest is not None:
        check_digest(digest)
    override = check_override(override)
    git.require_clean(root)
    if digest is None:
        digest = Release.loads((root / release_path(source)).read_text()).digest
    ran = find_run(root, source, digest)
    target_path, hydrated_path = release_path(target), rendered_path(target)
    before = (root / target_path).read_text()
    rendered_before = _read(root / hydrated_path)
    found = gate(root, source, target, digest, override, store, now)

    branch = f"promote/{target}-{digest.removeprefix('sha256:')[:12]}"
    if git.branch_exists(root, branch):
        raise Refusal(f"branch {branch} already exists: delete it or merge its PR first.")
    origin = git.current_branch(root)
    git.git(root, "switch", "--quiet", "-c", branch)
    try:
        (root / target_path).write_text(ran.release.dumps())
        _, changed = hydrate.write(root, target)
        if Release.loads(before) == ran.release and not changed:
            raise Refusal(
                f"{target} already runs {ran.release.ref} with the manifests main renders: "
                "nothing to promote"
            )
        trailers = [
            (history.PROMOTION, target),
            (history.PROMOTED_FROM, source),
            (history.SOURCE_COMMIT, ran.commit),
            (history.IMAGE, ran.release.ref),
            (history.MODEL_VERSION, ran.release.model_version),
            *found.trailers,
        ]
        sha = git.commit(
            root,
            [target_path, hydrated_path],
            f"promote({target}): {ran.release.image.rsplit('/', 1)[-1]}@{digest[:19]} "
            f"model {ran.release.model_version} from {source}\n\n"
            f"Copies the release that {source} ran since {ran.commit[:12]} to {target}, "
            f"and {target}'s manifests rendered over main's base.\n\n" + history.trailers(trailers),
        )
        rendered_after = _read(root / hydrated_path)
    except BaseException:
        git.discard(root, target_path)
        git.discard(root, hydrated_path)
        git.git(root, "switch", "--quiet", origin, check=False)
        git.git(root, "branch", "-D", branch, check=False)
        raise
    body = promotion_body(
        root,
        source,
        target,
        ran.release,
        ran.commit,
        sha,
        rendered_before,
        rendered_after,
        evidence=found.record,
        trailers=trailers,
        before=Release.loads(before),
        evidence_at=found.store_url,
        held_by=found.held_by,
        override=dict(found.trailers).get(history.OVERRIDE),
        now=now,
    )
    (root / body_file).parent.mkdir(parents=True, exist_ok=True)
    (root / body_file).write_text(body)
    return branch, sha


def _read(path: Path) -> str | None:
    return path.read_text() if path.is_file() else None
