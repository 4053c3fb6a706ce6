"""`python -m autorollback serve`: the receiver, configured from the environment.

AUTOROLLBACK_ENV (prod), AUTOROLLBACK_WINDOW_SECONDS (3600), AUTOROLLBACK_TOKEN_FILE (the
bearer token Alertmanager sends), AUTOROLLBACK_REPO (a clone of the repository, on main);
with AUTOROLLBACK_GITHUB_REPOSITORY (owner/name) the branch is pushed and the PR opened with
the App's credentials (GITHUB_APP_CLIENT_ID, GITHUB_APP_INSTALLATION_ID,
GITHUB_APP_PRIVATE_KEY_FILE), else it stays in the clone."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import time
from pathlib import Path

from autorollback.decide import DEFAULT_WINDOW_SECONDS
from autorollback.receiver import Receiver, serve


def _github(root: Path, env=os.environ):
    """(propose, refresh) through the App, or (None, None) without a GitHub repository."""
    repository = env.get("AUTOROLLBACK_GITHUB_REPOSITORY")
    if not repository:
        return None, None
    from autorollback import github

    def token() -> str:
        key = Path(env["GITHUB_APP_PRIVATE_KEY_FILE"]).read_bytes()
        return github.installation_token(
            env["GITHUB_APP_CLIENT_ID"], env["GITHUB_APP_INSTALLATION_ID"], key
        )

    return (
        lambda opened: github.propose(root, repository, token(), opened),
        lambda: github.sync(root, repository, token()),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="autorollback", description=__doc__)
    parser.add_argument("command", choices=["serve"])
    parser.add_argument("--host", default="0.0.0.0")  # noqa: S104 (in a pod, behind a Service)
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    token_file = os.environ.get("AUTOROLLBACK_TOKEN_FILE")
    root = Path(os.environ.get("AUTOROLLBACK_REPO", "."))
    if not token_file or not Path(token_file).is_file():
        print(
            "error: set AUTOROLLBACK_TOKEN_FILE to the file holding Alertmanager's bearer token.",
            file=sys.stderr,
        )
        return 2
    propose, refresh = _github(root)
    if refresh:
        refresh()  # the first clone
    if not (root / ".git").exists():
        print(
            f"error: AUTOROLLBACK_REPO {root} is not a git clone of the repository; clone it "
            "on main first, or set AUTOROLLBACK_GITHUB_REPOSITORY.",
            file=sys.stderr,
        )
        return 2
    receiver = Receiver(
        root,
        os.environ.get("AUTOROLLBACK_ENV", "prod"),
        Path(token_file).read_text().strip(),
        int(os.environ.get("AUTOROLLBACK_WINDOW_SECONDS", DEFAULT_WINDOW_SECONDS)),
        propose,
        refresh,
    )
    # A pod is stopped with SIGTERM: leave at once (a notification in flight is retried).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server = serve(receiver, args.host, args.port)
    print(f"autorollback: listening on {args.host}:{server.server_address[1]}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
