"""Chinese full-text search over a case's events without reading every event.

The match itself is always a substring test (``LIKE '%词%'``, with ``%``, ``_`` and ``\\``
escaped; ASCII letters match either case, on both databases), over the message text, the
contact name and the number as written — exact for Chinese, where words are not separated
by spaces.  An index only narrows down which events are tested:

* SQLite (FTS5, ``trigram`` tokenizer, migration ``web_0001``): ``events_fts`` holds the
  trigrams of every event up to ``search_state.synced_max``.  A query of three or more
  characters asks the index for the events holding all of its trigrams, plus every event
  newer than ``synced_max`` (not indexed yet), and tests those.  ``sync(home)`` indexes
  the newer events in one bulk statement (a few seconds per million events); triggers mark
  the index dirty when an indexed event is changed or removed, and ``sync`` then rebuilds
  it; a dirty index is not used.  Queries of one or two characters (no trigram) test
  every event of the case, as before.
* PostgreSQL: a ``pg_trgm`` GIN index over the three columns joined by ``chr(31)``, when
  the extension could be created; the planner uses it for ``ILIKE``.

Either way the results are those of the plain substring test.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, literal_column, or_, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from dunguard.analyze.stats import quick_write_session
from dunguard.home import Home
from dunguard.models import Event

__all__ = ["SearchPlan", "plan", "sync", "trigram_query"]

MIN_INDEXED = 3  # characters: shorter queries have no trigram
MAX_TRIGRAMS = 16
PG_SEARCH_EXPR = (
    "coalesce(events.text, '') || chr(31) || coalesce(events.counterpart_name, '') || chr(31) "
    "|| coalesce(events.counterpart_raw, '')"
)


@dataclass(frozen=True)
class SearchPlan:
    where: ColumnElement[bool]  # the complete condition (index narrowing and exact test)
    indexed: bool  # True when an index narrows the events down (no sequential scan needed)
    exact: ColumnElement[bool]  # the exact test alone (for a common term, read in time order)


def like_pattern(query: str) -> str:
    """``%query%`` with the LIKE wildcards and the escape character escaped (escape ``\\``)."""
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def substring_test(query: str, dialect: str) -> ColumnElement[bool]:
    """The exact match: ``query`` occurs in the text, the contact name or the number as written."""
    pattern = like_pattern(query)
    cols = (Event.text, Event.counterpart_name, Event.counterpart_raw)
    if dialect == "sqlite":  # SQLite's LIKE ignores the case of ASCII letters
        return or_(*(c.like(pattern, escape="\\") for c in cols))
    return or_(*(c.ilike(pattern, escape="\\") for c in cols))


def trigram_query(query: str) -> str:
    """An FTS5 query for the events holding every trigram of ``query`` (each a quoted string)."""
    grams: list[str] = []
    for i in range(len(query) - 2):
        gram = query[i:i + 3]
        if gram not in grams:
            grams.append(gram)
    if len(grams) > MAX_TRIGRAMS:  # a spread-out subset narrows down as well
        step = len(grams) / MAX_TRIGRAMS
        grams = [grams[int(i * step)] for i in range(MAX_TRIGRAMS)] + [grams[-1]]
    return " AND ".join('"' + g.replace('"', '""') + '"' for g in grams)


def _sqlite_state(s: Session) -> tuple[int, bool] | None:
    """(synced_max, dirty) of the FTS5 index, or None when this database has none."""
    try:
        row = s.execute(text("SELECT synced_max, dirty FROM search_state WHERE id = 1")).first()
    except DBAPIError:
        return None
    return None if row is None else (int(row[0]), bool(row[1]))


def _pg_indexed(s: Session) -> bool:
    return s.execute(text("SELECT 1 FROM pg_indexes WHERE indexname = 'ix_events_search_trgm'")).first() is not None


def sync(home: Home) -> bool:
    """Index the events added since the last sync (or rebuild a dirty index).

    Returns False when there is nothing to sync with (no index) or the database is busy
    (a running import holds the write lock; the next search tries again).
    """
    if not home.store.is_sqlite:
        return True
    with home.store.session() as s:
        state = _sqlite_state(s)
        if state is None:
            return False
        newest = int(s.scalar(text("SELECT coalesce(max(id), 0) FROM events")) or 0)
    if state == (newest, False):
        return True
    try:
        with quick_write_session(home) as w:
            current = _sqlite_state(w)
            if current is None:
                return False
            synced, dirty = current
            if dirty:
                w.execute(text("INSERT INTO events_fts(events_fts) VALUES ('rebuild')"))
            else:
                w.execute(
                    text(
                        "INSERT INTO events_fts(rowid, text, counterpart_name, counterpart_raw) "
                        "SELECT id, text, counterpart_name, counterpart_raw FROM events WHERE id > :since"
                    ),
                    {"since": synced},
                )
            w.execute(text(
                "UPDATE search_state SET synced_max = (SELECT coalesce(max(id), 0) FROM events), dirty = 0 WHERE id = 1"
            ))
    except DBAPIError:
        return False
    return True


def plan(home: Home, s: Session, query: str) -> SearchPlan:
    """The condition for events matching ``query`` (already stripped, not empty)."""
    dialect = home.store.dialect
    exact = substring_test(query, dialect)
    if len(query) < MIN_INDEXED:
        return SearchPlan(exact, indexed=False, exact=exact)
    if dialect == "sqlite":
        state = _sqlite_state(s)
        if state is None or state[1]:
            return SearchPlan(exact, indexed=False, exact=exact)
        synced, _ = state
        candidates: Select[Any] = select(literal_column("rowid")).select_from(text("events_fts")).where(
            literal_column("events_fts").op("MATCH")(trigram_query(query))
        )
        narrowed: ColumnElement[bool] = Event.id.in_(candidates)
        newest = int(s.scalar(text("SELECT coalesce(max(id), 0) FROM events")) or 0)
        if newest > synced:  # events not indexed yet are tested one by one
            narrowed = or_(narrowed, Event.id > synced)
        return SearchPlan(and_(narrowed, exact), indexed=True, exact=exact)
    if dialect == "postgresql" and _pg_indexed(s):
        joined: ColumnElement[Any] = literal_column(f"({PG_SEARCH_EXPR})")
        return SearchPlan(and_(joined.ilike(like_pattern(query), escape="\\"), exact), indexed=True, exact=exact)
    return SearchPlan(exact, indexed=False, exact=exact)
