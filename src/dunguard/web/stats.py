"""Dashboard figures, evidence time ranges and the action plan of a case, cached in memory.

The figures come from the analysis subsystem (``dunguard.analyze.stats.timeline``: counts by
kind, per-day volume, hour × weekday matrix, busiest numbers, third parties reached), which
keeps them in per-case tables refreshed from the new events, so even a cold view of a
million-event case is quick; the evidence page adds each file's time range.  Both are cached
under a version of the case's events and findings (event count and largest id, findings
count and last update), so an unchanged case is answered from memory.  The action plan is
cached under the ledger head, since it also depends on the interview answers (every change
to a case is a ledger entry).  ``warm(home, case_ids)`` indexes new events for the timeline
search and fills the caches in a background thread (the server calls it at start-up and
after an upload) so the first view is fast too.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from sqlalchemy import func, select

from dunguard.home import Home
from dunguard.models import Event, Finding, LedgerEntry

_CACHE_SIZE = 32
SYNC_PLAN_EVENTS = 100_000  # above this the action plan is prepared in the background
T = TypeVar("T")


@dataclass
class CaseStats:
    case_id: str
    total_events: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    daily: list[tuple[dt.date, int]] = field(default_factory=list)
    heat: list[list[int]] = field(default_factory=lambda: [[0] * 24 for _ in range(7)])  # [weekday][hour]
    numbers: list[dict[str, Any]] = field(default_factory=list)  # busiest first (analyze.stats rows)
    numbers_total: int = 0
    third_parties: list[dict[str, Any]] = field(default_factory=list)
    available: bool = True  # False when this version has no analysis statistics


_lock = threading.Lock()
_cache: OrderedDict[tuple[str, str, int, str], Any] = OrderedDict()


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def ledger_head(home: Home, case_id: str) -> int:
    with home.store.session() as s:
        return int(s.scalar(select(func.max(LedgerEntry.seq)).where(LedgerEntry.case_id == case_id)) or 0)


def cached(home: Home, case_id: str, name: str, compute: Callable[[], T], version: Any = None) -> T:
    """``compute()`` once per (database, case, version, name); older versions are dropped.

    ``version`` defaults to the case's ledger head (every change to a case is logged).
    """
    key = (home.store.url, case_id, ledger_head(home, case_id) if version is None else version, name)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return cast(T, _cache[key])
    value = compute()
    with _lock:
        for old in [k for k in _cache if k[:2] == key[:2] and k[3] == name and k != key]:
            del _cache[old]
        _cache[key] = value
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return value


def peek(home: Home, case_id: str, name: str) -> tuple[bool, Any]:
    """(True, value) if ``name`` is cached for the current ledger head, else (False, None)."""
    key = (home.store.url, case_id, ledger_head(home, case_id), name)
    with _lock:
        if key in _cache:
            return True, _cache[key]
    return False, None


def event_count(home: Home, case_id: str) -> int:
    with home.store.session() as s:
        return int(s.scalar(select(func.count()).select_from(Event).where(Event.case_id == case_id)) or 0)


def data_version(home: Home, case_id: str) -> tuple[int, int, Any, str]:
    """Changes whenever the case's events or findings change (not on unrelated ledger entries,
    such as an interview answer): event count and largest id (one index-only query), findings
    count and last update."""
    with home.store.session() as s:
        n, last = s.execute(select(func.count(), func.max(Event.id)).where(Event.case_id == case_id)).one()
        fn, fu = s.execute(
            select(func.count(), func.max(Finding.updated_at)).where(Finding.case_id == case_id)
        ).one()
    return (int(n or 0), int(last or 0), fn, str(fu))


def case_stats(home: Home, case_id: str) -> CaseStats:
    """The dashboard figures for ``case_id`` (cached until the case's ledger moves)."""
    version = data_version(home, case_id)
    return cached(home, case_id, "stats", lambda: compute_stats(home, case_id, (version[0], version[1])), version)


def plan_steps(home: Home, case_id: str, lang: str) -> list[Any] | None:
    """The act subsystem's action plan (cached like the figures); ``None`` if this version lacks it."""
    try:
        plan = importlib.import_module("dunguard.act.plan")
    except ImportError:
        return None
    steps: list[Any] = cached(home, case_id, f"plan:{lang}", lambda: list(plan.plan_for_case(home, case_id, lang=lang)))
    return steps


def warm(home: Home, case_ids: list[str]) -> threading.Thread:
    """Compute (and cache) the figures of ``case_ids`` in a daemon thread."""

    def run() -> None:
        from dunguard.i18n import current_lang
        from dunguard.web import search

        with contextlib.suppress(Exception):  # a failed warm-up only means the first search indexes them
            search.sync(home)  # index new events for the timeline search
        for cid in case_ids:
            try:
                case_stats(home, cid)
                evidence_ranges(home, cid)
                plan_steps(home, cid, current_lang())
            except Exception:  # a failed warm-up only means the first view computes it
                continue

    thread = threading.Thread(target=run, name="dunguard-web-warm", daemon=True)
    thread.start()
    return thread


def _case_filter(home: Home, case_id: str) -> Any:
    """``case_id = ?`` — on SQLite written so the planner scans the table sequentially.

    Through the ``case_id`` index SQLite would fetch every row of a large case at random
    (≈4× slower on a million events); a sequential scan reads each page once.
    """
    if home.store.is_sqlite:
        return Event.case_id.concat("") == case_id
    return Event.case_id == case_id


def compute_stats(home: Home, case_id: str, current: tuple[int, int] | None = None) -> CaseStats:
    """The figures; ``current`` is the case's (event count, largest event id) if just read."""
    stats = CaseStats(case_id)
    try:
        analyze_stats = importlib.import_module("dunguard.analyze.stats")
    except ImportError:
        analyze_stats = None
    if analyze_stats is not None:
        data = analyze_stats.timeline(home, case_id, top_numbers=10, current=current)
        stats.total_events = int(data["total"])
        stats.by_kind = {str(k): int(v) for k, v in data["kinds"].items()}
        per_day = {dt.date.fromisoformat(row["date"]): int(row["total"]) for row in data["per_day"]}
        if per_day:
            day, end = min(per_day), max(per_day)
            while day <= end:
                stats.daily.append((day, per_day.get(day, 0)))
                day += dt.timedelta(days=1)
        stats.heat = [[int(n) for n in row] for row in data["hour_weekday"]]
        stats.numbers = list(data["numbers"])
        stats.numbers_total = int(data["numbers_total"])
        stats.third_parties = list(data.get("third_parties") or [])
    else:
        stats.available = False
    if not stats.available:
        stats.total_events = event_count(home, case_id)
    return stats


def evidence_ranges(home: Home, case_id: str) -> dict[int, tuple[dt.datetime, dt.datetime, int]]:
    """Each evidence file's (first, last, count) of records (cached like the figures)."""
    return cached(home, case_id, "evidence_ranges", lambda: _evidence_ranges(home, case_id),
                  data_version(home, case_id))


def _evidence_ranges(home: Home, case_id: str) -> dict[int, tuple[dt.datetime, dt.datetime, int]]:
    out: dict[int, tuple[dt.datetime, dt.datetime, int]] = {}
    with home.store.session() as s:
        rows = s.execute(
            select(Event.evidence_id, func.min(Event.time_utc), func.max(Event.time_utc), func.count())
            .where(_case_filter(home, case_id), Event.evidence_id.is_not(None))
            .group_by(Event.evidence_id)
        ).all()
    for eid, lo, hi, n in rows:
        if eid is not None and lo is not None and hi is not None:
            out[int(eid)] = (_aware(lo), _aware(hi), int(n))
    return out


def _aware(value: Any) -> dt.datetime:
    if isinstance(value, str):  # SQLite aggregates over a TypeDecorator column come back as text
        value = dt.datetime.fromisoformat(value)
    assert isinstance(value, dt.datetime)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
