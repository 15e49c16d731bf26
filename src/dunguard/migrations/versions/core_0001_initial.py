"""Core tables: cases, parties, phones, evidence, derived, events, findings, ledger, settings.

Revision ID: core_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dunguard.models import UTCDateTime

revision = "core_0001"
down_revision = None
branch_labels = ("core",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "settings",
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("is_demo", sa.Boolean, nullable=False),
        sa.Column("note", sa.Text),
    )
    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.String(32), sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.Column("original_name", sa.String(500), nullable=False),
        sa.Column("original_mtime", UTCDateTime),
        sa.Column("added_at", UTCDateTime, nullable=False),
        sa.Column("added_by", sa.String(100), nullable=False),
        sa.Column("method", sa.String(40), nullable=False),
        sa.Column("source_device", sa.String(200)),
        sa.Column("source_app", sa.String(200)),
        sa.Column("format", sa.String(60)),
        sa.Column("stored_path", sa.String(300), nullable=False),
        sa.Column("extra", sa.JSON, nullable=False),
        sa.UniqueConstraint("case_id", "sha256", name="uq_evidence_case_sha"),
    )
    op.create_index("ix_evidence_case_id", "evidence", ["case_id"])
    op.create_table(
        "parties",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.String(32), sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("name", sa.String(200)),
        sa.Column("note", sa.Text),
        sa.Column("source_evidence_id", sa.Integer, sa.ForeignKey("evidence.id", ondelete="SET NULL")),
        sa.Column("extra", sa.JSON, nullable=False),
    )
    op.create_index("ix_parties_case_id", "parties", ["case_id"])
    op.create_table(
        "phones",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.String(32), sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("party_id", sa.Integer, sa.ForeignKey("parties.id", ondelete="CASCADE"), nullable=False),
        sa.Column("raw", sa.String(64), nullable=False),
        sa.Column("e164", sa.String(32)),
        sa.Column("kind", sa.String(20)),
    )
    op.create_index("ix_phones_party_id", "phones", ["party_id"])
    op.create_index("ix_phones_case_e164", "phones", ["case_id", "e164"])
    op.create_table(
        "derived",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.String(32), sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("evidence_id", sa.Integer, sa.ForeignKey("evidence.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.Column("producer", sa.String(200), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("stored_path", sa.String(300), nullable=False),
        sa.Column("extra", sa.JSON, nullable=False),
    )
    op.create_index("ix_derived_case_id", "derived", ["case_id"])
    op.create_index("ix_derived_evidence_id", "derived", ["evidence_id"])
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.String(32), sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("evidence_id", sa.Integer, sa.ForeignKey("evidence.id", ondelete="CASCADE")),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("direction", sa.String(10), nullable=False),
        sa.Column("time_utc", UTCDateTime, nullable=False),
        sa.Column("utc_offset_minutes", sa.Integer),
        sa.Column("time_raw", sa.String(100), nullable=False),
        sa.Column("counterpart_raw", sa.String(400)),
        sa.Column("counterpart_e164", sa.String(64)),
        sa.Column("counterpart_name", sa.String(200)),
        sa.Column("number_kind", sa.String(20)),
        sa.Column("channel", sa.String(40)),
        sa.Column("text", sa.Text),
        sa.Column("duration_s", sa.Integer),
        sa.Column("call_status", sa.String(20)),
        sa.Column("locator", sa.String(200), nullable=False),
        sa.Column("thread", sa.String(400)),
        sa.Column("extra", sa.JSON),
        sa.Column("dedup_key", sa.String(64), nullable=False),
        sa.UniqueConstraint("case_id", "dedup_key", name="uq_events_case_dedup"),
    )
    op.create_index("ix_events_case_time", "events", ["case_id", "time_utc"])
    op.create_index("ix_events_number", "events", ["counterpart_e164"])
    op.create_index("ix_events_evidence_id", "events", ["evidence_id"])
    op.create_table(
        "findings",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.String(32), sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("rule_id", sa.String(40), nullable=False),
        sa.Column("label", sa.String(40)),
        sa.Column("severity", sa.String(10), nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("user_note", sa.Text),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("first_time", UTCDateTime),
        sa.Column("last_time", UTCDateTime),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("attribution", sa.String(200)),
        sa.Column("basis", sa.JSON, nullable=False),
        sa.Column("evidence_refs", sa.JSON, nullable=False),
        sa.Column("stale", sa.Boolean, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("case_id", "fingerprint", name="uq_findings_case_fp"),
    )
    op.create_index("ix_findings_case_id", "findings", ["case_id"])
    op.create_table(
        "ledger",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.String(32), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("ts", sa.String(40), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("object_hash", sa.String(64)),
        sa.Column("details", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("entry_hash", sa.String(64), nullable=False),
        sa.UniqueConstraint("case_id", "seq", name="uq_ledger_case_seq"),
    )
    op.create_index("ix_ledger_case_id", "ledger", ["case_id"])


def downgrade() -> None:
    for table in ("ledger", "findings", "events", "derived", "phones", "parties", "evidence", "cases", "settings"):
        op.drop_table(table)
