"""Command line: one sentence on stderr and a non-zero exit for every refusal."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from gitops import git, hydrate, rules
from gitops.errors import Failed, Refusal
from gitops.evidence import open_store
from gitops.golden import write_golden
from gitops.layout import PLACEHOLDER, check_environment, read_release
from gitops.promote import promote
from gitops.render import render_all
from gitops.rollback import rollback
from gitops.set_image import set_image

DESCRIPTION = (
    "Change what runs in an environment through git: pin a digest in staging, promote it to "
    "prod on a branch, roll a promotion back with a revert, render the overlays."
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m gitops", description=DESCRIPTION)
    parser.add_argument("--root", type=Path, help="repository root (default: git top level)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("set-image", help="pin IMAGE (by digest) in an environment's overlay")
    p.add_argument("--env", required=True)
    p.add_argument("--image", required=True, help="REGISTRY/REPOSITORY@sha256:<64 hex>")
    p.add_argument("--model-version", help="default: version in config/champion.json")
    p.add_argument("--no-commit", action="store_true", help="only write the overlay file")
    p.add_argument(
        "--body-file", type=Path, help="the release PR's body (default: build/release-ENV.md)"
    )

    p = sub.add_parser("promote", help="branch + commit copying FROM's release to TO")
    p.add_argument("--from", dest="source", help="default: the environment before TO")
    p.add_argument("--to", dest="target", default="prod")
    p.add_argument("--digest", help="a digest FROM ran before (default: what FROM runs now)")
    p.add_argument("--body-file", type=Path, help="PR body (default: build/promote-TO.md)")
    p.add_argument(
        "--override",
        help="reason to promote without a passing verification or despite a rollback hold "
        "(goes into the commit)",
    )
    p.add_argument(
        "--evidence-store",
        default=os.environ.get("EVIDENCE_STORE") or "build/evidence",
        help="s3://BUCKET or a directory holding evidence/<env>/<digest>.json "
        "(default: $EVIDENCE_STORE, else build/evidence: the store's local form)",
    )

    p = sub.add_parser("rollback", help="branch + revert of the last promotion to ENV")
    p.add_argument("--env", default="prod")
    p.add_argument("--body-file", type=Path, help="PR body (default: build/rollback-ENV.md)")
    p.add_argument(
        "--reason",
        default="requested by hand (make rollback)",
        help="the alert or reason that opened the rollback (goes into the commit)",
    )

    p = sub.add_parser("hydrate", help="write the first environment's hydrated manifests")
    p.add_argument("--check", action="store_true", help="exit 1 if they are stale; write nothing")
    p.add_argument(
        "--env", help="a new environment's first hydrated file (later: only by promotion)"
    )

    p = sub.add_parser("released", help="exit 1 when ENV pins only the placeholder digest")
    p.add_argument("--env", required=True)

    p = sub.add_parser("golden", help="write config/golden.json from the champion")
    p.add_argument("--data", type=Path, default=Path("data"))

    p = sub.add_parser("render", help="render overlays with kubectl kustomize")
    p.add_argument("--env", action="append", help="repeatable; default: every environment")
    p.add_argument("--out", type=Path, default=Path("build/manifests"))
    return parser


def run(args: argparse.Namespace) -> str:
    root = args.root.resolve() if args.root else git.toplevel(Path.cwd())
    if args.command == "set-image":
        body = args.body_file or Path(f"build/release-{args.env}.md")
        return set_image(root, args.env, args.image, args.model_version, not args.no_commit, body)
    if args.command == "promote":
        body = args.body_file or Path(f"build/promote-{args.target}.md")
        source = args.source or rules.load(root).source_of(args.target)
        url = args.evidence_store
        store = open_store(url if url.startswith("s3://") else root / url)
        branch, sha = promote(
            root, source, args.target, args.digest, body, args.override, store=store
        )
        return f"branch {branch}, commit {sha[:12]}; PR body in {body}."
    if args.command == "rollback":
        body = args.body_file or Path(f"build/rollback-{args.env}.md")
        branch, sha = rollback(root, args.env, body, reason=args.reason)
        return f"branch {branch}, commit {sha[:12]}; PR body in {body}."
    if args.command == "released":
        release = read_release(root, check_environment(root, args.env))
        if release.digest == PLACEHOLDER:
            raise Refusal(
                f"{args.env} pins no released image yet (the placeholder digest): "
                + (
                    f"make release ENV={args.env}"
                    if rules.load(root).takes_releases(args.env)
                    else f"make promote TO={args.env}"
                )
            )
        return f"{args.env} pins {release.ref} (model {release.model_version})"
    if args.command == "golden":
        return write_golden(root, args.data)
    if args.command == "hydrate":
        if args.env:
            return hydrate.first_render(root, args.env)
        env = hydrate.first_environment(root)
        if args.check:
            if hydrate.stale(root):
                raise Refusal(
                    f"{env}'s hydrated manifests are stale: run make hydrate and commit them"
                )
            return f"{env}'s hydrated manifests match its overlay."
        path, changed = hydrate.write(root, env)
        return f"{path} {'written' if changed else 'already current'}."
    written = render_all(root, args.env or list(rules.load(root).environments), args.out)
    return "rendered " + ", ".join(p.as_posix() for p in written)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        print(run(args))
    except Refusal as refusal:
        print(f"gitops {args.command}: {str(refusal).rstrip('.')}.", file=sys.stderr)
        return 1
    except Failed as failure:
        print(failure, file=sys.stderr)
        return 1
    return 0
