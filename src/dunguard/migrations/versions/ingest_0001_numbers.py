"""Import subsystem: the per-case ``numbers`` table (what phones.py knows about each number).

Revision ID: ingest_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "ingest_0001"
down_revision = None
branch_labels = ("ingest",)
depends_on = "core_0001"


def upgrade() -> None:
    op.create_table(
        "numbers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.String(32), sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("raw", sa.String(64), nullable=False),
        sa.Column("e164", sa.String(32), nullable=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("region", sa.String(8), nullable=True),
        sa.Column("carrier", sa.String(64), nullable=True),
        sa.Column("location", sa.String(128), nullable=True),
        sa.UniqueConstraint("case_id", "key", name="uq_numbers_case_key"),
    )


def downgrade() -> None:
    op.drop_table("numbers")
