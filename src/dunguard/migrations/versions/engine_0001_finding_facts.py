"""Analysis engine: the ``finding_facts`` table (detector facts behind each finding).

Revision ID: engine_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "engine_0001"
down_revision = None
branch_labels = ("engine",)
depends_on = "core_0001"


def upgrade() -> None:
    op.create_table(
        "finding_facts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.String(32), sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("group_key", sa.String(300), nullable=False),
        sa.Column("facts", sa.JSON, nullable=False),
        sa.UniqueConstraint("case_id", "fingerprint", name="uq_finding_facts_case_fp"),
    )


def downgrade() -> None:
    op.drop_table("finding_facts")
