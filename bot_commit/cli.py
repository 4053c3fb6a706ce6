"""`python -m bot_commit push --branch B --base origin/main`: one sentence on any refusal."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from bot_commit.api import ApiError, GitHub
from bot_commit.commit import Refused, push


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot_commit",
        description="Re-create the local commits ahead of BASE on GitHub through its API "
        "(signed by GitHub when the token is a GitHub App's) and point BRANCH at them.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("push", help="commit through the API instead of git push")
    p.add_argument("--branch", required=True)
    p.add_argument("--base", required=True, help="a commit GitHub has, e.g. origin/main")
    p.add_argument("--root", type=Path, default=Path.cwd())
    args = parser.parse_args(argv)

    token = os.environ.get("GH_TOKEN") or os.environ.get("GITHUB_TOKEN")
    repository = os.environ.get("GITHUB_REPOSITORY", "")
    if not token or "/" not in repository:
        print(
            "bot_commit: set GH_TOKEN (the App's installation token) "
            "and GITHUB_REPOSITORY=owner/name.",
            file=sys.stderr,
        )
        return 1
    github = GitHub(os.environ.get("GITHUB_API_URL", "https://api.github.com"), repository, token)
    try:
        sha, count = push(args.root, github, args.branch, args.base)
    except (Refused, ApiError) as error:
        print(f"bot_commit: {str(error).rstrip('.')}.", file=sys.stderr)
        return 1
    print(f"{args.branch} -> {sha} ({count} commit(s) made through the API)")
    return 0
