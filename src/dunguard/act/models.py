"""The act subsystem's table: interview answers, one row per (case, fact key).

Values are JSON (text, numbers as strings, lists of lender dicts); every change is also a
ledger entry (action ``act.answers``) so the custody log shows what the borrower stated and
when.  Migration: the ``act`` Alembic branch (``migrations/versions/act_0001_answers.py``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from dunguard.models import Base, UTCDateTime


class Answer(Base):
    __tablename__ = "act_answers"

    case_id: Mapped[str] = mapped_column(String(32), ForeignKey("cases.id", ondelete="CASCADE"),
                                         primary_key=True)
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
