"""Where the repository's state lives: one answer for every reader, from any working directory.

Code lives in the Python packages; state (the champion record, params, monitoring thresholds)
lives in config/, data in data/. Paths are anchored at the repository root found from this
file, so `python -m model`, the service, the scoring job and the tests agree whatever the
working directory. Inside the bento (and its image) the root is the bento's src/ folder,
which holds model/ and config/ side by side. Tools that work on another checkout (gitops on
a scratch clone, a PR branch) use the repository-relative forms with their own root.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHAMPION_IN_REPO = Path("config/champion.json")
GOLDEN_IN_REPO = Path("config/golden.json")  # the verification Job's rows and exact answers
CONFIG = ROOT / "config"
CHAMPION = ROOT / CHAMPION_IN_REPO
GOLDEN = ROOT / GOLDEN_IN_REPO
PARAMS = CONFIG / "params.yaml"
MONITORING = CONFIG / "monitoring.yaml"
DATA = ROOT / "data"
REPORTS = ROOT / "reports"
BUILD = ROOT / "build"
CANDIDATE = BUILD / "candidate"
