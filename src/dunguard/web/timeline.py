"""The timeline query: every event of a case, filtered, searched and paged by cursor.

Chinese full-text search is a substring match (``LIKE '%词%'`` with ``%``, ``_`` and ``\\``
escaped), which is exact for Chinese, where words are not separated by spaces and a
tokenizer would split them unpredictably.  It looks at the message text, the contact name
and the number as written; ``dunguard.web.search`` narrows it down with a trigram index
(FTS5 on SQLite, pg_trgm on PostgreSQL) for queries of three or more characters.  Pages
are cut with a keyset cursor (time, id), so page 5,000 of a million events costs the same
as page 1; the total is counted up to ``COUNT_CAP``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, and_, func, literal_column, or_, select

from dunguard.errors import UsageError
from dunguard.home import Home
from dunguard.models import Event, Finding
from dunguard.phones import normalize
from dunguard.records import EventKind
from dunguard.web import search as search_mod

PAGE_SIZE = 100
COUNT_CAP = 10_000
MAX_LABEL_EVENTS = 20_000


@dataclass(frozen=True)
class TimelineFilter:
    number: str | None = None
    kinds: Sequence[str] = ()
    label: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    query: str | None = None
    evidence_id: int | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.number or self.kinds or self.label or self.since or self.until or self.query
                    or self.evidence_id is not None)


@dataclass
class TimelinePage:
    rows: list[Event] = field(default_factory=list)
    total: int = 0
    total_capped: bool = False
    next_cursor: str | None = None
    highlights: dict[int, list[tuple[int, int]]] = field(default_factory=dict)


def parse_cursor(cursor: str | None) -> tuple[dt.datetime, int] | None:
    if not cursor:
        return None
    try:
        stamp, _, ident = cursor.rpartition("_")
        when = dt.datetime.fromisoformat(stamp)
        if when.tzinfo is None:
            raise ValueError(cursor)
        number = int(ident)
        if not 0 <= number < 2**63:
            raise ValueError(cursor)
        return when, number
    except ValueError:
        raise UsageError("web.timeline.bad_cursor", value=cursor[:40]) from None


def make_cursor(event: Event) -> str:
    return f"{event.time_utc.astimezone(dt.UTC).isoformat()}_{event.id}"


def label_event_ids(home: Home, case_id: str, label: str) -> list[int]:
    """Events cited by the (not dismissed, current) findings carrying ``label``."""
    ids: set[int] = set()
    with home.store.session() as s:
        for refs in s.scalars(
            select(Finding.evidence_refs).where(
                Finding.case_id == case_id, Finding.label == label, Finding.stale.is_(False),
                Finding.status != "dismissed",
            )
        ):
            for ref in refs or []:
                if isinstance(ref, dict) and isinstance(ref.get("event_id"), int):
                    ids.add(ref["event_id"])
                if len(ids) >= MAX_LABEL_EVENTS:
                    break
    return sorted(ids)


def _apply(
    stmt: Select[Any], case_id: str, f: TimelineFilter, label_ids: list[int] | None, *, sequential: bool = False,
    search: search_mod.SearchPlan | None = None,
) -> Select[Any]:
    # ``sequential``: on SQLite, compare case_id through an expression so the planner reads the
    # table in order instead of fetching each row of a big case at random through the index.
    stmt = stmt.where(Event.case_id.concat("") == case_id if sequential else Event.case_id == case_id)
    if f.kinds:
        valid = {k.value for k in EventKind}
        bad = [k for k in f.kinds if k not in valid]
        if bad:
            raise UsageError("ingest.events.bad_kind", value=bad[0], choices=", ".join(sorted(valid)))
        stmt = stmt.where(Event.kind.in_(list(f.kinds)))
    if f.number:
        raw = f.number.strip()
        key = normalize(raw).key
        stmt = stmt.where(Event.counterpart_e164 == key) if key else stmt.where(Event.counterpart_raw == raw)
    if f.since is not None:
        stmt = stmt.where(Event.time_utc >= f.since)
    if f.until is not None:
        stmt = stmt.where(Event.time_utc < f.until)
    if f.evidence_id is not None:
        stmt = stmt.where(Event.evidence_id == f.evidence_id)
    if label_ids is not None:
        stmt = stmt.where(Event.id.in_(label_ids))
    if search is not None:
        stmt = stmt.where(search.where)
    elif f.query and f.query.strip():
        stmt = stmt.where(search_mod.substring_test(f.query.strip(), "sqlite"))
    return stmt


_ASCII_FOLD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def find_spans(text: str | None, query: str | None) -> list[tuple[int, int]]:
    """Where ``query`` occurs in ``text`` (for <mark> highlighting), ASCII letters in either
    case, like the search itself."""
    if not text or not query or not query.strip():
        return []
    q = query.strip().translate(_ASCII_FOLD)
    folded = text.translate(_ASCII_FOLD)  # same length: only A-Z change
    spans: list[tuple[int, int]] = []
    start = folded.find(q)
    while start >= 0 and len(spans) < 50:
        spans.append((start, start + len(q)))
        start = folded.find(q, start + len(q))
    return spans


def timeline_page(
    home: Home, case_id: str, f: TimelineFilter, *, cursor: str | None = None, limit: int = PAGE_SIZE
) -> TimelinePage:
    after = parse_cursor(cursor)
    label_ids = label_event_ids(home, case_id, f.label) if f.label else None
    page = TimelinePage()
    query = (f.query or "").strip()
    if query and home.store.is_sqlite and len(query) >= search_mod.MIN_INDEXED:
        search_mod.sync(home)  # index the events added since the last search (skipped while busy)
    selective = bool(f.number or label_ids is not None or f.evidence_id is not None)
    with home.store.session() as s:
        search = search_mod.plan(home, s, query) if query else None
        # Without an index a text search with no selective filter scans the case; on SQLite a
        # sequential scan is several times faster than index lookups.  With the trigram index
        # the candidate events are fetched by id (the case index is kept out of the way).  When
        # the term is common (the count reaches the cap) the page itself is read in time order
        # through the index and stops early instead.
        scan = search is not None and home.store.is_sqlite and not selective
        capped = _apply(select(Event.id), case_id, f, label_ids, sequential=scan, search=search)
        page.total = int(s.scalar(select(func.count()).select_from(capped.limit(COUNT_CAP + 1).subquery())) or 0)
        if page.total > COUNT_CAP:
            if f.is_empty:  # the whole case: an exact count is cheap (covering index)
                page.total = int(s.scalar(select(func.count()).select_from(Event).where(Event.case_id == case_id)) or 0)
            else:
                page.total, page.total_capped = COUNT_CAP, True
        if page.total_capped and search is not None and not selective:
            # a common term: walking the case in time order finds a page of matches at once,
            # faster than collecting every candidate from the index first
            search = search_mod.SearchPlan(search.exact, indexed=False, exact=search.exact)
        stmt = _apply(select(Event), case_id, f, label_ids, sequential=scan and not page.total_capped, search=search)
        if after is not None:
            when, ident = after
            stmt = stmt.where(or_(Event.time_utc > when, and_(Event.time_utc == when, Event.id > ident)))
        order: Any = Event.time_utc
        if home.store.is_sqlite and (selective or (scan and search is not None and search.indexed
                                                   and not page.total_capped)):
            # a selective filter or few search candidates: let SQLite fetch those rows and sort
            # them, rather than walk the whole case in time order looking for them (same order:
            # ISO text sorts by time)
            order = Event.time_utc.op("||")(literal_column("''"))
        rows = list(s.scalars(stmt.order_by(order, Event.id).limit(limit + 1)))
    if len(rows) > limit:
        rows = rows[:limit]
        page.next_cursor = make_cursor(rows[-1])
    page.rows = rows
    for ev in rows:
        spans = find_spans(ev.text, f.query)
        if spans:
            page.highlights[ev.id] = spans
    return page


def split_marked(text: str | None, spans: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    """Cut ``text`` into (piece, is_marked) so a template can wrap marked pieces in <mark>."""
    if not text:
        return []
    out: list[tuple[str, bool]] = []
    pos = 0
    for start, end in sorted(spans):
        start, end = max(start, pos), min(end, len(text))
        if start >= end:
            continue
        if start > pos:
            out.append((text[pos:start], False))
        out.append((text[start:end], True))
        pos = end
    if pos < len(text):
        out.append((text[pos:], False))
    return out
