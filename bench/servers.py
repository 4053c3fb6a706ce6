"""Start a server as a process tree, time it to ready, sample its memory, stop it."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
# The environment as the harness found it: importing bento.service (to read its worker
# count) sets OMP_NUM_THREADS, which must not leak into the baseline's processes.
ENV = dict(os.environ)


def tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes."""
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for proc in procs:
        with contextlib.suppress(psutil.NoSuchProcess):
            total += proc.memory_info().rss
    return total


class Server:
    def __init__(self, name: str, cmd: list, ready_url: str, log: Path, env: dict) -> None:
        self.name, self.cmd, self.ready_url, self.log, self.env = name, cmd, ready_url, log, env
        self.proc: subprocess.Popen | None = None
        self.samples: list[tuple[float, int]] = []
        self._stop = threading.Event()

    def start(self, timeout_s: float = 60) -> float:
        """Start and return seconds until the ready URL answers 200."""
        self.log.parent.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        self.proc = subprocess.Popen(
            [str(arg) for arg in self.cmd],
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            env={**ENV, **self.env},
            start_new_session=True,  # its own process group: stopped as one
        )
        threading.Thread(target=self._sample, daemon=True).start()
        while time.perf_counter() - started < timeout_s:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited early; see {self.log}")
            try:
                with urllib.request.urlopen(self.ready_url, timeout=1) as resp:
                    if resp.status == 200:
                        return time.perf_counter() - started
            except OSError:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"{self.name} not ready after {timeout_s} s; see {self.log}")

    def _sample(self) -> None:
        while not self._stop.is_set() and self.proc is not None:
            self.samples.append((time.perf_counter(), tree_rss(self.proc.pid)))
            time.sleep(0.25)

    def peak_rss_mib(self, since: float = 0.0) -> float:
        return max((rss for t, rss in self.samples if t >= since), default=0) / 2**20

    def stop(self) -> None:
        self._stop.set()
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


def tree_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and its live descendants."""
    total = 0.0
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    for proc in procs:
        with contextlib.suppress(psutil.NoSuchProcess):
            times = proc.cpu_times()
            total += times.user + times.system
    return total


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def uvicorn_server(name: str, module: str, workers: int, log: Path, env: dict, *flags) -> Server:
    """`uvicorn MODULE:app` with TCP_NODELAY on accepted sockets (bench/nodelay.py)."""
    port = free_port()
    return Server(
        name,
        [
            BIN / "uvicorn",
            f"{module}:app",
            "--host=127.0.0.1",
            f"--port={port}",
            f"--workers={workers}",
            "--http=bench.nodelay:H11NoDelay",
            *flags,
        ],
        f"http://127.0.0.1:{port}/readyz",
        log,
        {"PYTHONPATH": str(ROOT), **env},
    )


def project_server(log: Path, port: int | None = None) -> Server:
    """The project's BentoML service, as `make serve` runs it, on a loopback port."""
    port = port or free_port()
    return Server(
        "project",
        [BIN / "bentoml", "serve", "bento.service:Bikeshare", "--host=127.0.0.1", f"--port={port}"],
        f"http://127.0.0.1:{port}/readyz",
        log,
        {
            "BENTOML_DO_NOT_TRACK": "true",
            "PYTHONPATH": str(ROOT),
            "BENTOML_HOME": os.environ.get("BENTOML_HOME", str(ROOT / ".bentoml")),
        },
    )
