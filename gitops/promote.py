"""promote: copy the exact release (digest and model version) one environment ran to the next.

The result is a branch with one commit and a PR body; merging the PR is the approval.
"""

from __future__ import annotations

from pathlib import Path

from gitops import git, history
from gitops.errors import Refusal
from gitops.evidence import evidence_path, failed_checks, find
from gitops.layout import ENVIRONMENTS, Release, check_digest, check_environment, release_path
from gitops.pr_body import promotion_body
from gitops.render import render_if_possible


def find_run(root: Path, env: str, digest: str) -> history.Ran:
    """The newest commit that set `digest` in `env`; refuse if `env` never had it."""
    ran = history.find_run(root, env, digest)
    if ran is None:
        raise Refusal(
            f"{env} never ran {digest}: promote only a digest that {env} ran "
            f"(see `git log -p -- {release_path(env).as_posix()}`)."
        )
    return ran


def gate(
    root: Path, source: str, target: str, digest: str, override: str | None
) -> list[tuple[str, str]]:
    """Refuse a digest without a passing verification in `source`, or one rolled back out of
    `target`, unless an override gives a reason. Returns the commit's evidence trailers."""
    problems, trailers = [], []
    found = find(root, source, digest)
    if found is None:
        problems.append(f"{source} has no verification of {digest[:19]} ({evidence_path(source)})")
    elif not found[0]["passed"]:
        problems.append(
            f"{source}'s verification of {digest[:19]} failed ({failed_checks(found[0])})"
        )
    else:
        trailers.append((history.VERIFIED_BY, found[1]))
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
    return trailers


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
) -> tuple[str, str]:
    check_environment(source)
    check_environment(target)
    if ENVIRONMENTS.index(target) != ENVIRONMENTS.index(source) + 1:
        raise Refusal(f"promotion goes {' -> '.join(ENVIRONMENTS)} one step at a time.")
    if digest is not None:
        check_digest(digest)
    override = check_override(override)
    git.require_clean(root)
    if digest is None:
        digest = Release.loads((root / release_path(source)).read_text()).digest
    ran = find_run(root, source, digest)
    target_path = release_path(target)
    before = (root / target_path).read_text()
    if Release.loads(before) == ran.release:
        raise Refusal(f"{target} already runs {ran.release.ref}: nothing to promote.")
    trailers = gate(root, source, target, digest, override)

    branch = f"promote/{target}-{digest.removeprefix('sha256:')[:12]}"
    if git.branch_exists(root, branch):
        raise Refusal(f"branch {branch} already exists: delete it or merge its PR first.")
    origin = git.current_branch(root)
    rendered_before = render_if_possible(root, target)
    git.git(root, "switch", "--quiet", "-c", branch)
    try:
        (root / target_path).write_text(ran.release.dumps())
        sha = git.commit(
            root,
            [target_path],
            f"promote({target}): {ran.release.image.rsplit('/', 1)[-1]}@{digest[:19]} "
            f"model {ran.release.model_version} from {source}\n\n"
            f"Copies the release that {source} ran since {ran.commit[:12]} to {target}.\n\n"
            + history.trailers(
                [
                    (history.PROMOTION, target),
                    (history.PROMOTED_FROM, source),
                    (history.SOURCE_COMMIT, ran.commit),
                    (history.IMAGE, ran.release.ref),
                    (history.MODEL_VERSION, ran.release.model_version),
                    *trailers,
                ]
            ),
        )
        rendered_after = render_if_possible(root, target)
    except BaseException:
        git.discard(root, target_path)
        git.git(root, "switch", "--quiet", origin, check=False)
        git.git(root, "branch", "-D", branch, check=False)
        raise
    body = promotion_body(
        root, source, target, ran.release, ran.commit, sha, rendered_before, rendered_after
    )
    body += "\n### Verification and holds\n\n" + "".join(f"- {k}: {v}\n" for k, v in trailers)
    (root / body_file).parent.mkdir(parents=True, exist_ok=True)
    (root / body_file).write_text(body)
    return branch, sha
