"""make preview: what a pull request would run, played here and told in one PR comment.

In a scratch worktree of HEAD (the PR's commit): the PR's image, already built, pushed to the
loopback registry and signed by the image targets, pinned in staging without a commit; the
staging overlay played with podman kube play under a name and port of the preview's own;
its verification Job's pod (nothing committed); the service tests' hostile requests
(tests/service/bad_requests.py) against the played pod; and the rendered manifests of every
environment at BASE against HEAD. The pod and the worktrees are removed whatever happens.
"""

from __future__ import annotations

import difflib
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from gitops import git
from gitops.errors import Failed, Refusal
from gitops.layout import OVERLAYS
from gitops.render import kustomize
from gitops.set_image import set_image
from kubeplay.local import LocalTarget
from kubeplay.play import down, up
from kubeplay.verify_run import verify

ENV = "staging"  # a PR is previewed as the release workflow would ship it first
MAX_DIFF_LINES = 400  # per environment; GitHub refuses comments over 65,536 characters


@dataclass
class Preview:
    image: str
    played: str = ""
    verification: str = ""
    bad_input: list[tuple[str, int, int | str]] = field(default_factory=list)
    diffs: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return (
            not self.errors
            and bool(self.verification)
            and all(expected == got for _, expected, got in self.bad_input)
        )


@contextmanager
def worktree(repo: Path, ref: str, path: Path) -> Iterator[Path]:
    """A detached worktree of `ref` at `path`, removed afterwards."""
    if path.exists():
        git.git(repo, "worktree", "remove", "--force", str(path))
    git.git(repo, "worktree", "add", "--detach", "--quiet", str(path), ref)
    try:
        yield path
    finally:
        git.git(repo, "worktree", "remove", "--force", str(path))


def environments(root: Path) -> list[str]:
    overlays = root / OVERLAYS
    return sorted(p.name for p in overlays.iterdir() if (p / "kustomization.yaml").is_file())


def rendered(root: Path, env: str) -> list[str]:
    if not (root / OVERLAYS / env / "kustomization.yaml").is_file():
        return []
    return kustomize(root, OVERLAYS / env).splitlines(keepends=True)


def rendered_diffs(base_root: Path, head_root: Path) -> dict[str, str]:
    """Environment -> unified diff of its rendered manifests, BASE → HEAD ('' when equal)."""
    out = {}
    for env in sorted({*environments(base_root), *environments(head_root)}):
        before, after = rendered(base_root, env), rendered(head_root, env)
        diff = difflib.unified_diff(before, after, f"base/{env}.yaml", f"head/{env}.yaml")
        out[env] = "".join(diff)
    return out


def send_bad_input(url: str) -> list[tuple[str, int, int | str]]:
    """(name, expected status, status got or the error) for each hostile request."""
    from tests.service.bad_requests import BAD_REQUESTS  # the set the service tests use

    results = []
    with httpx.Client(base_url=url, timeout=60) as client:
        for case in BAD_REQUESTS:
            content = case.body
            if case.chunked:
                content = (case.body[i : i + (1 << 20)] for i in range(0, len(case.body), 1 << 20))
            try:
                got = client.post(case.path, content=content, headers=case.headers).status_code
            except httpx.HTTPError as error:
                got = type(error).__name__
            results.append((case.name, case.status, got))
        ready = client.get("/readyz").status_code
        results.append(("still ready afterwards (/readyz)", 200, ready))
    return results


def run(
    repo: Path,
    base: str,
    image: str,
    port: int,
    registry: str,
    policy: Path,
    registries_d: Path,
    scratch: Path,
    timeout: float = 240,
) -> Preview:
    preview = Preview(image)
    scratch.mkdir(parents=True, exist_ok=True)
    with worktree(repo, "HEAD", scratch / "head") as head:
        with worktree(repo, base, scratch / "base") as base_root:
            preview.diffs = rendered_diffs(base_root, head)
        target = LocalTarget(head, ENV, registry, port, label="preview")
        try:
            set_image(head, ENV, image, None, commit=False)
            preview.played = up(target, policy, registries_d, timeout)
            try:
                # The evidence stays in the scratch store: a preview is never promotion evidence.
                preview.verification = verify(target, scratch / "evidence")
            except Failed as failure:
                preview.errors.append(f"verification failed:\n{failure}")
            preview.bad_input = send_bad_input(target.url)
        except (Refusal, httpx.HTTPError, subprocess.SubprocessError) as error:
            preview.errors.append(f"{type(error).__name__}: {error}")
        finally:
            with suppress(Refusal, subprocess.SubprocessError):
                down(target)
    return preview


def comment(preview: Preview, base: str, head: str, seconds: float) -> str:
    verdict = "passed" if preview.passed else "FAILED"
    lines = [
        f"## Preview of {head[:12]}: {verdict}",
        "",
        f"The PR's image `{preview.image}` played as **{ENV}** with podman kube play "
        f"(the PR's rendered overlay), then its verification Job's pod and the hostile "
        f"requests; torn down after ({seconds:.0f} s).",
        "",
    ]
    if preview.errors:
        lines += ["### Errors", "", "```", *preview.errors, "```", ""]
    if preview.played:
        lines += ["### Played", "", "```", preview.played, "```", ""]
    if preview.verification:
        lines += ["### Verification Job", "", "```", preview.verification, "```", ""]
    if preview.bad_input:
        bad = [r for r in preview.bad_input if r[1] != r[2]]
        lines += [
            f"### Bad input: {len(preview.bad_input) - len(bad)} of {len(preview.bad_input)} "
            "answered as expected",
            "",
            "| request | expected | got |",
            "| --- | --- | --- |",
            *(f"| {n} | {e} | {g}{'' if e == g else ' ❌'} |" for n, e, g in preview.bad_input),
            "",
        ]
    lines += [f"### Rendered manifests, {base} → {head[:12]}", ""]
    for env, diff in preview.diffs.items():
        if not diff:
            lines += [f"- **{env}**: no change", ""]
            continue
        diff_lines = diff.splitlines()
        shown = diff_lines[:MAX_DIFF_LINES]
        more = len(diff_lines) - len(shown)
        lines += [
            "<details>",
            f"<summary><b>{env}</b>: {len(diff_lines)} diff lines</summary>",
            "",
            "```diff",
            *shown,
            *([f"... {more} more lines (make preview shows all)"] if more else []),
            "```",
            "</details>",
            "",
        ]
    return "\n".join(lines) + "\n"


def main_run(
    repo: Path,
    base: str,
    image: str,
    port: int,
    registry: str,
    policy: Path,
    registries_d: Path,
    out: Path,
    timeout: float,
) -> tuple[str, bool]:
    """Run the preview and write out/comment.md; (summary line, passed)."""
    started = time.monotonic()
    if not git.git(repo, "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}", check=False):
        raise Refusal(f"{base} is not a commit here: fetch it first (git fetch origin main)")
    preview = run(repo, base, image, port, registry, policy, registries_d, out / "work", timeout)
    text = comment(preview, base, git.head(repo), time.monotonic() - started)
    out.mkdir(parents=True, exist_ok=True)
    (out / "comment.md").write_text(text)
    changed = [env for env, diff in preview.diffs.items() if diff]
    summary = (
        f"preview {'passed' if preview.passed else 'FAILED'}: {out / 'comment.md'} "
        f"(environments changed: {', '.join(changed) or 'none'})"
    )
    return summary, preview.passed
