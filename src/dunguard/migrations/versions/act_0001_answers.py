"""Act subsystem: interview answers per case.

Revision ID: act_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dunguard.models import UTCDateTime

revision = "act_0001"
down_revision = None
branch_labels = ("act",)
depends_on = "core_0001"


def upgrade() -> None:
    op.create_table(
        "act_answers",
        sa.Column("case_id", sa.String(32), sa.ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("key", sa.String(80), primary_key=True),
        sa.Column("value", sa.JSON, nullable=True),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("act_answers")
