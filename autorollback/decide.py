"""Whether a firing alert is a bad deploy's: the service's error or latency alert, in this
environment, that started within the window after the environment's release last changed on
its branch (the merge that deployed it, not when the promotion commit was written)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from gitops import git, history
from gitops.layout import release_path

ROLLBACK_ALERTS = ("BikeshareHighErrorRatio", "BikeshareHighLatency")
DEFAULT_WINDOW_SECONDS = 3600


@dataclass(frozen=True)
class Decision:
    rollback: bool
    why: str


def parse_time(text: str) -> dt.datetime:
    """Alertmanager's RFC 3339 times, with up to nanoseconds (Python reads microseconds)."""
    text = text.replace("Z", "+00:00")
    if "." in text:
        head, rest = text.split(".", 1)
        digits = len(rest) - len(rest.lstrip("0123456789"))
        text = f"{head}.{rest[:digits][:6].ljust(6, '0')}{rest[digits:]}"
    return dt.datetime.fromisoformat(text)


def deployed_at(root: Path, env: str) -> dt.datetime | None:
    """When the environment's release file last changed on HEAD's first-parent history."""
    stamp = git.git(
        root, "log", "-1", "--first-parent", "--format=%ct", "--", release_path(env).as_posix()
    ).strip()
    return dt.datetime.fromtimestamp(int(stamp), dt.UTC) if stamp else None


def decide(root: Path, env: str, alert: dict, window_seconds: int) -> Decision:
    labels = alert.get("labels", {})
    name = labels.get("alertname", "?")
    if alert.get("status") != "firing" or name not in ROLLBACK_ALERTS:
        return Decision(False, f"{name} ({alert.get('status')}) is not a rollback alert")
    if labels.get("environment", env) != env:
        return Decision(False, f"{name} fired in {labels['environment']}, not {env}")
    promotion = history.last_promotion(root, env)
    if promotion is None:
        return Decision(False, f"{name}: no promotion to {env} left to roll back")
    # After a rollback the alert may still fire for a while: never roll back twice in a row.
    last_change = git.git(root, "log", "-1", "--format=%H", "--", release_path(env).as_posix())
    if last_change.strip() != promotion:
        return Decision(False, f"{name}: {env}'s last release change is not a promotion")
    deployed = deployed_at(root, env)
    started = parse_time(alert["startsAt"])
    if deployed is None or started < deployed:
        return Decision(False, f"{name} started before the last deploy of {env}: not its fault")
    after = (started - deployed).total_seconds()
    if after > window_seconds:
        return Decision(
            False, f"{name} started {after:.0f} s after the deploy, beyond {window_seconds} s"
        )
    return Decision(
        True, f"{name} started {after:.0f} s after promotion {promotion[:12]} reached {env}"
    )
