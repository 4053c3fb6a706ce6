"""Command line: one sentence on stderr and a non-zero exit for every refusal."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from gitops import git
from gitops.errors import Failed, Refusal
from gitops.layout import check_environment
from kubeplay import preview
from kubeplay.local import LocalTarget
from kubeplay.play import down, up
from kubeplay.score_pod import score_pod
from kubeplay.verify_run import verify

DESCRIPTION = (
    "Run what git pins for an environment on this machine with podman kube play: play it, "
    "verify it with its verification Job's pod, play the scoring CronJob's pod once."
)


def _common(p: argparse.ArgumentParser, timeout: float) -> None:
    p.add_argument("--env", required=True)
    p.add_argument("--registry", default="127.0.0.1:5000", help="loopback registry host:port")
    p.add_argument("--port", type=int, default=3101, help="hostPort on 127.0.0.1")
    p.add_argument("--policy", type=Path, default=Path(".containers/policy.json"))
    p.add_argument("--registries-d", type=Path, default=Path(".containers/registries.d"))
    p.add_argument("--timeout", type=float, default=timeout, help="seconds to wait for ready")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m kubeplay", description=DESCRIPTION)
    parser.add_argument("--root", type=Path, help="repository root (default: git top level)")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("up", "play ENV's rendered overlay with podman kube play (pulls through the policy)"),
        ("down", "remove the pod `up` played for ENV"),
    ):
        _common(sub.add_parser(name, help=text), 240)

    p = sub.add_parser("verify", help="run ENV's verification Job pod; it records its evidence")
    _common(p, 240)
    p.add_argument(
        "--evidence-store",
        default=os.environ.get("EVIDENCE_STORE") or "build/evidence",
        help="s3://BUCKET (the pod writes with this process's AWS credentials) or a directory",
    )
    p.add_argument("--endpoint-url", help="S3 endpoint for the pod (the moto server)")
    p.add_argument("--ca-bundle", type=Path, help="the endpoint's CA certificate")

    p = sub.add_parser("preview", help="a PR's image as staging: play, verify, bad input, diffs")
    _common(p, 240)
    p.add_argument("--image", required=True, help="the PR's pushed image, REPO@sha256:...")
    p.add_argument("--base", default="origin/main", help="what the rendered diffs compare with")
    p.add_argument("--out", type=Path, default=Path("build/preview"), help="comment.md goes here")

    p = sub.add_parser("score-pod", help="play the scoring CronJob's pod once against moto")
    _common(p, 180)
    p.add_argument("--period", required=True, help="YYYY-MM staged in the bucket")
    p.add_argument("--bucket", required=True)
    p.add_argument("--endpoint-url", required=True, help="the moto server")
    p.add_argument("--ca-bundle", type=Path, required=True, help="the moto server's certificate")
    return parser


def run(args: argparse.Namespace) -> str:
    root = args.root.resolve() if args.root else git.toplevel(Path.cwd())
    if args.command == "preview":
        summary, passed = preview.main_run(
            root,
            args.base,
            args.image,
            args.port,
            args.registry,
            args.policy.resolve(),
            args.registries_d.resolve(),
            args.out.resolve(),
            args.timeout,
        )
        if not passed:
            raise Failed(summary)
        return summary
    target = LocalTarget(root, check_environment(root, args.env), args.registry, args.port)
    if args.command == "up":
        return up(target, args.policy.resolve(), args.registries_d.resolve(), args.timeout)
    if args.command == "down":
        return down(target)
    if args.command == "verify":
        store = args.evidence_store
        if not store.startswith("s3://"):
            store = str((root / store).resolve())
        return verify(target, store, args.endpoint_url, args.ca_bundle)
    return score_pod(
        target,
        args.policy.resolve(),
        args.registries_d.resolve(),
        args.period,
        args.bucket,
        args.endpoint_url,
        args.ca_bundle,
    )


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        print(run(args))
    except Refusal as refusal:
        print(f"kubeplay {args.command}: {str(refusal).rstrip('.')}.", file=sys.stderr)
        return 1
    except Failed as failure:
        print(failure, file=sys.stderr)
        return 1
    return 0
