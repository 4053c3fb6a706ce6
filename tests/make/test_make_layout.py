"""The Makefile's layout and `make help`: fragments included by name after mk/common.mk,
each using only its own and common.mk's variables; help grouped by area, every target
described, defaults expanded, colour only on a terminal."""

import os
import pty
import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FRAGMENTS = sorted((REPO / "mk").glob("*.mk"))
TARGET_LINE = re.compile(r"^  (\S+)(?:\s+(.*))?$")
# Variables make itself defines: usable everywhere.
BUILTIN = {"MAKE", "CURDIR", "MAKEFILE_LIST", "MAKEFLAGS", "SHELL", "@", "<", "^", "*"}
DEFINITION = re.compile(
    r"^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*(?::=|::=|\?=|\+=|=)|^define\s+(\w+)"
)
# $(NAME) and $(call NAME, but not the shell's $$(...).
REFERENCE = re.compile(r"(?<!\$)\$\((?:call\s+)?([A-Za-z_][A-Za-z0-9_]*)[),]")


def make(*args: str, env: dict | None = None, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def help_targets(text: str) -> dict[str, str]:
    return {m[1]: m[2] or "" for line in text.splitlines() if (m := TARGET_LINE.match(line))}


def definitions(path: Path) -> set[str]:
    return {m[1] or m[2] for line in path.read_text().splitlines() if (m := DEFINITION.match(line))}


@pytest.fixture(scope="module")
def plain_help() -> str:
    result = make("help")
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_help_describes_every_target_with_defaults_expanded(plain_help):
    targets = help_targets(plain_help)
    assert {"demo", "test", "test-fast", "help", "tf-plan", "wf-targets"} <= set(targets)
    assert [t for t, description in targets.items() if not description.strip()] == []
    assert "$(" not in plain_help
    assert "\033" not in plain_help, "colour codes although stdout is not a terminal"
    assert "Serve the champion on 127.0.0.1:3000" in plain_help


def test_help_lists_every_documented_target_under_its_area(plain_help):
    documented = set()
    for path in [REPO / "Makefile", *FRAGMENTS]:
        lines = path.read_text().splitlines()
        documented |= {m[1] for line in lines if (m := re.match(r"^([\w.-]+)\s*:[^=].*##", line))}
        if path.name != "common.mk":
            assert any(line.startswith("##@ ") for line in lines), f"{path.name}: no ##@ Area"
    assert documented == set(help_targets(plain_help))


def test_help_shows_the_values_make_was_given():
    result = make("help", "PORT=3131", "MOTO_PORT=3132")
    assert "Serve the champion on 127.0.0.1:3131" in result.stdout
    assert "moto AWS emulator on 127.0.0.1:3132" in result.stdout


def _help_on_a_terminal(env: dict) -> str:
    controller, terminal = pty.openpty()
    proc = subprocess.Popen(
        ["make", "--no-print-directory", "help"],
        cwd=REPO,
        stdout=terminal,
        stderr=terminal,
        env={**os.environ, **env},
    )
    os.close(terminal)
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal closed: make has exited
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(controller)
    assert proc.wait(timeout=60) == 0
    return b"".join(chunks).decode()


def test_help_has_colour_on_a_terminal_unless_no_color():
    coloured = _help_on_a_terminal({"NO_COLOR": ""})  # empty counts as unset
    assert "\033[36mtest-fast" in coloured
    assert "\033" not in _help_on_a_terminal({"NO_COLOR": "1"})


def test_common_fragment_comes_first_and_every_fragment_is_included_by_name():
    includes = re.findall(r"^include (\S+)$", (REPO / "Makefile").read_text(), re.M)
    assert includes[0] == "mk/common.mk"
    assert sorted(includes) == sorted(f"mk/{p.name}" for p in FRAGMENTS)


def test_a_fragment_left_out_of_the_makefile_stops_make(tmp_path):
    for name in ("Makefile", "mk", "scripts"):
        copy = shutil.copytree if (REPO / name).is_dir() else shutil.copy
        copy(REPO / name, tmp_path / name)
    (tmp_path / "mk" / "extra.mk").write_text("extra: ## An area nobody included\n")
    result = make("help", cwd=tmp_path)
    assert result.returncode != 0
    assert "Not included by the Makefile: mk/extra.mk" in result.stderr


def test_fragments_use_only_their_own_and_common_variables():
    common = definitions(REPO / "mk" / "common.mk")
    owners = {p.name: definitions(p) for p in FRAGMENTS if p.name != "common.mk"}
    borrowed = []
    for name, own in owners.items():
        used = set(REFERENCE.findall((REPO / "mk" / name).read_text()))
        others = set().union(*(d for n, d in owners.items() if n != name))
        borrowed += [f"{name}: {v}" for v in sorted(used & others - own - common - BUILTIN)]
    assert borrowed == [], "move these to mk/common.mk or define them in the fragment"


def test_each_area_heading_names_the_folder_its_fragment_drives():
    """`make help` reads like the tree: one fragment per area, headed `folder/: what`."""
    headings = {}
    for path in FRAGMENTS:
        if path.name == "common.mk":
            continue
        first = path.read_text().splitlines()[0]
        match = re.match(r"^##@ ([\w.-]+)/: \S", first)
        assert match, f"{path.name}: heading {first!r} is not `##@ <folder>/: what`"
        assert (REPO / match[1]).is_dir(), f"{path.name}: no folder {match[1]}/ in the repository"
        headings[path.name] = match[1]
    repeated = {f for f in headings.values() if list(headings.values()).count(f) > 1}
    assert not repeated, f"more than one fragment drives {sorted(repeated)}"
