"""Run the service image the way the cluster runs it, and wait until it is ready.

RUNTIME below is the container half of argocd/bikeshare/base/deployment.yaml (uid, read-only
root filesystem with one tmpfs, no capabilities, no privilege escalation, port, probes, env);
tests/image/test_image_drift.py fails when the two disagree.

    python -m image.run start REF [--name N] [--port P] [--mode sagemaker]  # URL when ready
    python -m image.run stop [--name N]

`--mode sagemaker` starts the same image the way SageMaker does (argument `serve`, port 8080
inside, GET /ping: bento/entrypoint.sh, bento/sagemaker.py), with the same settings as above:
SageMaker itself gives the container a writable root, and the image must work both ways.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
import urllib.error
import urllib.request

RUNTIME = {
    "uid": 1034,
    "gid": 1034,
    "container_port": 3000,
    "liveness": "/livez",
    "readiness": "/readyz",
    "env": {"BENTOML_HOME": "/tmp/bentoml", "BENTOML_DO_NOT_TRACK": "true"},  # noqa: S108
    # The only writable path, as the Deployment's emptyDir (medium: Memory, sizeLimit 256Mi).
    "tmpfs": {"/tmp": "256m"},  # noqa: S108 (paths inside the container)
    "read_only_root": True,
    "cap_drop": ["ALL"],
    "no_new_privileges": True,
}
# How each platform starts the image: arguments after the image, port inside, health path.
MODES = {
    "kubernetes": {
        "args": [],
        "container_port": RUNTIME["container_port"],
        "ready": RUNTIME["readiness"],
    },
    "sagemaker": {"args": ["serve"], "container_port": 8080, "ready": "/ping"},
}
DEFAULT_NAME = "bikeshare-image"
DEFAULT_PORT = 3000


PODMAN = ("podman",)


def podman_run_args(
    ref: str,
    name: str,
    host_port: int,
    podman=PODMAN,
    mode: str = "kubernetes",
    env: dict[str, str] | None = None,
    container_port: int | None = None,
) -> list[str]:
    """`podman run` arguments for REF, detached, published on 127.0.0.1 only.

    `env` adds variables (e.g. SAGEMAKER_BIND_TO_PORT); `container_port` overrides the mode's."""
    args = [*podman, "run", "--detach", "--name", name]
    args += ["--user", f"{RUNTIME['uid']}:{RUNTIME['gid']}"]
    if RUNTIME["read_only_root"]:
        # Without --read-only-tmpfs=false podman also makes /run and /var/tmp writable.
        args += ["--read-only", "--read-only-tmpfs=false"]
    for path, size in RUNTIME["tmpfs"].items():
        args += ["--tmpfs", f"{path}:rw,nosuid,nodev,size={size},mode=1777"]
    args += [f"--cap-drop={cap.lower()}" for cap in RUNTIME["cap_drop"]]
    if RUNTIME["no_new_privileges"]:
        args += ["--security-opt", "no-new-privileges"]
    for key, value in {**RUNTIME["env"], **(env or {})}.items():
        args += ["--env", f"{key}={value}"]
    inside = container_port or MODES[mode]["container_port"]
    args += ["--publish", f"127.0.0.1:{host_port}:{inside}", ref, *MODES[mode]["args"]]
    return args


def wait_ready(name: str, url: str, timeout: float = 90.0, podman=PODMAN) -> float:
    """Seconds until GET url answers 200; fails with the container's log if it exits first."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return time.monotonic() - start
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        state = subprocess.run(
            [*podman, "inspect", "--format", "{{.State.Running}}", name],
            capture_output=True,
            text=True,
        )
        if state.stdout.strip() != "true":
            logs = subprocess.run([*podman, "logs", name], capture_output=True, text=True)
            raise RuntimeError(f"Container {name} stopped before it was ready:\n{logs.stderr}")
        time.sleep(0.25)
    raise TimeoutError(f"Container {name} was not ready at {url} within {timeout:.0f} s.")


def start(
    ref: str,
    name: str = DEFAULT_NAME,
    host_port: int = DEFAULT_PORT,
    podman=PODMAN,
    mode: str = "kubernetes",
    **options,
) -> str:
    """Start REF as the cluster would (or SageMaker, with mode="sagemaker"), wait for
    readiness, return the base URL. `options`: env, container_port (podman_run_args)."""
    stop(name, podman)
    args = podman_run_args(ref, name, host_port, podman, mode, **options)
    subprocess.run(args, check=True, capture_output=True)
    url = f"http://127.0.0.1:{host_port}"
    wait_ready(name, url + MODES[mode]["ready"], podman=podman)
    return url


def stop(name: str = DEFAULT_NAME, podman=PODMAN) -> None:
    subprocess.run([*podman, "rm", "--force", "--ignore", name], check=True, capture_output=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    start_cmd = sub.add_parser("start")
    start_cmd.add_argument("ref")
    start_cmd.add_argument("--name", default=DEFAULT_NAME)
    start_cmd.add_argument("--port", type=int, default=DEFAULT_PORT)
    start_cmd.add_argument("--mode", choices=sorted(MODES), default="kubernetes")
    stop_cmd = sub.add_parser("stop")
    stop_cmd.add_argument("--name", default=DEFAULT_NAME)
    args = parser.parse_args(argv)
    if args.command == "start":
        t0 = time.monotonic()
        url = start(args.ref, args.name, args.port, mode=args.mode)
        print(f"{args.ref} ready at {url} in {time.monotonic() - t0:.1f} s (container {args.name})")
    else:
        stop(args.name)
        print(f"Container {args.name} removed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
