"""The README's annotated tree matches the repository: every path it names is tracked by git,
every top-level entry of the repository is in it, and in the areas whose files it lists
(config/, model/, bento/, scoring/) every file is listed."""

from __future__ import annotations

import re
import subprocess

from tests.conftest import REPO

LISTED_AREAS = ("config/", "model/", "bento/", "scoring/")
# Files every package or folder has, which the tree does not annotate.
UNANNOTATED = {"__init__.py", "__main__.py", "README.md"}
NOT_IN_TREE = {"README.md", ".gitignore"}


def tracked() -> set[str]:
    out = subprocess.run(
        ["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    return set(out.split())


def tree() -> list[str]:
    """Paths the tree names: top-level entries, and file names under the last one."""
    text = (REPO / "README.md").read_text()
    block = text.split("## Layout", 1)[1].split("```", 2)[1]
    names, parent = [], ""
    for line in block.splitlines():
        if re.match(r"^\S", line):
            parent = line.split()[0]
            names.append(parent)
        elif re.match(r"^  \S", line) and parent.endswith("/"):
            names.append(parent + line.split()[0])
    return names


def test_every_path_in_the_tree_is_tracked():
    files = tracked()
    missing = [
        name
        for name in tree()
        if name not in files and not any(f.startswith(name.rstrip("/") + "/") for f in files)
    ]
    assert missing == []


def test_every_top_level_entry_is_in_the_tree():
    named = tree()
    top = {f.split("/")[0] + ("/" if "/" in f else "") for f in tracked()} - NOT_IN_TREE
    absent = sorted(t for t in top if not any(n == t or n.startswith(t) for n in named))
    assert absent == []


def test_listed_areas_list_every_file():
    named = set(tree())
    files = tracked()
    unlisted = sorted(
        f
        for area in LISTED_AREAS
        for f in files
        if f.startswith(area)
        and f.count("/") == 1
        and f.split("/")[1] not in UNANNOTATED
        and f not in named
    )
    assert unlisted == []
