"""Analysis engine: the ``event_labels`` table (model suggestions and the user's decisions).

Revision ID: engine_0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dunguard.models import UTCDateTime

revision = "engine_0002"
down_revision = "engine_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event_labels",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.String(32), sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("event_id", sa.Integer, sa.ForeignKey("events.id", ondelete="CASCADE"), nullable=False),
        sa.Column("label", sa.String(40), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("score", sa.Float, nullable=True),
        sa.Column("cues", sa.JSON, nullable=False),
        sa.Column("source", sa.String(12), nullable=False),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("case_id", "event_id", "label", name="uq_event_labels_case_event_label"),
    )
    op.create_index("ix_event_labels_case_status", "event_labels", ["case_id", "status"])
    op.create_index("ix_event_labels_event", "event_labels", ["event_id"])


def downgrade() -> None:
    op.drop_index("ix_event_labels_event", table_name="event_labels")
    op.drop_index("ix_event_labels_case_status", table_name="event_labels")
    op.drop_table("event_labels")
