"""What a user of an open-source repository expects finds: licence, contributing guide, PR
template, pre-commit running `make lint`'s checks, update rules for every pinned ecosystem, and
zizmor clean on the workflows."""

from __future__ import annotations

import re
import subprocess
from fnmatch import fnmatch
from pathlib import Path, PurePosixPath

import yaml

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"


def tracked() -> list[str]:
    return subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()


def test_a_clone_has_licence_contributing_and_pr_template():
    files = set(tracked())
    assert {"LICENSE", "CONTRIBUTING.md", ".github/PULL_REQUEST_TEMPLATE.md"} <= files
    assert "Apache License" in (ROOT / "LICENSE").read_text()[:200]
    guide = (ROOT / "CONTRIBUTING.md").read_text()
    for needed in ("make demo", "make test", "## Add data", "## Change the model",
                   "## Add an environment"):  # fmt: skip
        assert needed in guide, needed


def lint_prerequisites() -> list[str]:
    database = subprocess.run(
        ["make", "-pRrq", ":"], cwd=ROOT, capture_output=True, text=True
    ).stdout
    match = re.search(r"^lint:(.*)$", database, re.M)
    assert match, "no lint target in make's database"
    return match.group(1).split()


def test_pre_commit_runs_exactly_the_checks_of_make_lint():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    entries = [hook["entry"] for repo in config["repos"] for hook in repo["hooks"]]
    assert sorted(entries) == sorted(f"make -s {target}" for target in lint_prerequisites())
    # lint has no recipe of its own that a hook would miss.
    dry_run = subprocess.run(
        ["make", "-n", "lint"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    separate = "".join(
        subprocess.run(
            ["make", "-n", target], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
        for target in lint_prerequisites()
    )
    assert set(dry_run.splitlines()) <= set(separate.splitlines())


def _covered(directory: str, patterns: list[str]) -> bool:
    return any(fnmatch(directory, pattern.rstrip("/") or "/") for pattern in patterns)


def test_dependabot_watches_every_pinned_ecosystem():
    config = yaml.safe_load((ROOT / ".github" / "dependabot.yml").read_text())
    rules: dict[str, list[str]] = {}
    for update in config["updates"]:
        dirs = update.get("directories") or [update["directory"]]
        rules.setdefault(update["package-ecosystem"], []).extend(dirs)
        assert "groups" in update, f"{update['package-ecosystem']}: one grouped PR, not one each"
    manifests = {
        "pip": lambda name: (
            name == "pyproject.toml" or re.fullmatch(r".*requirements.*\.txt", name)
        ),
        "npm": lambda name: name == "package-lock.json",
        "terraform": lambda name: name == "versions.tf",
    }
    found = {ecosystem: set() for ecosystem in manifests}
    for path in map(PurePosixPath, tracked()):
        for ecosystem, is_manifest in manifests.items():
            if is_manifest(path.name):
                found[ecosystem].add("/" + str(path.parent).removeprefix("."))
    assert found["pip"] and found["npm"] and found["terraform"]
    for ecosystem, directories in found.items():
        for directory in sorted(directories):
            assert _covered(directory, rules.get(ecosystem, [])), (ecosystem, directory)
    assert rules["github-actions"] == ["/"]


def test_zizmor_is_clean_and_would_see_a_finding(tmp_path):
    clean = subprocess.run(["make", "-s", "zizmor"], cwd=ROOT, capture_output=True, text=True)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "No findings" in clean.stdout
    # The same pinned zizmor, offline, on a workflow that interpolates PR text into a shell.
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: pull_request_target\npermissions: {}\njobs:\n  x:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - run: echo ${{ github.event.pull_request.title }}\n"
    )
    found = subprocess.run(
        [BIN / "zizmor", "--offline", "--no-progress", bad], capture_output=True, text=True
    )
    assert found.returncode != 0
    assert "template-injection" in found.stdout


def test_the_longest_first_modules_exist():
    """tests/conftest.py's LONGEST_FIRST names modules; a renamed one would silently fall back
    to the default order."""
    from tests.conftest import LONGEST_FIRST

    missing = [name for name in LONGEST_FIRST if not (ROOT / name).is_file()]
    assert not missing, f"tests/conftest.py LONGEST_FIRST names missing modules: {missing}"
