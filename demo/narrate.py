"""Small helpers to print the demo as numbered steps."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

_step = 0


@contextmanager
def step(title: str) -> Iterator[None]:
    global _step
    _step += 1
    print(f"\n\033[1m[{_step}] {title}\033[0m", flush=True)
    started = time.monotonic()
    yield
    print(f"    ({time.monotonic() - started:.1f} s)", flush=True)


def say(text: str) -> None:
    for line in text.splitlines():
        print(f"    {line}", flush=True)
