"""The Prometheus rule file an overlay ships, as Prometheus itself reads it.

    python -m monitoring.rules --env staging --out build/monitoring/staging/rules.yml [--for 0s]

Renders the overlay with `kubectl kustomize` (so the release's model version is the one the
component put in), takes the `spec` of every PrometheusRule and writes them as one rule file
for `promtool` and a Prometheus on loopback. `--for` replaces every alert's `for:` (tests only:
the expressions stay the same).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from model import paths

OVERLAYS = paths.ROOT / "argocd" / "bikeshare" / "overlays"


class RulesError(Exception):
    """The overlay cannot be rendered or holds no rules."""


def render(overlay: Path) -> list[dict]:
    if shutil.which("kubectl") is None:
        raise RulesError("kubectl not found on PATH: it renders the overlay (kubectl kustomize).")
    proc = subprocess.run(
        ["kubectl", "kustomize", str(overlay)], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise RulesError(f"kubectl kustomize {overlay} failed: {proc.stderr.strip()}")
    return [d for d in yaml.safe_load_all(proc.stdout) if d]


def rule_groups(docs: list[dict], for_override: str | None = None) -> dict:
    groups = [g for d in docs if d["kind"] == "PrometheusRule" for g in d["spec"]["groups"]]
    if not any(g.get("rules") for g in groups):
        raise RulesError("the rendered manifests hold no PrometheusRule with rules.")
    if for_override is not None:
        for group in groups:
            for rule in group["rules"]:
                if "alert" in rule:
                    rule["for"] = for_override
    return {"groups": groups}


def write(overlay: Path, out: Path, for_override: str | None = None) -> Path:
    rules = rule_groups(render(overlay), for_override)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(yaml.safe_dump(rules, sort_keys=False))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m monitoring.rules", description=__doc__)
    parser.add_argument("--env", required=True, help="overlay name (staging, prod)")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--for", dest="for_override", help="replace every alert's for: (tests)")
    args = parser.parse_args(argv)
    overlay = OVERLAYS / args.env
    try:
        if not overlay.is_dir():
            known = sorted(p.name for p in OVERLAYS.iterdir() if p.is_dir())
            raise RulesError(f"no overlay {args.env!r}; known: {', '.join(known)}.")
        print(write(overlay, args.out, args.for_override))
    except RulesError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
