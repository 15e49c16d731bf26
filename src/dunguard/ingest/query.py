"""Reading a case's events back (``dunguard events``, the web timeline, analysis helpers)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, or_, select

from dunguard.errors import UsageError
from dunguard.home import Home
from dunguard.ingest.base import load_zone
from dunguard.models import Event
from dunguard.phones import normalize
from dunguard.records import EventKind

__all__ = ["EventView", "list_events", "parse_since"]


@dataclass(frozen=True, slots=True)
class EventView:
    id: int
    kind: str
    direction: str
    time_utc: dt.datetime
    utc_offset_minutes: int | None
    time_raw: str
    counterpart_raw: str | None
    counterpart_key: str | None
    counterpart_name: str | None
    number_kind: str | None
    channel: str | None
    text: str | None
    duration_s: int | None
    call_status: str | None
    evidence_id: int | None
    locator: str
    thread: str | None
    extra: dict[str, Any] | None

    def local_time(self) -> dt.datetime:
        """The time as the phone showed it (its original offset)."""
        off = dt.timedelta(minutes=self.utc_offset_minutes or 0)
        return self.time_utc.astimezone(dt.timezone(off))

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "direction": self.direction,
            "time_utc": self.time_utc.isoformat().replace("+00:00", "Z"),
            "time_local": self.local_time().isoformat(),
            "utc_offset_minutes": self.utc_offset_minutes,
            "time_raw": self.time_raw,
            "counterpart_raw": self.counterpart_raw,
            "counterpart_e164": self.counterpart_key,
            "counterpart_name": self.counterpart_name,
            "number_kind": self.number_kind,
            "channel": self.channel,
            "text": self.text,
            "duration_s": self.duration_s,
            "call_status": self.call_status,
            "evidence_id": self.evidence_id,
            "locator": self.locator,
            "thread": self.thread,
            "extra": self.extra,
        }


def parse_since(value: str, tz: str | ZoneInfo = "Asia/Shanghai") -> dt.datetime:
    """'2024-05-01' or '2024-05-01T08:00[+08:00]' → aware UTC; naive values are local time."""
    zone = load_zone(tz) if isinstance(tz, str) else tz
    text = value.strip().replace(" ", "T", 1)
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise UsageError("ingest.events.bad_since", value=value) from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed.astimezone(dt.UTC)


def _filtered(
    stmt: Select[Any],
    case_id: str,
    kinds: Sequence[str],
    number: str | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
) -> Select[Any]:
    stmt = stmt.where(Event.case_id == case_id)
    if kinds:
        valid = {k.value for k in EventKind}
        bad = [k for k in kinds if k not in valid]
        if bad:
            raise UsageError("ingest.events.bad_kind", value=bad[0], choices=", ".join(sorted(valid)))
        stmt = stmt.where(Event.kind.in_(list(kinds)))
    if number:
        key = normalize(number).key
        stmt = stmt.where(or_(Event.counterpart_e164 == key, Event.counterpart_raw == number.strip()))
    if since is not None:
        stmt = stmt.where(Event.time_utc >= since)
    if until is not None:
        stmt = stmt.where(Event.time_utc < until)
    return stmt


def list_events(
    home: Home,
    case_id: str,
    *,
    kinds: Sequence[str] = (),
    number: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> tuple[int, list[EventView]]:
    """(total matching, the page of events in time order)."""
    with home.store.session() as s:
        total = s.scalar(_filtered(select(func.count()).select_from(Event), case_id, kinds, number, since, until))
        stmt = _filtered(select(Event), case_id, kinds, number, since, until).order_by(Event.time_utc, Event.id)
        if offset:
            stmt = stmt.offset(offset)
        if limit is not None:
            stmt = stmt.limit(limit)
        views = [
            EventView(
                id=e.id,
                kind=e.kind,
                direction=e.direction,
                time_utc=e.time_utc,
                utc_offset_minutes=e.utc_offset_minutes,
                time_raw=e.time_raw,
                counterpart_raw=e.counterpart_raw,
                counterpart_key=e.counterpart_e164,
                counterpart_name=e.counterpart_name,
                number_kind=e.number_kind,
                channel=e.channel,
                text=e.text,
                duration_s=e.duration_s,
                call_status=e.call_status,
                evidence_id=e.evidence_id,
                locator=e.locator,
                thread=e.thread,
                extra=e.extra,
            )
            for e in s.scalars(stmt)
        ]
    return int(total or 0), views
