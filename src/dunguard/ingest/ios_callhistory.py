"""iOS call history ``CallHistory.storedata`` (Core Data SQLite, table ZCALLRECORD)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dunguard.ingest.base import ParseContext, Record, apple_time, select_existing, sqlite_copy, sqlite_tables
from dunguard.records import CallStatus, Direction, EventKind, EventRecord

_CALLTYPE_CHANNEL = {1: "call", 8: "facetime_video", 16: "facetime_audio", 0: "app_call"}


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


class IosCallHistoryImporter:
    name = "ios_callhistory"
    description = "iPhone call history CallHistory.storedata"
    reads = "CallHistory.storedata: ZCALLRECORD (+ -wal)"
    samples = (
        "tests build CallHistory.storedata with the ZCALLRECORD columns iLEAPP callHistory.py reads "
        "(FORMATS.md §2.3)",
    )
    quirks = (
        "ZDATE is seconds since 2001-01-01 (float)",
        "ZORIGINATED 1 = outgoing; incoming with ZANSWERED 0 = missed",
        "ZCALLTYPE 1 phone, 8 FaceTime video, 16 FaceTime audio, 0 third-party app (ZSERVICE_PROVIDER)",
        "ZADDRESS may be stored as a BLOB",
    )

    def sniff(self, path: Path, head: bytes) -> float:
        return 0.95 if "zcallrecord" in sqlite_tables(path, head) else 0.0

    def parse(self, path: Path, ctx: ParseContext) -> Iterator[Record]:
        wanted = ("Z_PK", "ZADDRESS", "ZDATE", "ZDURATION", "ZORIGINATED", "ZANSWERED", "ZCALLTYPE",
                  "ZSERVICE_PROVIDER", "ZISO_COUNTRY_CODE", "ZLOCATION", "ZNAME", "ZDISCONNECTED_CAUSE")
        with sqlite_copy(path, ctx.companions or None, ctx.display_name) as conn:
            for row in select_existing(conn, "ZCALLRECORD", wanted, "ORDER BY ZDATE, Z_PK"):
                locator = f"ZCALLRECORD Z_PK={row['Z_PK']}"
                when = apple_time(row["ZDATE"])
                if when is None:
                    ctx.skip(locator, "ingest.skip.bad_time", value=row["ZDATE"])
                    continue
                out = bool(row["ZORIGINATED"])
                answered = bool(row["ZANSWERED"])
                if out:
                    direction, status = Direction.OUT, CallStatus.OUTGOING
                else:
                    direction = Direction.IN
                    status = CallStatus.ANSWERED if answered else CallStatus.MISSED
                calltype = int(row["ZCALLTYPE"]) if row["ZCALLTYPE"] is not None else 1
                extra: dict[str, Any] = {}
                for col, key in (("ZSERVICE_PROVIDER", "service_provider"), ("ZISO_COUNTRY_CODE", "country"),
                                 ("ZLOCATION", "location"), ("ZDISCONNECTED_CAUSE", "disconnected_cause")):
                    if row[col] not in (None, ""):
                        extra[key] = _text(row[col])
                if out and not answered:
                    extra["not_connected"] = True
                duration = row["ZDURATION"]
                yield EventRecord(
                    kind=EventKind.CALL,
                    time_utc=when,
                    utc_offset_minutes=ctx.offset_minutes(when.timestamp()),
                    time_raw=str(row["ZDATE"]),
                    direction=direction,
                    counterpart_number=_text(row["ZADDRESS"]),
                    counterpart_name=_text(row["ZNAME"]) or None,
                    channel=_CALLTYPE_CHANNEL.get(calltype, f"calltype_{calltype}"),
                    duration_s=round(float(duration)) if duration is not None else None,
                    call_status=status,
                    locator=locator,
                    extra=extra,
                )


IMPORTER = IosCallHistoryImporter()
