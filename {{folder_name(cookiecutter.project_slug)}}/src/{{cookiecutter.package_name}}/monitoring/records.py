"""Time windows and typed records built from query rows."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

Record = TypeVar("Record")


@dataclass(frozen=True)
class TimeWindow:
    """The half-open interval [start, end) a report covers, in aware UTC datetimes."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("time window bounds must be timezone-aware")
        if self.start >= self.end:
            raise ValueError(f"time window start {self.start} must be before its end {self.end}")

    @classmethod
    def last(cls, now: datetime, *, days: float = 0, hours: float = 0) -> TimeWindow:
        """The window that ends now and lasts the given days plus hours."""
        return cls(now - timedelta(days=days, hours=hours), now)

    def values(self) -> dict[str, datetime]:
        """The ``start_time``/``end_time`` query parameters."""
        return {"start_time": self.start, "end_time": self.end}


def to_records(record_type: type[Record], rows: Iterable[dict[str, Any]]) -> list[Record]:
    """Rows as typed records; a column the record needs but the row lacks is an error."""
    names = [field.name for field in dataclasses.fields(record_type)]  # type: ignore[arg-type]
    records = []
    for row in rows:
        missing = [name for name in names if name not in row]
        if missing:
            raise KeyError(f"{record_type.__name__} needs column(s) {', '.join(missing)}")
        records.append(record_type(**{name: row[name] for name in names}))
    return records
