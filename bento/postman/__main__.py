"""python -m bento.postman generate|run|serve-and-run: see bento/postman/__init__.py."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import yaml

from bento.postman import collection as kept
from model import paths

REPORT_DIR = Path("build/newman")


def fetch_document(url: str) -> dict:
    answer = httpx.get(f"{url.rstrip('/')}/docs.json", timeout=30)
    answer.raise_for_status()
    return answer.json()


def environments() -> dict[str, str]:
    """Base URL per environment: local, then each host of config/platform.yaml."""
    platform = yaml.safe_load((paths.CONFIG / "platform.yaml").read_text())
    hosts = {name: f"https://{env['host']}" for name, env in platform["environments"].items()}
    return {"local": kept.LOCAL_URL, **hosts}


def generate(url: str) -> None:
    document = fetch_document(url)
    made = kept.with_tests(kept.convert(document), document)
    kept.COLLECTION.write_text(json.dumps(made, indent=2, sort_keys=True) + "\n")
    kept.ENVIRONMENTS.mkdir(exist_ok=True)
    for name, base_url in environments().items():
        path = kept.ENVIRONMENTS / f"{name}.postman_environment.json"
        path.write_text(json.dumps(kept.environment(name, base_url), indent=2) + "\n")
    print(f"{kept.COLLECTION}: {len(kept.requests(made))} requests")


def run(url: str, report_dir: Path = REPORT_DIR) -> int:
    """newman over the kept collection against `url`; JSON and HTML reports in report_dir."""
    report_dir.mkdir(parents=True, exist_ok=True)
    command = [
        kept.tool("newman"),
        "run",
        kept.COLLECTION,
        "--env-var",
        f"baseUrl={url.rstrip('/')}",
        "--reporters",
        "cli,json,htmlextra",
        "--reporter-json-export",
        report_dir / "report.json",
        "--reporter-htmlextra-export",
        report_dir / "report.html",
        "--timeout-request",
        "60000",
        "--color",
        "off",
    ]
    return subprocess.run(command, check=False).returncode


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def served(port: int) -> Iterator[str]:
    """`bentoml serve` of this checkout on loopback until the block ends."""
    bentoml = Path(sys.executable).parent / "bentoml"
    args = [bentoml, "serve", "bento.service:Bikeshare", "--host", "127.0.0.1", f"--port={port}"]
    server = subprocess.Popen(args, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise SystemExit(f"error: the service exited ({server.returncode}) before ready.")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            time.sleep(0.5)
        else:
            raise SystemExit("error: the service was not ready in 120 s; see its log above.")
        yield url
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bento.postman")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("generate", help="regenerate the kept collection").add_argument("url")
    run_parser = sub.add_parser("run", help="run the kept collection with newman")
    run_parser.add_argument("url")
    run_parser.add_argument("--report", type=Path, default=REPORT_DIR, help="report directory")
    served_parser = sub.add_parser("serve-and-run", help="serve this checkout, run newman")
    served_parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    try:
        if args.command == "generate":
            generate(args.url)
            return 0
        if args.command == "run":
            return run(args.url, args.report)
        with served(args.port or free_port()) as url:
            return run(url)
    except kept.ToolMissing as missing:
        print(f"error: {missing}", file=sys.stderr)
        return 2
    except httpx.HTTPError as error:
        print(f"error: no OpenAPI document at {args.url}/docs.json ({error}).", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
