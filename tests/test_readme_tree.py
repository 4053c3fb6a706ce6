"""The trees in the docs match the repository.

README.md's short tree names every top-level entry that git tracks, and nothing that is not
there; docs/layout.md's annotated tree names only tracked paths and, in the areas whose files
it lists (config/, model/, bento/, scoring/), every file."""

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


def tree(doc: str = "docs/layout.md", heading: str = "# Layout") -> list[str]:
    """Paths a tree names: top-level entries, and file names under the last one."""
    text = (REPO / doc).read_text()
    block = text.split(heading, 1)[1].split("```", 2)[1]
    names, parent = [], ""
    for line in block.splitlines():
        if re.match(r"^\S", line):
            parent = line.split()[0]
            names.append(parent)
        elif re.match(r"^  \S", line) and parent.endswith("/"):
            names.append(parent + line.split()[0])
    return names


def _untracked(names: list[str]) -> list[str]:
    files = tracked()
    return [
        name
        for name in names
        if name not in files and not any(f.startswith(name.rstrip("/") + "/") for f in files)
    ]


def _absent_top_level(names: list[str]) -> list[str]:
    top = {f.split("/")[0] + ("/" if "/" in f else "") for f in tracked()} - NOT_IN_TREE
    return sorted(t for t in top if not any(n == t or n.startswith(t) for n in names))


def test_every_path_in_the_readme_tree_is_tracked():
    assert _untracked(tree("README.md", "## Layout")) == []


def test_every_top_level_entry_is_in_the_readme_tree():
    assert _absent_top_level(tree("README.md", "## Layout")) == []


def test_every_path_in_the_annotated_tree_is_tracked():
    assert _untracked(tree()) == []


def test_every_top_level_entry_is_in_the_annotated_tree():
    assert _absent_top_level(tree()) == []


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


def test_the_readme_stays_a_front_door():
    lines = (REPO / "README.md").read_text().splitlines()
    assert len(lines) <= 160, f"README.md has {len(lines)} lines: move detail into docs/"


def test_docs_link_only_to_files_that_exist():
    broken = []
    for doc in [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", doc.read_text()):
            if "://" in target or target.startswith("mailto:"):
                continue
            if not (doc.parent / target).exists():
                broken.append(f"{doc.relative_to(REPO)} -> {target}")
    assert broken == []
