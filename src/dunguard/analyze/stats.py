"""Timeline statistics of a case, for reports and the web UI — kept as per-case aggregates.

``timeline(home, case_id)`` returns one JSON-ready dict (times shown in the case's zone)::

    {
      "case_id": "…", "timezone": "Asia/Shanghai",
      "total": 83,                                  # events in the case
      "range": ["2026-10-08T09:12:00+08:00", "2026-10-18T23:58:00+08:00"] | [null, null],
      "kinds": {"call": 70, "sms": 13},             # events by kind
      "per_day": [                                  # one row per local day with events
        {"date": "2026-10-10", "total": 9, "night": 3, "counts": {"call": 8, "sms": 1}}, …],
      "hour_weekday": [[0, 0, …24 ints], … 7 rows], # [weekday 0=Mon][local hour] → events
      "numbers": [                                  # busiest counterpart numbers first
        {"number": "+8617012345601", "display": "17012345601", "name": null, "role": null,
         "number_kind": "virtual_mobile", "carrier": "…", "location": "…",
         "total": 17, "calls_in": 12, "answered": 4, "missed": 8, "messages_in": 3, "out": 0,
         "duration_s": 420, "night": 7, "first": "…+08:00", "last": "…+08:00"}, …],
      "numbers_total": 9,                           # distinct numbers (the list is capped)
      "third_parties": [                            # contacts that collection reached (T7)
        {"name": "妈妈", "finding_id": 16, "status": "new", "count": 1,
         "first": "…", "last": "…", "numbers": ["13800000001"], "events": 2}, …]
    }

How it stays fast on a million events: the figures are stored per case (tables
``stats_state``, ``stats_days`` (local day × kind → count, night count), ``stats_hours``
(weekday × hour → count) and ``stats_numbers`` (one row per number), migration
``web_0001``).  Each call checks them against the case's events with one index-only query
(count and largest id): when they match, the figures are read from those small tables;
when only newer events were added (an import, a re-import), just those events are
aggregated (two GROUP BY queries over the new rows) and added; anything else (a changed
time zone, events that were removed) rebuilds the figures from all events.  Local days,
hours and night counts use the zone's real offset for each 15-minute UTC bucket, so they
are exact across daylight-saving changes.  Saving the refreshed figures is opportunistic:
if another writer holds the database (a running import), the figures are returned and
saved by a later call.  ``refresh(home, case_id)`` brings them up to date without
building the report (the web app calls it after an upload).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    BigInteger,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    case,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from dunguard.analyze.engine import case_filter, display_number, epoch_seconds
from dunguard.errors import NotFoundError
from dunguard.home import Home
from dunguard.models import Case, Event, Finding, Party, Phone, UTCDateTime

__all__ = ["BUCKET_SECONDS", "quick_write_session", "refresh", "timeline"]

BUCKET_SECONDS = 900
NIGHT_START = 22 * 3600
NIGHT_END = 8 * 3600
QUICK_LOCK_MS = 200  # how long a refresh waits for the database's write lock before giving up
_CHUNK = 500

_meta = MetaData()
STATE = Table(
    "stats_state", _meta,
    Column("case_id", String(32), primary_key=True), Column("zone", String(64)),
    Column("max_id", BigInteger), Column("events", BigInteger),
)
DAYS = Table(
    "stats_days", _meta,
    Column("case_id", String(32), primary_key=True), Column("day", Integer, primary_key=True),
    Column("kind", String(20), primary_key=True), Column("count", BigInteger), Column("night", BigInteger),
)
HOURS = Table(
    "stats_hours", _meta,
    Column("case_id", String(32), primary_key=True), Column("weekday", Integer, primary_key=True),
    Column("hour", Integer, primary_key=True), Column("count", BigInteger),
)
_NUMBER_FIELDS = ("total", "calls_in", "answered", "missed", "messages_in", "out", "duration_s", "night")
NUMBERS = Table(
    "stats_numbers", _meta,
    Column("case_id", String(32), primary_key=True), Column("number", String(64), primary_key=True),
    *[Column(name, BigInteger) for name in _NUMBER_FIELDS],
    Column("first_time", UTCDateTime), Column("last_time", UTCDateTime),
)


def _iso(value: dt.datetime | None, zone: ZoneInfo) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(zone).isoformat()


def _as_dt(value: Any) -> dt.datetime | None:
    """MIN/MAX of a UTCDateTime column come back as text on SQLite."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return dt.datetime.fromisoformat(str(value)).replace(tzinfo=dt.UTC)


