"""Speed on big cases: per-case event aggregates (dashboard) and a full-text index (timeline search).

* ``stats_state`` / ``stats_days`` / ``stats_hours`` / ``stats_numbers``: the figures of
  ``dunguard.analyze.stats.timeline`` kept per case, refreshed from the events newer than
  ``stats_state.max_id`` (or rebuilt when the events no longer add up).
* SQLite (FTS5 with the ``trigram`` tokenizer, SQLite >= 3.34): ``events_fts``, an
  external-content index of the events' text, contact name and number as written, filled
  in bulk for events up to ``search_state.synced_max`` (see ``dunguard.web.search``).
  Triggers mark the index dirty when an indexed event is updated or deleted; it is then
  rebuilt.  Existing events are indexed here.
* PostgreSQL: a ``pg_trgm`` GIN index over the same three columns, when the extension can
  be created (otherwise searches stay sequential).

Revision ID: web_0001
"""

from __future__ import annotations

import sqlite3

import sqlalchemy as sa
from alembic import op

from dunguard.models import UTCDateTime

revision = "web_0001"
down_revision = None
branch_labels = ("web",)
depends_on = "core_0001"

def _case_column() -> sa.Column[str]:
    return sa.Column("case_id", sa.String(32), sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "stats_state",
        sa.Column("case_id", sa.String(32), sa.ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("zone", sa.String(64), nullable=False),
        sa.Column("max_id", sa.BigInteger, nullable=False),
        sa.Column("events", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "stats_days",
        _case_column(),
        sa.Column("day", sa.Integer, nullable=False),  # local days since 1970-01-01
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("count", sa.BigInteger, nullable=False),
        sa.Column("night", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("case_id", "day", "kind", name="pk_stats_days"),
    )
    op.create_table(
        "stats_hours",
        _case_column(),
        sa.Column("weekday", sa.Integer, nullable=False),
        sa.Column("hour", sa.Integer, nullable=False),
        sa.Column("count", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("case_id", "weekday", "hour", name="pk_stats_hours"),
    )
    op.create_table(
        "stats_numbers",
        _case_column(),
        sa.Column("number", sa.String(64), nullable=False),
        sa.Column("total", sa.BigInteger, nullable=False),
        sa.Column("calls_in", sa.BigInteger, nullable=False),
        sa.Column("answered", sa.BigInteger, nullable=False),
        sa.Column("missed", sa.BigInteger, nullable=False),
        sa.Column("messages_in", sa.BigInteger, nullable=False),
        sa.Column("out", sa.BigInteger, nullable=False),
        sa.Column("duration_s", sa.BigInteger, nullable=False),
        sa.Column("night", sa.BigInteger, nullable=False),
        sa.Column("first_time", UTCDateTime, nullable=True),
        sa.Column("last_time", UTCDateTime, nullable=True),
        sa.PrimaryKeyConstraint("case_id", "number", name="pk_stats_numbers"),
    )
    op.create_index("ix_stats_numbers_total", "stats_numbers", ["case_id", "total"])
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        _sqlite_fts()
    elif bind.dialect.name == "postgresql":
        _pg_trigram(bind)


def _sqlite_fts() -> None:
    if sqlite3.sqlite_version_info < (3, 34, 0):
        return  # no trigram tokenizer: searches stay sequential
    op.execute("CREATE TABLE search_state (id INTEGER PRIMARY KEY, synced_max INTEGER NOT NULL, dirty INTEGER NOT NULL)")
    try:
        op.execute(
            "CREATE VIRTUAL TABLE events_fts USING fts5(text, counterpart_name, counterpart_raw, "
            "content='events', content_rowid='id', tokenize='trigram', detail=none, columnsize=0)"
        )
    except sa.exc.OperationalError:  # SQLite built without FTS5
        op.execute("DROP TABLE search_state")
        return
    op.execute("INSERT INTO search_state (id, synced_max, dirty) VALUES (1, 0, 0)")
    for name, event in (("events_fts_dirty_on_update", "UPDATE OF text, counterpart_name, counterpart_raw"),
                        ("events_fts_dirty_on_delete", "DELETE")):
        op.execute(
            f"CREATE TRIGGER {name} AFTER {event} ON events "
            # once dirty the subquery is NULL: the rest of a big DELETE costs next to nothing
            "WHEN old.id <= (SELECT synced_max FROM search_state WHERE id = 1 AND dirty = 0) "
            "BEGIN UPDATE search_state SET dirty = 1 WHERE id = 1; END"
        )
    op.execute("INSERT INTO events_fts(events_fts) VALUES ('rebuild')")
    op.execute("UPDATE search_state SET synced_max = (SELECT coalesce(max(id), 0) FROM events) WHERE id = 1")


def _pg_trigram(bind: sa.Connection) -> None:
    try:
        with bind.begin_nested():
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except sa.exc.DBAPIError:
        return  # not allowed or not installed: searches stay sequential
    op.execute(
        "CREATE INDEX ix_events_search_trgm ON events USING gin ((" + PG_SEARCH_EXPR + ") gin_trgm_ops)"
    )


# The indexed expression; dunguard.web.search builds the same one.  chr(31) separates the
# columns so a match across two of them is unlikely (and every hit is re-checked per column).
PG_SEARCH_EXPR = (
    "coalesce(text, '') || chr(31) || coalesce(counterpart_name, '') || chr(31) || coalesce(counterpart_raw, '')"
)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS events_fts_dirty_on_update")
        op.execute("DROP TRIGGER IF EXISTS events_fts_dirty_on_delete")
        op.execute("DROP TABLE IF EXISTS events_fts")
        op.execute("DROP TABLE IF EXISTS search_state")
    elif bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_events_search_trgm")
    for table in ("stats_numbers", "stats_hours", "stats_days", "stats_state"):
        op.drop_table(table)
