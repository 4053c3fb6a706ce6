"""Re-create local commits on GitHub through the git database API, so that GitHub signs them.

For each commit ahead of the base (oldest first): a blob per added or changed file, a tree
over the parent's tree, a commit with the same message (trailers included) and no author or
committer of ours (GitHub then signs it as the App), and finally the branch's ref. GitHub's
trees are content-addressed like git's, so each tree it returns must equal the local one:
anything else is refused before a ref moves.
"""

from __future__ import annotations

import base64
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bot_commit.api import ApiError, GitHub

FILE_MODES = {"100644", "100755", "120000"}  # regular, executable, symlink


class Refused(Exception):
    """A local history this module will not re-create; the message is one sentence."""


def git(root: Path, *args: str, binary: bool = False):
    proc = subprocess.run(["git", *args], cwd=root, capture_output=True, check=False)
    if proc.returncode != 0:
        raise Refused(f"git {args[0]} failed: {proc.stderr.decode(errors='replace').strip()}")
    return proc.stdout if binary else proc.stdout.decode()


@dataclass(frozen=True)
class Change:
    path: str
    mode: str  # "000000" when deleted
    blob: str


def commits_ahead(root: Path, base: str) -> list[str]:
    commits = git(root, "rev-list", "--reverse", "--topo-order", f"{base}..HEAD").split()
    for sha in commits:
        if len(git(root, "rev-list", "--parents", "-n", "1", sha).split()) != 2:
            raise Refused(
                f"commit {sha[:12]} is a merge or a root commit: rebase it onto the base."
            )
    return commits


def changes(root: Path, commit: str) -> list[Change]:
    raw = git(root, "diff-tree", "-r", "--no-renames", "--raw", "-z", f"{commit}^", commit)
    fields = raw.split("\0")
    out = []
    for meta, path in zip(fields[0::2], fields[1::2], strict=False):
        if not meta:
            continue
        _, new_mode, _, new_blob, _ = meta.lstrip(":").split(" ", 4)
        if new_mode != "000000" and new_mode not in FILE_MODES:
            raise Refused(
                f"{path} has mode {new_mode} (a submodule?): only files can be committed."
            )
        out.append(Change(path, new_mode, new_blob))
    return out


def _tree_entry(change: Change, remote_blob: str | None) -> dict:
    if change.mode == "000000":  # deletion: a null sha removes the path from base_tree
        return {"path": change.path, "mode": "100644", "type": "blob", "sha": None}
    return {"path": change.path, "mode": change.mode, "type": "blob", "sha": remote_blob}


def recreate(root: Path, github: GitHub, commit: str, parent: str) -> str:
    """Commit `commit`'s change on GitHub on top of `parent` (a commit GitHub has)."""
    entries = []
    for change in changes(root, commit):
        blob = None
        if change.mode != "000000":
            content = git(root, "cat-file", "blob", change.blob, binary=True)
            blob = github.call(
                "POST",
                "/git/blobs",
                {"content": base64.b64encode(content).decode(), "encoding": "base64"},
            )["sha"]
            if blob != change.blob:
                raise Refused(
                    f"GitHub stored {change.path} as {blob[:12]}, not {change.blob[:12]}."
                )
        entries.append(_tree_entry(change, blob))
    parent_tree = git(root, "rev-parse", f"{commit}^^{{tree}}").strip()
    tree = github.call("POST", "/git/trees", {"base_tree": parent_tree, "tree": entries})["sha"]
    local_tree = git(root, "rev-parse", f"{commit}^{{tree}}").strip()
    if tree != local_tree:
        raise Refused(f"GitHub's tree {tree[:12]} differs from the local {local_tree[:12]}.")
    message = git(root, "log", "-1", "--format=%B", commit).rstrip("\n") + "\n"
    body = {"message": message, "tree": tree, "parents": [parent]}
    return github.call("POST", "/git/commits", body)["sha"]


def push(root: Path, github: GitHub, branch: str, base: str) -> tuple[str, int]:
    """Re-create every commit of HEAD ahead of `base` and point `branch` at the last one.

    Returns (the branch's new sha on GitHub, how many commits were made)."""
    commits = commits_ahead(root, base)
    if not commits:
        raise Refused(f"nothing to push: HEAD has no commit ahead of {base}.")
    remote = git(root, "rev-parse", f"{commits[0]}^").strip()
    for commit in commits:
        remote = recreate(root, github, commit, remote)
    ref = f"heads/{branch}"
    try:
        github.call("GET", f"/git/ref/{ref}")
    except ApiError as error:
        if error.status != 404:
            raise
        github.call("POST", "/git/refs", {"ref": f"refs/{ref}", "sha": remote})
    else:  # the bot's own branch from an earlier run of the same job: replaced
        github.call("PATCH", f"/git/refs/{ref}", {"sha": remote, "force": True})
    return remote, len(commits)