@dataclass
class _Aggregates:
    """A case's figures (or the part added by some events)."""

    events: int = 0
    days: dict[tuple[int, str], list[int]] = field(default_factory=dict)  # (local day, kind) → [count, night]
    hours: dict[tuple[int, int], int] = field(default_factory=dict)  # (weekday, hour) → count
    numbers: dict[str, dict[str, Any]] = field(default_factory=dict)  # number → fields, first_time, last_time

    def add(self, other: _Aggregates) -> None:
        self.events += other.events
        for key, (n, night) in other.days.items():
            cur = self.days.setdefault(key, [0, 0])
            cur[0] += n
            cur[1] += night
        for hkey, n in other.hours.items():
            self.hours[hkey] = self.hours.get(hkey, 0) + n
        for number, row in other.numbers.items():
            mine = self.numbers.get(number)
            if mine is None:
                self.numbers[number] = dict(row)
                continue
            for name in _NUMBER_FIELDS:
                mine[name] += row[name]
            for name, pick in (("first_time", min), ("last_time", max)):
                values = [v for v in (mine[name], row[name]) if v is not None]
                mine[name] = pick(values) if values else None


def _new_number() -> dict[str, Any]:
    return {**dict.fromkeys(_NUMBER_FIELDS, 0), "first_time": None, "last_time": None}


def _offset(zone: ZoneInfo, hour_key: int) -> int:
    delta = dt.datetime.fromtimestamp(hour_key * 3600, dt.UTC).astimezone(zone).utcoffset()
    return int(delta.total_seconds()) if delta else 0


