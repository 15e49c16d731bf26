"""Finance subsystem: loans of a case, their fees and payments.

Revision ID: finance_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dunguard.models import UTCDateTime

revision = "finance_0001"
down_revision = None
branch_labels = ("finance",)
depends_on = "core_0001"


def upgrade() -> None:
    op.create_table(
        "finance_loans",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("case_id", sa.String(32), sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("lender", sa.String(200), nullable=False),
        sa.Column("lender_type", sa.String(20), nullable=False),
        sa.Column("principal_fen", sa.BigInteger, nullable=False),
        sa.Column("received_fen", sa.BigInteger, nullable=True),
        sa.Column("start", sa.Date, nullable=False),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("periods", sa.Integer, nullable=False),
        sa.Column("frequency", sa.String(10), nullable=False),
        sa.Column("annual_rate", sa.String(32), nullable=False),
        sa.Column("penalty_rate", sa.String(32), nullable=True),
        sa.Column("lender_claim_fen", sa.BigInteger, nullable=True),
        sa.Column("claim_date", sa.Date, nullable=True),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_finance_loans_case_id", "finance_loans", ["case_id"])
    op.create_table(
        "finance_fees",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("loan_id", sa.String(32), sa.ForeignKey("finance_loans.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("amount_fen", sa.BigInteger, nullable=False),
        sa.Column("timing", sa.String(20), nullable=False),
        sa.Column("date", sa.Date, nullable=True),
    )
    op.create_index("ix_finance_fees_loan_id", "finance_fees", ["loan_id"])
    op.create_table(
        "finance_payments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("loan_id", sa.String(32), sa.ForeignKey("finance_loans.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("amount_fen", sa.BigInteger, nullable=False),
        sa.Column("note", sa.String(200), nullable=True),
    )
    op.create_index("ix_finance_payments_loan_id", "finance_payments", ["loan_id"])


def downgrade() -> None:
    op.drop_table("finance_payments")
    op.drop_table("finance_fees")
    op.drop_table("finance_loans")
