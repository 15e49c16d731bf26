"""Finance tables on the shared ``Base``: loans of a case, their fees and payments.

Money is stored as whole fen (BigInteger), rates as decimal text (e.g. ``"0.18"``) so that no
float ever touches a balance and SQLite needs no Decimal adapter.  Migration: the
``finance`` Alembic branch (``migrations/versions/finance_0001_loans.py``).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dunguard.models import Base, UTCDateTime


class Loan(Base):
    __tablename__ = "finance_loans"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(32), ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    lender: Mapped[str] = mapped_column(String(200))
    lender_type: Mapped[str] = mapped_column(String(20))
    principal_fen: Mapped[int] = mapped_column(BigInteger)
    received_fen: Mapped[int | None] = mapped_column(BigInteger, default=None)
    start: Mapped[dt.date] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(20))
    periods: Mapped[int] = mapped_column(Integer)
    frequency: Mapped[str] = mapped_column(String(10))
    annual_rate: Mapped[str] = mapped_column(String(32))
    penalty_rate: Mapped[str | None] = mapped_column(String(32), default=None)
    lender_claim_fen: Mapped[int | None] = mapped_column(BigInteger, default=None)
    claim_date: Mapped[dt.date | None] = mapped_column(Date, default=None)
    note: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    fees: Mapped[list[Fee]] = relationship(back_populates="loan", cascade="all, delete-orphan",
                                           order_by="Fee.id")
    payments: Mapped[list[Payment]] = relationship(back_populates="loan", cascade="all, delete-orphan",
                                                   order_by="Payment.date")


class Fee(Base):
    __tablename__ = "finance_fees"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    loan_id: Mapped[str] = mapped_column(String(32), ForeignKey("finance_loans.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    timing: Mapped[str] = mapped_column(String(20))
    date: Mapped[dt.date | None] = mapped_column(Date, default=None)

    loan: Mapped[Loan] = relationship(back_populates="fees")


class Payment(Base):
    """A payment: ``kind="paid"`` (made by the borrower) or ``"due"`` (an explicit schedule row)."""

    __tablename__ = "finance_payments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    loan_id: Mapped[str] = mapped_column(String(32), ForeignKey("finance_loans.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    date: Mapped[dt.date] = mapped_column(Date)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str | None] = mapped_column(String(200), default=None)

    loan: Mapped[Loan] = relationship(back_populates="payments")