def _aggregate(s: Session, where: list[ColumnElement[bool]], zone: ZoneInfo) -> _Aggregates:
    """Two GROUP BY queries over the events matching ``where``; nothing loads single events."""
    out = _Aggregates()
    epoch = epoch_seconds(s)
    bucket = epoch.op("/")(BUCKET_SECONDS).label("bucket")  # integer division on both backends
    offsets: dict[int, int] = {}
    for kind, b, n in s.execute(select(Event.kind, bucket, func.count()).where(*where).group_by(Event.kind, bucket)):
        secs = int(b) * BUCKET_SECONDS
        hour_key = secs // 3600
        off = offsets.get(hour_key)
        if off is None:
            off = offsets[hour_key] = _offset(zone, hour_key)
        local = secs + off
        day, tod = divmod(local, 86400)
        night = n if tod >= NIGHT_START or tod < NIGHT_END else 0
        cur = out.days.setdefault((day, kind), [0, 0])
        cur[0] += n
        cur[1] += night
        hkey = ((day + 3) % 7, tod // 3600)  # 1970-01-01 was a Thursday (weekday 3)
        out.hours[hkey] = out.hours.get(hkey, 0) + n
        out.events += n
    if not out.events:
        return out
    tod_expr = (epoch + _offset_expr(epoch, offsets)).self_group().op("%")(86400).self_group()
    night_sum = func.sum(case((or_(tod_expr >= NIGHT_START, tod_expr < NIGHT_END), 1), else_=0))
    rows = s.execute(
        select(
            Event.counterpart_e164, Event.kind, Event.direction, Event.call_status, func.count(),
            func.sum(Event.duration_s), func.min(Event.time_utc), func.max(Event.time_utc), night_sum,
        )
        .where(*where, Event.counterpart_e164.is_not(None))
        .group_by(Event.counterpart_e164, Event.kind, Event.direction, Event.call_status)
    ).all()
    for number, kind, direction, status, n, dur, first, last, n_night in rows:
        e = out.numbers.get(number)
        if e is None:
            e = out.numbers[number] = _new_number()
        e["total"] += n
        e["night"] += int(n_night or 0)
        e["duration_s"] += int(dur or 0)
        if direction == "out":
            e["out"] += n
        elif kind == "call":
            e["calls_in"] += n
            if status == "answered":
                e["answered"] += n
            elif status in ("missed", "rejected", "blocked", "voicemail"):
                e["missed"] += n
        elif kind in ("sms", "mms", "chat", "ocr"):
            e["messages_in"] += n
        f, la = _as_dt(first), _as_dt(last)
        if f is not None and (e["first_time"] is None or f < e["first_time"]):
            e["first_time"] = f
        if la is not None and (e["last_time"] is None or la > e["last_time"]):
            e["last_time"] = la
    return out


def _offset_expr(epoch: ColumnElement[int], offsets: dict[int, int]) -> ColumnElement[int]:
    """The zone's UTC offset (seconds) at each event, from the offsets of the hours that hold events."""
    segments: list[tuple[int, int]] = []  # (first hour, offset) each time the offset changes
    for hour_key in sorted(offsets):
        if not segments or segments[-1][1] != offsets[hour_key]:
            segments.append((hour_key, offsets[hour_key]))
    if len(segments) == 1:
        return literal(segments[0][1])
    whens = [(epoch < segments[i + 1][0] * 3600, segments[i][1]) for i in range(len(segments) - 1)]
    return case(*whens, else_=segments[-1][1])


@contextlib.contextmanager
def quick_write_session(home: Home) -> Iterator[Session]:
    """A write session that waits at most ``QUICK_LOCK_MS`` for SQLite's write lock.

    Raises ``sqlalchemy.exc.OperationalError`` (a ``DBAPIError``) when the database stays busy (a long import):
    the caller skips its optional write instead of making a page wait.
    """
    with home.store.engine.connect() as conn:
        raw: Any = None
        if home.store.is_sqlite:
            raw = conn.connection.driver_connection
            raw.execute(f"PRAGMA busy_timeout={QUICK_LOCK_MS}")
        try:
            conn.execution_options(dunguard_immediate=True)
            with Session(bind=conn, expire_on_commit=False) as s:
                try:
                    yield s
                    s.commit()
                except BaseException:
                    s.rollback()
                    raise
        finally:
            if raw is not None:
                raw.execute("PRAGMA busy_timeout=60000")


def _state(s: Session, case_id: str, *, lock: bool = False) -> tuple[str, int, int] | None:
    stmt = select(STATE.c.zone, STATE.c.max_id, STATE.c.events).where(STATE.c.case_id == case_id)
    if lock and s.get_bind().dialect.name != "sqlite":
        stmt = stmt.with_for_update()
    row = s.execute(stmt).first()
    return None if row is None else (str(row[0]), int(row[1]), int(row[2]))


def _load(s: Session, case_id: str) -> _Aggregates:
    out = _Aggregates()
    for day, kind, n, night in s.execute(
        select(DAYS.c.day, DAYS.c.kind, DAYS.c.count, DAYS.c.night).where(DAYS.c.case_id == case_id)
    ):
        out.days[(int(day), str(kind))] = [int(n), int(night)]
        out.events += int(n)
    for weekday, hour, n in s.execute(
        select(HOURS.c.weekday, HOURS.c.hour, HOURS.c.count).where(HOURS.c.case_id == case_id)
    ):
        out.hours[(int(weekday), int(hour))] = int(n)
    for row in s.execute(select(NUMBERS).where(NUMBERS.c.case_id == case_id)).mappings():
        out.numbers[str(row["number"])] = {
            **{name: int(row[name]) for name in _NUMBER_FIELDS},
            "first_time": row["first_time"], "last_time": row["last_time"],
        }
    return out


def _save(
    home: Home, case_id: str, base: tuple[str, int, int] | None, new_state: tuple[str, int, int],
    agg: _Aggregates, delta: _Aggregates | None,
) -> None:
    """Store ``agg`` (rows touched by ``delta``, or all when ``delta`` is None) if nobody else
    refreshed the case meanwhile; give up quietly when the database is busy."""
    try:
        with quick_write_session(home) as s:
            if _state(s, case_id, lock=True) != base:
                return
            if delta is None:
                days, numbers = set(agg.days), set(agg.numbers)
                for table in (DAYS, NUMBERS):
                    s.execute(delete(table).where(table.c.case_id == case_id))
            else:
                touched = {day for day, _ in delta.days}
                touched_days = sorted(touched)
                days = {k for k in agg.days if k[0] in touched}
                numbers = set(delta.numbers)
                for i in range(0, len(touched_days), _CHUNK):
                    s.execute(delete(DAYS).where(DAYS.c.case_id == case_id, DAYS.c.day.in_(touched_days[i:i + _CHUNK])))
                keys = sorted(numbers)
                for i in range(0, len(keys), _CHUNK):
                    s.execute(delete(NUMBERS).where(NUMBERS.c.case_id == case_id,
                                                    NUMBERS.c.number.in_(keys[i:i + _CHUNK])))
            s.execute(delete(HOURS).where(HOURS.c.case_id == case_id))
            if days:
                s.execute(insert(DAYS), [
                    {"case_id": case_id, "day": d, "kind": k, "count": agg.days[(d, k)][0], "night": agg.days[(d, k)][1]}
                    for d, k in sorted(days)
                ])
            if agg.hours:
                s.execute(insert(HOURS), [
                    {"case_id": case_id, "weekday": w, "hour": h, "count": n} for (w, h), n in sorted(agg.hours.items())
                ])
            if numbers:
                s.execute(insert(NUMBERS), [{"case_id": case_id, "number": k, **agg.numbers[k]} for k in sorted(numbers)])
            zone, max_id, events = new_state
            if base is None:
                s.execute(insert(STATE).values(case_id=case_id, zone=zone, max_id=max_id, events=events))
            else:
                s.execute(update(STATE).where(STATE.c.case_id == case_id).values(zone=zone, max_id=max_id, events=events))
    except DBAPIError:
        return  # busy (an import is writing), another refresh won the race, or read-only: a later call saves


def _current(s: Session, case_id: str) -> tuple[int, int]:
    """(events, largest event id) of the case: one index-only query."""
    n, top = s.execute(select(func.count(), func.max(Event.id)).where(Event.case_id == case_id)).one()
    return int(n or 0), int(top or 0)


def _fresh(
    s: Session, home: Home, case_id: str, zone: ZoneInfo, current: tuple[int, int] | None = None
) -> tuple[int, _Aggregates | None]:
    """(events in the case, the up-to-date aggregates if they had to be computed, else None
    meaning the stored tables are current)."""
    count, top = current if current is not None else _current(s, case_id)
    base = _state(s, case_id)
    if base is not None and base == (zone.key, top, count):
        return count, None
    if count == 0:
        if base is not None:
            _save(home, case_id, base, (zone.key, 0, 0), _Aggregates(), None)
        return 0, _Aggregates()
    delta: _Aggregates | None = None
    agg: _Aggregates | None = None
    if base is not None and base[0] == zone.key and top > base[1]:
        since, before = base[1], base[2]
        newest = int(s.scalar(select(func.max(Event.id))) or 0)
        if s.get_bind().dialect.name == "sqlite" and newest - since <= 4 * (count - before) + 10_000:
            where = [Event.id > since, Event.id <= top, Event.case_id.concat("") == case_id]  # the new rowids only
        else:
            where = [Event.id > since, Event.id <= top, Event.case_id == case_id]
        delta = _aggregate(s, where, zone)
        if before + delta.events == count:  # only additions since the last refresh
            agg = _load(s, case_id)
            agg.add(delta)
    if agg is None:
        delta = None
        agg = _aggregate(s, [case_filter(s, case_id), Event.id <= top], zone)  # as of ``top``
    _save(home, case_id, base, (zone.key, top, count), agg, delta)
    return count, agg


def refresh(home: Home, case_id: str) -> None:
    """Bring the case's stored figures up to date (after an import or a re-import)."""
    with home.store.session() as s:
        c = s.get(Case, case_id)
        if c is None:
            raise NotFoundError("error.case.not_found", ref=case_id)
        _fresh(s, home, case_id, ZoneInfo(c.timezone or "Asia/Shanghai"))


def timeline(
    home: Home, case_id: str, *, top_numbers: int = 100, current: tuple[int, int] | None = None
) -> dict[str, Any]:
    """Per-day counts by kind, hour × weekday matrix, per-number table, third parties reached.

    ``current``: the case's (event count, largest event id) when the caller has just read
    them (saves the query that checks the stored figures).
    """
    with home.store.session() as s:
        c = s.get(Case, case_id)
        if c is None:
            raise NotFoundError("error.case.not_found", ref=case_id)
        zone = ZoneInfo(c.timezone or "Asia/Shanghai")
        total, agg = _fresh(s, home, case_id, zone, current)
        if agg is not None:
            days = agg.days
            hours = agg.hours
            ranked = sorted(agg.numbers.items(), key=lambda kv: (-kv[1]["total"], kv[0]))
            top = [(k, dict(v)) for k, v in ranked[:top_numbers]]
            numbers_total = len(agg.numbers)
        else:
            days = {(int(d), str(k)): [int(n), int(night)] for d, k, n, night in s.execute(
                select(DAYS.c.day, DAYS.c.kind, DAYS.c.count, DAYS.c.night).where(DAYS.c.case_id == case_id))}
            hours = {(int(w), int(h)): int(n) for w, h, n in s.execute(
                select(HOURS.c.weekday, HOURS.c.hour, HOURS.c.count).where(HOURS.c.case_id == case_id))}
            top = [
                (str(row["number"]), {**{name: int(row[name]) for name in _NUMBER_FIELDS},
                                      "first_time": row["first_time"], "last_time": row["last_time"]})
                for row in s.execute(
                    select(NUMBERS).where(NUMBERS.c.case_id == case_id)
                    .order_by(NUMBERS.c.total.desc(), NUMBERS.c.number).limit(top_numbers)
                ).mappings()
            ]
            numbers_total = int(s.scalar(
                select(func.count()).select_from(NUMBERS).where(NUMBERS.c.case_id == case_id)) or 0)
        # two queries, each answered from the (case_id, time_utc) index's ends
        first_t = _as_dt(s.scalar(select(func.min(Event.time_utc)).where(Event.case_id == case_id)))
        last_t = _as_dt(s.scalar(select(func.max(Event.time_utc)).where(Event.case_id == case_id)))
        numbers = _number_rows(s, case_id, top, zone)
        third = _third_parties(s, case_id, zone)
    kinds: dict[str, int] = defaultdict(int)
    per_day: dict[int, dict[str, int]] = defaultdict(dict)
    night_per_day: dict[int, int] = defaultdict(int)
    for (day, kind), (n, night) in days.items():
        if n:
            kinds[kind] += n
            per_day[day][kind] = n
            night_per_day[day] += night
    matrix = [[0] * 24 for _ in range(7)]
    for (weekday, hour), n in hours.items():
        matrix[weekday][hour] += n
    epoch_day = dt.date(1970, 1, 1).toordinal()
    return {
        "case_id": case_id,
        "timezone": zone.key,
        "total": total,
        "range": [_iso(first_t, zone), _iso(last_t, zone)],
        "kinds": dict(sorted(kinds.items())),
        "per_day": [
            {"date": dt.date.fromordinal(epoch_day + d).isoformat(), "total": sum(cnt.values()),
             "night": night_per_day.get(d, 0), "counts": dict(sorted(cnt.items()))}
            for d, cnt in sorted(per_day.items())
        ],
        "hour_weekday": matrix,
        "numbers": numbers,
        "numbers_total": numbers_total,
        "third_parties": third,
    }


def _number_rows(
    s: Session, case_id: str, top: list[tuple[str, dict[str, Any]]], zone: ZoneInfo
) -> list[dict[str, Any]]:
    per: dict[str, dict[str, Any]] = {}
    for number, fields in top:
        per[number] = {
            "number": number, "display": display_number(number), "name": None, "role": None,
            "number_kind": None, "carrier": None, "location": None,
            **{name: fields[name] for name in _NUMBER_FIELDS},
            "first": _iso(_as_dt(fields["first_time"]), zone), "last": _iso(_as_dt(fields["last_time"]), zone),
        }
    keys = list(per)
    if keys:
        try:
            from dunguard.ingest.models import NumberInfo

            for k, kind, carrier, location in s.execute(
                select(NumberInfo.key, NumberInfo.kind, NumberInfo.carrier, NumberInfo.location)
                .where(NumberInfo.case_id == case_id, NumberInfo.key.in_(keys))
            ):
                per[k].update(number_kind=kind, carrier=carrier or None, location=location or None)
        except ImportError:  # pragma: no cover - ingest ships with the package
            pass
        for e164, name, role in s.execute(
            select(Phone.e164, Party.name, Party.role)
            .join(Party, Party.id == Phone.party_id)
            .where(Phone.case_id == case_id, Phone.e164.in_(keys))
        ):
            if e164 is not None and per[e164]["name"] is None:
                per[e164].update(name=name, role=role)
    return list(per.values())


def _third_parties(s: Session, case_id: str, zone: ZoneInfo) -> list[dict[str, Any]]:
    found = s.execute(
        select(Finding.id, Finding.attribution, Finding.status, Finding.count, Finding.first_time, Finding.last_time)
        .where(Finding.case_id == case_id, Finding.label == "third_party_reached", Finding.stale.is_(False))
        .order_by(Finding.first_time)
    ).all()
    if not found:
        return []
    phones: dict[str, list[str]] = defaultdict(list)
    for name, e164, raw in s.execute(
        select(Party.name, Phone.e164, Phone.raw)
        .join(Phone, Phone.party_id == Party.id)
        .where(Party.case_id == case_id, Party.role == "contact")
    ):
        key = e164 or raw
        if key and name:
            phones[name].append(key)
    out = []
    for fid, who, status, count, first, last in found:
        nums = phones.get(who or "", [])
        events = 0
        if nums:
            events = int(s.scalar(
                select(func.count()).select_from(Event)
                .where(Event.case_id == case_id, Event.counterpart_e164.in_(nums))
            ) or 0)
        out.append({
            "name": who, "finding_id": fid, "status": status, "count": count,
            "first": _iso(first, zone), "last": _iso(last, zone),
            "numbers": [display_number(n) for n in nums], "events": events,
        })
    return out
