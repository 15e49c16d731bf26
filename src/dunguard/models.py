"""The case store's tables (SQLAlchemy 2, typed).

A *case* is one borrower's matter.  Everything else hangs off it:

- ``Party``: a person or organisation in the case (debtor, guarantor, contact, lender,
  collector, authority), with its ``Phone`` numbers.
- ``Evidence``: one original file, stored byte-exact in the case's vault by sha256.
- ``Derived``: an artefact computed from an original (OCR text, transcript, thumbnail).
- ``Event``: one SMS / MMS / call / chat message / diary entry / OCR text, linked to its
  Evidence and its place in it.
- ``Finding``: a possible violation found by analysis (filled by ``dunguard.analyze``).
- ``LedgerEntry``: the append-only, hash-chained custody log.

Times are ``UTCDateTime``: aware datetimes in, aware UTC datetimes out, on SQLite and
PostgreSQL alike.  Subsystems add their own tables on the same ``Base`` in their own
modules, with their own Alembic branch (see ``dunguard/migrations``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from dunguard.timeutil import UTC


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Aware datetimes only; stored as UTC (naive on SQLite, timestamptz on PostgreSQL)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: DunGuard stores aware UTC times only")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, dt.datetime: UTCDateTime}


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text, default=None)

    parties: Mapped[list[Party]] = relationship(back_populates="case", cascade="all, delete-orphan")


class Party(Base):
    __tablename__ = "parties"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))  # debtor guarantor contact lender collector authority
    name: Mapped[str | None] = mapped_column(String(200), default=None)
    note: Mapped[str | None] = mapped_column(Text, default=None)
    source_evidence_id: Mapped[int | None] = mapped_column(
        ForeignKey("evidence.id", ondelete="SET NULL"), default=None
    )
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    case: Mapped[Case] = relationship(back_populates="parties")
    phones: Mapped[list[Phone]] = relationship(back_populates="party", cascade="all, delete-orphan")


class Phone(Base):
    __tablename__ = "phones"
    __table_args__ = (Index("ix_phones_case_e164", "case_id", "e164"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id", ondelete="CASCADE"), index=True)
    raw: Mapped[str] = mapped_column(String(64))
    e164: Mapped[str | None] = mapped_column(String(32), default=None)
    kind: Mapped[str | None] = mapped_column(String(20), default=None)  # mobile landline service short virtual

    party: Mapped[Party] = relationship(back_populates="phones")


class Evidence(Base):
    __tablename__ = "evidence"
    __table_args__ = (UniqueConstraint("case_id", "sha256", name="uq_evidence_case_sha"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(100))
    original_name: Mapped[str] = mapped_column(String(500))
    original_mtime: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    added_by: Mapped[str] = mapped_column(String(100))
    method: Mapped[str] = mapped_column(String(40))  # add, import, log, web-upload
    source_device: Mapped[str | None] = mapped_column(String(200), default=None)
    source_app: Mapped[str | None] = mapped_column(String(200), default=None)
    format: Mapped[str | None] = mapped_column(String(60), default=None)  # importer name, if parsed
    stored_path: Mapped[str] = mapped_column(String(300))  # relative to the case folder
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    derived: Mapped[list[Derived]] = relationship(back_populates="evidence", cascade="all, delete-orphan")


class Derived(Base):
    __tablename__ = "derived"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))  # ocr transcript thumbnail metadata
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(100))
    producer: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    stored_path: Mapped[str] = mapped_column(String(300))
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    evidence: Mapped[Evidence] = relationship(back_populates="derived")


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("case_id", "dedup_key", name="uq_events_case_dedup"),
        Index("ix_events_case_time", "case_id", "time_utc"),
        # the number alone, without case_id: a third of the width, so the index of a
        # million-event case stays in the import's page cache (queries add case_id = ?)
        Index("ix_events_number", "counterpart_e164"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    evidence_id: Mapped[int | None] = mapped_column(
        ForeignKey("evidence.id", ondelete="CASCADE"), index=True, default=None
    )
    kind: Mapped[str] = mapped_column(String(20))
    direction: Mapped[str] = mapped_column(String(10), default="unknown")
    time_utc: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    utc_offset_minutes: Mapped[int | None] = mapped_column(Integer, default=None)
    time_raw: Mapped[str] = mapped_column(String(100), default="")
    counterpart_raw: Mapped[str | None] = mapped_column(String(400), default=None)
    counterpart_e164: Mapped[str | None] = mapped_column(String(64), default=None)
    counterpart_name: Mapped[str | None] = mapped_column(String(200), default=None)
    number_kind: Mapped[str | None] = mapped_column(String(20), default=None)
    channel: Mapped[str | None] = mapped_column(String(40), default=None)
    text: Mapped[str | None] = mapped_column(Text, default=None)
    duration_s: Mapped[int | None] = mapped_column(Integer, default=None)
    call_status: Mapped[str | None] = mapped_column(String(20), default=None)
    locator: Mapped[str] = mapped_column(String(200), default="")
    thread: Mapped[str | None] = mapped_column(String(400), default=None)
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    dedup_key: Mapped[str] = mapped_column(String(64))


class Finding(Base):
    __tablename__ = "findings"
    __table_args__ = (UniqueConstraint("case_id", "fingerprint", name="uq_findings_case_fp"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    fingerprint: Mapped[str] = mapped_column(String(64))  # stable across re-runs: keeps user status
    rule_id: Mapped[str] = mapped_column(String(40))
    label: Mapped[str | None] = mapped_column(String(40), default=None)
    severity: Mapped[str] = mapped_column(String(10), default="medium")  # high medium low
    confidence: Mapped[float] = mapped_column(Float, default=1.0)
    status: Mapped[str] = mapped_column(String(12), default="new")  # new confirmed dismissed
    user_note: Mapped[str | None] = mapped_column(Text, default=None)
    summary: Mapped[str] = mapped_column(Text, default="")
    first_time: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
    last_time: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
    count: Mapped[int] = mapped_column(Integer, default=1)
    attribution: Mapped[str | None] = mapped_column(String(200), default=None)  # lender / collector
    basis: Mapped[list[Any]] = mapped_column(JSON, default=list)  # statute ids
    evidence_refs: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [{event_id, span:[s,e]}]
    stale: Mapped[bool] = mapped_column(Boolean, default=False)  # not produced by the latest run
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class LedgerEntry(Base):
    __tablename__ = "ledger"
    __table_args__ = (UniqueConstraint("case_id", "seq", name="uq_ledger_case_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(String(32), index=True)  # no FK: the log outlives nothing
    seq: Mapped[int] = mapped_column(Integer)
    ts: Mapped[str] = mapped_column(String(40))  # ISO UTC text, exactly as hashed
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))
    object_hash: Mapped[str | None] = mapped_column(String(64), default=None)
    details: Mapped[str] = mapped_column(Text)  # canonical JSON, exactly as hashed
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))


class Setting(Base):
    """Installation-wide key/value settings (e.g. schema notes); small and rarely written."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
