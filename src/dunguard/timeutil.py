"""Time helpers: aware datetimes only.  Stored in UTC, shown in the case's zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

UTC = dt.UTC
DEFAULT_TZ = "Asia/Shanghai"


def utcnow() -> dt.datetime:
    return dt.datetime.now(UTC)


def to_utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        raise ValueError("naive datetime: a timezone is required")
    return value.astimezone(UTC)


def from_epoch_ms(ms: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(ms / 1000, UTC)


def local(value: dt.datetime, tz: str = DEFAULT_TZ) -> dt.datetime:
    return to_utc(value).astimezone(ZoneInfo(tz))


def isoformat_utc(value: dt.datetime) -> str:
    """``2024-05-01T12:00:00.123456Z``-style, stable for hashing."""
    return to_utc(value).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_iso(value: str) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return to_utc(parsed)


def offset_minutes(value: dt.datetime) -> int | None:
    off = value.utcoffset()
    return None if off is None else int(off.total_seconds() // 60)
