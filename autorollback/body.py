"""The alert, as the rollback PR's reviewer needs it: what fired, when, and where to look."""

from __future__ import annotations


def alert_section(alert: dict, why: str) -> str:
    labels = alert.get("labels", {})
    notes = alert.get("annotations", {})
    lines = [
        "### The alert that opened this rollback",
        "",
        f"Opened by the auto-rollback receiver: {why}. Merging this PR is the rollback; "
        "closing it keeps the release.",
        "",
        f"- Alert: `{labels.get('alertname', '?')}` ({labels.get('severity', '?')})",
        f"- Summary: {notes.get('summary', '-')}",
        f"- Started: {alert.get('startsAt', '?')}",
        f"- Labels: {', '.join(f'`{k}={v}`' for k, v in sorted(labels.items()))}",
    ]
    if notes.get("runbook_url"):
        lines.append(f"- Runbook: {notes['runbook_url']}")
    if alert.get("generatorURL"):
        lines.append(f"- Query: {alert['generatorURL']}")
    return "\n".join(lines) + "\n"
