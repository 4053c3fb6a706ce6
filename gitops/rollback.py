"""rollback: revert the last promotion to an environment, on a branch ready for a PR."""

from __future__ import annotations

from pathlib import Path

from gitops import git, history
from gitops.errors import Refusal
from gitops.layout import Release, check_environment, release_path, rendered_path
from gitops.pr_body import rollback_body


def last_promotion(root: Path, env: str) -> str:
    """The newest promotion commit to `env` in HEAD's history that no rollback reverted yet."""
    promotion = history.last_promotion(root, env)
    if promotion is None:
        raise Refusal(f"no promotion to {env} left to roll back in this branch's history.")
    return promotion


def rollback(
    root: Path,
    env: str,
    body_file: Path,
    reason: str = "requested by hand (make rollback)",
    notes: str = "",
) -> tuple[str, str]:
    """Revert the last promotion to `env` (its release and its hydrated manifests, byte for
    byte) on a branch; `reason` (the alert or the person's words) goes into commit and body,
    `notes` (markdown: the alert in full) into the body below its first screen."""
    check_environment(root, env)
    reason = " ".join(str(reason).split()) or "requested by hand (make rollback)"
    git.require_clean(root)
    promotion = last_promotion(root, env)
    path = release_path(env)
    removed = Release.loads((root / path).read_text())
    branch = f"rollback/{env}-{promotion[:12]}"
    if git.branch_exists(root, branch):
        raise Refusal(f"branch {branch} already exists: delete it or merge its PR first.")
    origin = git.current_branch(root)
    git.git(root, "switch", "--quiet", "-c", branch)
    try:
        git.git(root, "revert", "--no-commit", promotion, check=False)
        if git.git(root, "diff", "--name-only", "--diff-filter=U").strip():
            raise Refusal(
                f"reverting {promotion[:12]} conflicts with later changes to {path.as_posix()}: "
                "promote the wanted digest instead (make promote DIGEST=...)."
            )
        restored = Release.loads((root / path).read_text())
        # The whole index (the revert of the promotion commit): git refuses partial commits
        # while a revert is in progress.
        sha = git.commit(
            root,
            None,
            f"rollback({env}): revert promotion {promotion[:12]}, back to model "
            f"{restored.model_version}\n\nThis reverts commit {promotion}.\nReason: {reason}\n\n"
            + history.trailers(
                trailers := [
                    (history.ROLLBACK, env),
                    (history.REVERTS, promotion),
                    (history.IMAGE, restored.ref),
                    (history.MODEL_VERSION, restored.model_version),
                ]
            ),
        )
    except BaseException:
        git.git(root, "revert", "--abort", check=False)
        git.git(root, "switch", "--quiet", origin, check=False)
        git.git(root, "branch", "-D", branch, check=False)
        raise
    (root / body_file).parent.mkdir(parents=True, exist_ok=True)
    (root / body_file).write_text(
        rollback_body(
            env,
            promotion,
            restored,
            removed,
            reason=reason,
            root=root,
            rendered_path=rendered_path(env),
            commit=sha,
            trailers=trailers,
            notes=notes,
        )
    )
    return branch, sha
