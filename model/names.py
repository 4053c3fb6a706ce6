"""Names a reviewer reads: "Season: winter", not `season=1`; "Wind speed", not `windspeed`."""

from __future__ import annotations

from typing import Any

FEATURE = {
    "season": "Season",
    "mnth": "Month",
    "hr": "Hour",
    "holiday": "Holiday",
    "weekday": "Weekday",
    "workingday": "Working day",
    "weathersit": "Weather",
    "temp": "Temperature",
    "atemp": "Feels-like temperature",
    "hum": "Humidity",
    "windspeed": "Wind speed",
    "hour_band": "Hours",
}
# Codes as model/schema.py defines them.
VALUE = {
    "season": {"1": "winter", "2": "spring", "3": "summer", "4": "autumn"},
    "workingday": {"0": "no", "1": "yes"},
    "holiday": {"0": "no", "1": "yes"},
    "weekday": dict(zip("0123456", ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"), strict=True)),
}


def feature(name: str) -> str:
    return FEATURE.get(name, name)


def group(name: str, value: Any, hour_bands: dict[str, list[int]] | None = None) -> str:
    """One group of a feature in words: group("season", 1) == "winter"."""
    value = str(value)
    if name == "hour_band":
        words = value.replace("_", " ")
        band = (hour_bands or {}).get(value)
        return f"{words} ({band[0]}–{band[1]} h)" if band else words
    return VALUE.get(name, {}).get(value, value)


def slice_name(key: str, hour_bands: dict[str, list[int]] | None = None) -> str:
    """A slice key of model/evaluate.py in words: "season=1" → "Season: winter"."""
    name, _, value = key.partition("=")
    return f"{feature(name)}: {group(name, value, hour_bands)}"
