"""The borrower's own diary: calls, visits, letters and stop notices that left no file.

Not everything leaves a file: a collector who calls from a hidden number, comes to the
door or sends a letter.  :func:`add_diary_entry` records it as a DIARY event in the case,
through the same transaction and record writer as an import (hash-chained ledger entry
included), so the analysis and the documents see it like any other event, marked as the
user's own note.  ``dunguard log`` and the web page "记一笔" are thin shells over it.

Kind ``notice`` records that the borrower (or a relative) told a lender or collector to stop
contacting them or their contacts: the written notice DunGuard drafts, or a clear spoken
request.  It defaults to direction ``out``; the analysis (rule T8) counts every collection
contact after it, and a note naming family, colleagues or contacts scopes it to third parties.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from dunguard.errors import UsageError

__all__ = ["DIARY_KINDS", "add_diary_entry"]

DIARY_KINDS = ("call", "visit", "letter", "notice")


def add_diary_entry(
    home: Any,
    case_id: str,
    when: str,
    kind: str,
    number: str | None = None,
    note: str | None = None,
    direction: str | None = None,
    duration: str | None = None,
    tz: str | None = None,
    actor: str = "cli",
) -> dict[str, Any]:
    """Store one diary entry as a DIARY event; returns what was stored (and if it was new)."""
    from sqlalchemy import func, select

    from dunguard.ingest.base import ParseContext
    from dunguard.ingest.generic_csv import parse_duration, parse_time
    from dunguard.ingest.pipeline import FileReport, RecordWriter
    from dunguard.models import Case, Event
    from dunguard.records import Direction, EventKind, EventRecord

    kind = kind.strip().lower()
    if kind not in DIARY_KINDS:
        raise UsageError("diary.bad_kind", value=kind)
    number = (number or "").strip() or None
    note = (note or "").strip() or None
    if number is None and note is None:
        raise UsageError("diary.need_content")
    if direction is None:  # a notice is something the borrower sends; the rest usually come in
        direction = "out" if kind == "notice" else "in"
    if direction not in ("in", "out"):
        raise UsageError("diary.bad_direction", value=direction)
    with home.store.session() as s:
        case = s.get(Case, case_id)
        zone = tz or (case.timezone if case is not None and case.timezone else "Asia/Shanghai")
    ctx = ParseContext(display_name="diary", tz_name=zone)
    if when.strip().lower() in ("now", "现在"):
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        time_utc, offset = now, ctx.offset_minutes(now.timestamp())
    else:
        parsed = parse_time(when, ctx)
        if parsed is None:
            raise UsageError("diary.bad_time", value=when)
        time_utc, offset = parsed.utc, parsed.offset_minutes
    seconds = None
    if duration:
        seconds = parse_duration(duration)
        if seconds is None:
            raise UsageError("diary.bad_duration", value=duration)
    entered = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    record = EventRecord(
        kind=EventKind.DIARY,
        time_utc=time_utc,
        utc_offset_minutes=offset,
        time_raw=when,
        direction=Direction(direction),
        counterpart_number=number,
        channel=f"diary:{kind}",
        text=note,
        duration_s=seconds,
        locator="diary",
        extra={"diary_kind": kind, "entered_at": entered, "source": "user"},
    )
    entry = {
        "kind": kind,
        "time_utc": time_utc.isoformat(),
        "utc_offset_minutes": offset,
        "time_raw": when,
        "direction": direction,
        "number": number,
        "note": note,
        "duration_s": seconds,
        "tz": zone,
    }
    digest = hashlib.sha256(json.dumps(entry, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()
    report = FileReport("diary", format="diary")
    with home.transaction(case_id, actor=actor) as tx:
        writer = RecordWriter(tx, None, report)
        writer.write([record])
        writer.finish()
        tx.log("diary", digest, {**entry, "inserted": report.inserted})
    with home.store.session() as s:
        event_id = s.scalar(
            select(func.max(Event.id)).where(
                Event.case_id == case_id, Event.kind == EventKind.DIARY.value, Event.time_utc == time_utc
            )
        )
    return {**entry, "event_id": event_id, "new": report.inserted > 0, "sha256": digest}
