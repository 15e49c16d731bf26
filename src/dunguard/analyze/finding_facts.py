"""Table owned by the analysis engine (Alembic branch ``engine``).

``FindingFacts``: the detector's facts behind one finding (counts per day, limits, the
stop request's date, the numbers of a rotation …), keyed like the finding by
``(case_id, fingerprint)``.  The stored ``Finding.summary`` is Chinese; with these facts
the summary is re-rendered in any language (``findings.list_findings(lang="en")``) and the
web UI / reports can show the figures without re-running the analysis.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from dunguard.models import Base


class FindingFacts(Base):
    __tablename__ = "finding_facts"
    __table_args__ = (UniqueConstraint("case_id", "fingerprint", name="uq_finding_facts_case_fp"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    fingerprint: Mapped[str] = mapped_column(String(64))
    group_key: Mapped[str] = mapped_column(String(300))
    facts: Mapped[dict[str, Any]] = mapped_column(default=dict)
