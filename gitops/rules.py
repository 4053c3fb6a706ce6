"""Promotion rules as data: the `promotion:` section of config/platform.yaml.

In the spirit of gitops-promoter's PromotionStrategy: the environments in promotion order,
which of them merge their PRs on green checks (`auto_merge`) and what a promotion into one
requires (`requires: [verification]`: a passing verification of the digest in the environment
before it, from the evidence store). A release enters the first environment (the release
workflow's bot PR, `set-image`); every later one changes only through `promote` from the one
before it. Adding an environment is an entry here and under `environments`, plus its tfvars.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from gitops.errors import Refusal

CONFIG = Path("config/platform.yaml")
ENV_NAME = re.compile(r"^[a-z][a-z0-9-]{0,15}$")
REQUIREMENTS = frozenset({"verification"})
DEFAULT_MAX_AGE_HOURS = 168.0


@dataclass(frozen=True)
class Stage:
    """One environment of the promotion order."""

    name: str
    auto_merge: bool
    requires: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rules:
    stages: tuple[Stage, ...]
    evidence_max_age_hours: float = DEFAULT_MAX_AGE_HOURS

    @property
    def environments(self) -> tuple[str, ...]:
        return tuple(stage.name for stage in self.stages)

    def stage(self, env: str) -> Stage:
        for stage in self.stages:
            if stage.name == env:
                return stage
        raise Refusal(
            f"unknown environment {env!r}: expected one of {', '.join(self.environments)}."
        )

    def check(self, env: str) -> str:
        return self.stage(env).name

    def takes_releases(self, env: str) -> bool:
        """Only the first environment is written by `set-image` (the release's bot PR)."""
        return self.check(env) == self.environments[0]

    def source_of(self, target: str) -> str:
        """The environment a promotion into `target` copies from."""
        index = self.environments.index(self.check(target))
        if index == 0:
            raise Refusal(
                f"{target} is the first environment: releases enter it with make release, "
                "not by promotion."
            )
        return self.environments[index - 1]

    def check_step(self, source: str, target: str) -> None:
        if self.source_of(target) != self.check(source):
            raise Refusal(f"promotion goes {' -> '.join(self.environments)} one step at a time.")


def parse(data: object, where: Path = CONFIG) -> Rules:
    """The rules from the parsed config file; one sentence for anything malformed."""
    section = data.get("promotion") if isinstance(data, dict) else None
    if not isinstance(section, dict) or not isinstance(section.get("environments"), list):
        raise Refusal(f"{where} has no `promotion.environments` list: see docs/promotion.md.")
    declared = data.get("environments") or {}
    stages = []
    for entry in section["environments"]:
        name = entry.get("name") if isinstance(entry, dict) else None
        if not isinstance(name, str) or not ENV_NAME.match(name):
            raise Refusal(f"{where}: promotion.environments has an entry without a valid name.")
        if not isinstance(entry.get("auto_merge"), bool):
            raise Refusal(f"{where}: promotion environment {name} needs auto_merge: true|false.")
        requires = tuple(entry.get("requires") or ())
        if unknown := sorted(set(requires) - REQUIREMENTS):
            raise Refusal(f"{where}: {name} requires unknown {', '.join(unknown)}.")
        stages.append(Stage(name, entry["auto_merge"], requires))
    names = [s.name for s in stages]
    if not names or len(set(names)) != len(names):
        raise Refusal(f"{where}: promotion.environments must list each environment once.")
    if isinstance(declared, dict) and set(declared) != set(names):
        raise Refusal(
            f"{where}: promotion.environments ({', '.join(names)}) and environments "
            f"({', '.join(declared)}) must name the same environments."
        )
    max_age = section.get("evidence_max_age_hours", DEFAULT_MAX_AGE_HOURS)
    if not isinstance(max_age, int | float) or isinstance(max_age, bool) or max_age <= 0:
        raise Refusal(f"{where}: promotion.evidence_max_age_hours must be a positive number.")
    return Rules(tuple(stages), float(max_age))


def load(root: Path) -> Rules:
    path = root / CONFIG
    if not path.is_file():
        raise Refusal(f"{CONFIG} not found in {root}: the promotion rules live there.")
    try:
        data = yaml.safe_load(path.read_text())
    except yaml.YAMLError:
        raise Refusal(f"{CONFIG} is not valid YAML.") from None
    return parse(data)
