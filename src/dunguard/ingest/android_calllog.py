"""Android call log database ``calllog.db`` (also the ``calls`` table of older contacts2.db).

Samsung keeps it in com.samsung.android.providers.contacts with the same ``calls`` table.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dunguard.ingest.base import (
    ParseContext,
    Record,
    epoch_ms_to_utc,
    select_existing,
    sqlite_copy,
    sqlite_tables,
)
from dunguard.records import CallStatus, Direction, EventKind, EventRecord

CALL_TYPE: dict[int, tuple[Direction, CallStatus]] = {
    1: (Direction.IN, CallStatus.ANSWERED),
    2: (Direction.OUT, CallStatus.OUTGOING),
    3: (Direction.IN, CallStatus.MISSED),
    4: (Direction.IN, CallStatus.VOICEMAIL),
    5: (Direction.IN, CallStatus.REJECTED),
    6: (Direction.IN, CallStatus.BLOCKED),
    7: (Direction.IN, CallStatus.ANSWERED),  # answered on another device
}
PRESENTATION = {1: "allowed", 2: "restricted", 3: "unknown", 4: "payphone"}
_WANTED = ("_id", "number", "date", "duration", "type", "presentation", "subscription_id", "name",
           "geocoded_location", "countryiso", "normalized_number", "block_reason", "post_dial_digits")


def _int(v: Any) -> int | None:
    try:
        return int(v) if v is not None else None
    except (TypeError, ValueError):
        return None


def iter_calls(conn: sqlite3.Connection, ctx: ParseContext, table: str = "calls") -> Iterator[Record]:
    """Call records of an Android ``calls`` table (CallLog.Calls columns)."""
    for row in select_existing(conn, table, _WANTED, "ORDER BY date, _id"):
        locator = f"{table} _id={row['_id']}"
        ms = _int(row["date"])
        if ms is None or ms <= 0:
            ctx.skip(locator, "ingest.skip.bad_time", value=row["date"])
            continue
        if ms < 100_000_000_000:
            ms *= 1000
        typ = _int(row["type"]) or 0
        direction, status = CALL_TYPE.get(typ, (Direction.UNKNOWN, CallStatus.UNKNOWN))
        extra: dict[str, Any] = {}
        pres = _int(row["presentation"])
        if pres not in (None, 1):
            extra["presentation"] = PRESENTATION.get(pres or 0, pres)
        if typ == 7:
            extra["answered_elsewhere"] = True
        for col in ("geocoded_location", "countryiso", "normalized_number", "post_dial_digits"):
            if row[col]:
                extra[col] = row[col]
        if _int(row["block_reason"]):
            extra["block_reason"] = _int(row["block_reason"])
        if row["subscription_id"] not in (None, "", -1, "-1"):
            extra["sim"] = str(row["subscription_id"])
        duration = _int(row["duration"])
        yield EventRecord(
            kind=EventKind.CALL,
            time_utc=epoch_ms_to_utc(ms),
            utc_offset_minutes=ctx.offset_minutes(ms / 1000),
            time_raw=str(row["date"]),
            direction=direction,
            counterpart_number=row["number"],
            counterpart_name=row["name"] or None,
            channel="call",
            duration_s=duration if duration is None or duration >= 0 else None,
            call_status=status,
            locator=locator,
            extra=extra,
        )


class AndroidCallLogImporter:
    name = "android_calllog"
    description = "Android call log database calllog.db"
    reads = "calllog.db: table calls (+ -wal)"
    samples = (
        "tests build calllog.db with the AOSP CallLogProvider columns (FORMATS.md §2.2), including "
        "the real row quoted there (duration=53, number=+916382372387, type=1)",
    )
    quirks = (
        "date is Unix ms; duration seconds",
        "type 1 incoming, 2 outgoing, 3 missed, 4 voicemail, 5 rejected, 6 blocked, 7 answered elsewhere",
        "presentation 2/3 (restricted/unknown) leaves number empty or '-1'/'-2': kept as hidden",
        "older Android keeps calls inside contacts2.db: the android_contacts importer reads them there",
    )

    def sniff(self, path: Path, head: bytes) -> float:
        tables = sqlite_tables(path, head)
        if "calls" not in tables or "raw_contacts" in tables:
            return 0.0
        return 0.9

    def parse(self, path: Path, ctx: ParseContext) -> Iterator[Record]:
        with sqlite_copy(path, ctx.companions or None, ctx.display_name) as conn:
            yield from iter_calls(conn, ctx)


IMPORTER = AndroidCallLogImporter()
