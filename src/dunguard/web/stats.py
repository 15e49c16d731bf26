"""Dashboard figures for a case: counts, daily volume, hour x weekday, top numbers.

Computed with a few aggregate queries that read only the ``(case_id, time_utc)`` and
``(case_id, counterpart_e164)`` indexes where possible, then cached in memory under the
case's ledger head: every change to a case's events is a ledger entry, so a new entry
invalidates the cache and an unchanged case is answered without touching the events.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, text

from dunguard.home import Home
from dunguard.models import Case, Event, Evidence, LedgerEntry, Party

TOP_NUMBERS = 10
_CACHE_SIZE = 16


@dataclass
class CaseStats:
    case_id: str
    total_events: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    daily: list[tuple[dt.date, int]] = field(default_factory=list)
    heat: list[list[int]] = field(default_factory=lambda: [[0] * 24 for _ in range(7)])  # [weekday][hour]
    top_numbers: list[tuple[str, str | None, int]] = field(default_factory=list)  # key, name, count
    numbers: int = 0
    lenders: list[str] = field(default_factory=list)
    evidence_ranges: dict[int, tuple[dt.datetime, dt.datetime, int]] = field(default_factory=dict)
    first: dt.datetime | None = None
    last: dt.datetime | None = None

    @property
    def heat_max(self) -> int:
        return max((max(row) for row in self.heat), default=0)

    @property
    def daily_max(self) -> int:
        return max((n for _, n in self.daily), default=0)


_lock = threading.Lock()
_cache: OrderedDict[tuple[str, str, int], CaseStats] = OrderedDict()


def ledger_head(home: Home, case_id: str) -> int:
    with home.store.session() as s:
        return int(s.scalar(select(func.max(LedgerEntry.seq)).where(LedgerEntry.case_id == case_id)) or 0)


def case_stats(home: Home, case_id: str) -> CaseStats:
    """The dashboard figures for ``case_id`` (cached until the case's ledger moves)."""
    key = (home.store.url, case_id, ledger_head(home, case_id))
    with _lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    stats = compute_stats(home, case_id)
    with _lock:
        _cache[key] = stats
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return stats


def _hour_buckets(home: Home, case_id: str) -> list[tuple[dt.datetime, int]]:
    """(UTC hour, events) for every hour that has events."""
    with home.store.session() as s:
        if home.store.is_sqlite:
            rows = s.execute(
                text(
                    "SELECT substr(time_utc, 1, 13) AS h, count(*) FROM events "
                    "WHERE case_id = :c GROUP BY h"
                ),
                {"c": case_id},
            ).all()
            out = []
            for h, n in rows:
                if h:
                    out.append((dt.datetime.strptime(h, "%Y-%m-%d %H").replace(tzinfo=dt.UTC), int(n)))
            return out
        bucket = func.date_trunc("hour", Event.time_utc)
        rows = s.execute(
            select(bucket, func.count()).where(Event.case_id == case_id).group_by(bucket)
        ).all()
        return [(b.astimezone(dt.UTC) if b.tzinfo else b.replace(tzinfo=dt.UTC), int(n)) for b, n in rows]


def compute_stats(home: Home, case_id: str) -> CaseStats:
    stats = CaseStats(case_id)
    with home.store.session() as s:
        case = s.get(Case, case_id)
        tz_name = case.timezone if case is not None and case.timezone else "Asia/Shanghai"
        stats.by_kind = {
            str(k): int(n)
            for k, n in s.execute(
                select(Event.kind, func.count()).where(Event.case_id == case_id).group_by(Event.kind)
            ).all()
        }
        stats.total_events = sum(stats.by_kind.values())
        count = func.count().label("n")
        top = s.execute(
            select(Event.counterpart_e164, count)
            .where(Event.case_id == case_id, Event.counterpart_e164.is_not(None))
            .group_by(Event.counterpart_e164)
            .order_by(count.desc())
            .limit(TOP_NUMBERS)
        ).all()
        stats.numbers = int(
            s.scalar(
                select(func.count(func.distinct(Event.counterpart_e164))).where(
                    Event.case_id == case_id, Event.counterpart_e164.is_not(None)
                )
            )
            or 0
        )
        names: dict[str, str | None] = {}
        for number, _n in top:
            if number is None:
                continue
            names[str(number)] = s.scalar(
                select(Event.counterpart_name)
                .where(Event.case_id == case_id, Event.counterpart_e164 == number,
                       Event.counterpart_name.is_not(None))
                .limit(1)
            )
        stats.top_numbers = [(str(num), names.get(str(num)), int(n)) for num, n in top]
        stats.lenders = sorted(
            {str(n) for n in s.scalars(select(Party.name).where(Party.case_id == case_id, Party.role == "lender"))
             if n}
        )
        ev_ids = list(s.scalars(select(Evidence.id).where(Evidence.case_id == case_id)))
        if ev_ids:
            for eid, lo, hi, n in s.execute(
                select(Event.evidence_id, func.min(Event.time_utc), func.max(Event.time_utc), func.count())
                .where(Event.case_id == case_id, Event.evidence_id.is_not(None))
                .group_by(Event.evidence_id)
            ).all():
                if eid is not None and lo is not None and hi is not None:
                    stats.evidence_ranges[int(eid)] = (_aware(lo), _aware(hi), int(n))
    zone = ZoneInfo(tz_name)
    daily: dict[dt.date, int] = {}
    for hour_utc, n in _hour_buckets(home, case_id):
        loc = hour_utc.astimezone(zone)
        daily[loc.date()] = daily.get(loc.date(), 0) + n
        stats.heat[loc.weekday()][loc.hour] += n
        if stats.first is None or hour_utc < stats.first:
            stats.first = hour_utc
        if stats.last is None or hour_utc > stats.last:
            stats.last = hour_utc
    if daily:
        day, end = min(daily), max(daily)
        while day <= end:
            stats.daily.append((day, daily.get(day, 0)))
            day += dt.timedelta(days=1)
    return stats


def _aware(value: Any) -> dt.datetime:
    if isinstance(value, str):  # SQLite aggregate over a TypeDecorator column returns text
        value = dt.datetime.fromisoformat(value)
    assert isinstance(value, dt.datetime)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
