"""Tables owned by the import subsystem (Alembic branch ``ingest``).

``NumberInfo``: one row per distinct counterpart number seen in a case, with what
``dunguard.phones`` knows about it (kind, region, carrier), so a million events do not
repeat the same facts.  ``key`` equals ``Event.counterpart_e164``.  ``location`` is left
empty at import (the geocoder's tables are large); ``dunguard.phones.location_of(e164)``
gives it when a number is shown.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from dunguard.models import Base


class NumberInfo(Base):
    __tablename__ = "numbers"
    __table_args__ = (UniqueConstraint("case_id", "key", name="uq_numbers_case_key"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))  # E.164, else the compact raw form
    raw: Mapped[str] = mapped_column(String(64))  # first raw form seen
    e164: Mapped[str | None] = mapped_column(String(32), default=None)
    kind: Mapped[str] = mapped_column(String(20))  # dunguard.phones.NumberKind
    region: Mapped[str | None] = mapped_column(String(8), default=None)
    carrier: Mapped[str | None] = mapped_column(String(64), default=None)
    location: Mapped[str | None] = mapped_column(String(128), default=None)  # see phones.location_of
