"""Command line: one sentence on stderr and a non-zero exit for every refusal."""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from platform_setup import appsets, configure, github_rules, registration, sources
from platform_setup.config import load
from platform_setup.errors import ConfigError

APPS = Path("argocd/apps")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m platform_setup",
        description="Account values from config/platform.yaml, cluster registrations, "
        "ApplicationSet expansion.",
    )
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="repository root")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("configure", help="write config/platform.yaml's values where needed")
    p.add_argument("--check", action="store_true", help="only report files that would change")
    p = sub.add_parser("register", help="gitops_bridge output → argocd/clusters/ENV.yaml")
    p.add_argument("--env", required=True)
    p.add_argument("--from", dest="source", type=Path, help="JSON file (default: stdin)")
    p = sub.add_parser("github-variables", help="gh variable set, from .github/variables.json")
    p.add_argument("--dry-run", action="store_true", help="print the gh commands only")
    p = sub.add_parser("github-rules", help="apply .github/rules (settings, ruleset, environments)")
    p.add_argument("--dry-run", action="store_true", help="print the gh api requests only")
    p = sub.add_parser("expand", help="Applications the ApplicationSets make for argocd/clusters")
    p.add_argument("--out", type=Path, help="write YAML here (default: stdout)")
    p = sub.add_parser("render", help="what one generated Application syncs (its folder, patched)")
    p.add_argument("--app", required=True, help="Application name, e.g. argocd-credentials-staging")
    return parser


def kustomize(root: Path, directory: Path) -> list[dict]:
    proc = subprocess.run(
        ["kubectl", "kustomize", str(root / directory)], capture_output=True, text=True
    )
    if proc.returncode != 0:
        lines = proc.stderr.strip().splitlines()
        raise ConfigError(f"kustomize failed for {directory}: {lines[-1] if lines else '?'}.")
    return [d for d in yaml.safe_load_all(proc.stdout) if d]


def registered_clusters(root: Path) -> list[dict]:
    docs = [
        yaml.safe_load(p.read_text()) for p in sorted((root / registration.CLUSTERS).glob("*.yaml"))
    ]
    return [d for d in docs if d and appsets.is_cluster_secret(d)]


def expanded(root: Path) -> list[dict]:
    """Every Application of every registered cluster, ApplicationSets expanded."""
    return appsets.expand_all(kustomize(root, APPS), registered_clusters(root))


def github_variables(root: Path, dry_run: bool) -> int:
    """Set each variable in its scope (repository, or an environment) with the gh CLI."""
    scopes = json.loads((root / configure.GITHUB_VARIABLES).read_text())
    commands = []
    for scope, variables in scopes.items():
        where = [] if scope == "repository" else ["--env", scope.removeprefix("environment:")]
        for name, value in variables.items():
            commands.append(["gh", "variable", "set", name, "--body", value, *where])
    if not dry_run and shutil.which("gh") is None:
        raise ConfigError("gh not found: install the GitHub CLI and run `gh auth login`.")
    for command in commands:
        print(" ".join(command))
        if not dry_run:
            subprocess.run(command, check=True)
    return 0


def _gh(command: list[str], stdin: str | None) -> str:
    proc = subprocess.run(command, input=stdin, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise ConfigError(f"{' '.join(command[:5])} failed: {proc.stderr.strip()[:300]}")
    return proc.stdout


def apply_github_rules(root: Path, dry_run: bool) -> int:
    if not dry_run and shutil.which("gh") is None:
        raise ConfigError("gh not found: install the GitHub CLI and run `gh auth login`.")
    for line in github_rules.apply(root, load(root).github_repository, _gh, dry_run):
        print(line)
    return 0


def run(args: argparse.Namespace) -> int:
    root = args.root
    if args.command == "configure":
        files = configure.plan(root, load(root))
        if args.check:
            stale = configure.changed(root, files)
            for path in stale:
                print(f"out of date: {path}", file=sys.stderr)
            if stale:
                raise ConfigError(
                    f"{len(stale)} file(s) differ from config/platform.yaml: run make configure."
                )
            print(f"{len(files)} files agree with config/platform.yaml.")
            return 0
        written = configure.write(root, files)
        print(f"{len(written)} of {len(files)} files updated from config/platform.yaml.")
        for path in written:
            print(f"  {path}")
        return 0
    if args.command == "register":
        platform = load(root)
        if args.source:
            bridge = registration.read_bridge(args.source)
        else:
            bridge = registration.read_bridge(None, sys.stdin.read())
        registration.check_bridge(bridge, platform, args.env)
        target = root / registration.path_for(args.env)
        configure.write(
            root, {registration.path_for(args.env): registration.render(bridge, "terraform")}
        )
        print(f"wrote {target.relative_to(root)}")
        return 0
    if args.command == "github-variables":
        return github_variables(root, args.dry_run)
    if args.command == "github-rules":
        return apply_github_rules(root, args.dry_run)
    apps = expanded(root)
    if args.command == "render":
        found = [a for a in apps if a["metadata"]["name"] == args.app]
        if not found:
            raise ConfigError(
                f"no Application {args.app} for the registered clusters (argocd/clusters/)."
            )
        sys.stdout.write(sources.render(root, found[0], load(root).repo_url))
        return 0
    text = yaml.safe_dump_all(apps, sort_keys=False, width=100)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text)
        print(f"{len(apps)} Applications in {args.out}")
    else:
        sys.stdout.write(text)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return run(args)
    except ConfigError as error:
        print(f"{args.command}: {error}", file=sys.stderr)
        return 1
