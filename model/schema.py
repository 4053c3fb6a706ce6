"""The data contract, written once: columns, types, ranges and categories.

Everything else reads it: validation of data files, the service's request models,
batch scoring and the datasheet check.
"""

from __future__ import annotations

from dataclasses import dataclass

MONTHS = ("Jan", "Feb", "March", "April", "May", "June", "July", "Aug", "Sept", "Oct", "Nov", "Dec")
WEATHER = ("clear", "cloudy/misty", "light rain/snow", "heavy rain/snow")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # "int", "float" or "category"
    description: str
    minimum: float | None = None
    maximum: float | None = None
    categories: tuple[str, ...] | None = None

    @property
    def allowed(self) -> str:
        """Human-readable domain, as written in the datasheet."""
        if self.categories is not None:
            return ", ".join(self.categories)
        return (
            f"{self.minimum:g} to {self.maximum:g}"
            if self.maximum is not None
            else (f">= {self.minimum:g}")
        )


COLUMNS: tuple[Column, ...] = (
    Column("season", "int", "Season: 1 winter, 2 spring, 3 summer, 4 autumn", 1, 4),
    Column("mnth", "category", "Month of the year", categories=MONTHS),
    Column("day", "int", "Day of the year", 1, 366),
    Column("hr", "int", "Hour of the day", 0, 23),
    Column("holiday", "int", "1 if the day is a public holiday", 0, 1),
    Column("weekday", "int", "Day of the week, 0 = Sunday", 0, 6),
    Column("workingday", "int", "1 if neither weekend nor holiday", 0, 1),
    Column("weathersit", "category", "Weather situation", categories=WEATHER),
    Column("temp", "float", "Temperature in Celsius divided by 41", 0, 1),
    Column("atemp", "float", "Feeling temperature in Celsius divided by 50", 0, 1),
    Column("hum", "float", "Relative humidity divided by 100", 0, 1),
    Column("windspeed", "float", "Wind speed divided by 67", 0, 1),
    Column("casual", "int", "Rentals by casual users in the hour", 0, 10_000),
    Column("registered", "int", "Rentals by registered users in the hour", 0, 10_000),
    Column(
        "bikers", "int", "Total rentals in the hour (casual + registered): the target", 0, 10_000
    ),
)

BY_NAME = {c.name: c for c in COLUMNS}
TARGET = "bikers"
# One row per hour: (day, hr) identifies a row, like a timestamp.
KEY = ("day", "hr")
# What a caller knows before the hour happens. `day` is left out on purpose: a day-of-year
# feature cannot extrapolate to the next month; `casual`/`registered` leak the target.
FEATURES = (
    "season",
    "mnth",
    "hr",
    "holiday",
    "weekday",
    "workingday",
    "weathersit",
    "temp",
    "atemp",
    "hum",
    "windspeed",
)
CATEGORICAL = tuple(c for c in FEATURES if BY_NAME[c].kind == "category")
NUMERIC = tuple(c for c in FEATURES if BY_NAME[c].kind != "category")
