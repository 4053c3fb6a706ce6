"""Headless Chromium (Debian's `chromium` package) as a camera and a ruler: a screenshot of
the first screen and of the whole page, and the page's layout after load (the probe of
prbodies/page.py, read back with --dump-dom). No driver and no download: the binary's own
command-line modes."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

WIDTH = 1280  # GitHub's usual window; the body column inside is ~880 px (page.py)
FOLD = 900  # what a reviewer sees without scrolling
TIMEOUT = 120


class ChromiumMissing(RuntimeError):
    pass


def binary() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise ChromiumMissing(
        "chromium not found: run `make pr-bodies-tools` as root (Debian package chromium)."
    )


def _run(page: Path, *mode: str, height: int) -> str:
    with tempfile.TemporaryDirectory(prefix="prbodies-chromium-") as profile:
        args = [
            binary(),
            "--headless",
            "--disable-gpu",
            "--hide-scrollbars",
            # Every compositor stage done before a frame is drawn: no half-painted screenshot
            # (a blank tile over the page, seen on a busy machine).
            "--run-all-compositor-stages-before-draw",
            "--no-first-run",
            "--allow-file-access-from-files",
            f"--user-data-dir={profile}",
            f"--window-size={WIDTH},{height}",
            "--virtual-time-budget=5000",  # lets images load and the probe run
            *mode,
            page.resolve().as_uri(),
        ]
        if os.geteuid() == 0:  # Chromium's sandbox refuses root
            args.insert(1, "--no-sandbox")
        done = subprocess.run(args, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"chromium failed on {page}: {done.stderr.strip()[-400:]}")
    return done.stdout


def layout(page: Path) -> dict:
    """The probe's JSON: page height, images (loaded?), headings, tables with positions."""
    dom = _run(page, "--dump-dom", height=FOLD)
    found = re.search(r'<pre id="layout" hidden="">(.*?)</pre>', dom, re.DOTALL)
    if not found:
        raise RuntimeError(f"{page}: the layout probe did not run (no #layout in the DOM).")
    return json.loads(html.unescape(found.group(1)))


def screenshot(page: Path, out: Path, height: int = FOLD) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    _run(page, f"--screenshot={out.resolve()}", height=height)
    if not out.is_file():
        raise RuntimeError(f"chromium wrote no screenshot for {page}.")
    return out
