"""Model suggestions in a case, and the user's "please confirm" decisions (table ``event_labels``).

Rules decide what is reported as a finding; the statistical model (:mod:`dunguard.analyze.model`)
only *proposes* labels the rules did not find on a message.  ``analyze_case`` stores those
proposals here as ``suggested`` rows; the user answers each one:

* ``confirmed`` — the engine feeds the row back as an ordinary text hit of that label (rule =
  the label's rule in ``labels.yaml``, span = the strongest cue), so it becomes a finding
  through the same code as rule hits, its summary saying the user confirmed a program
  suggestion;
* ``dismissed`` — never suggested again for that message.

Re-analysis never touches confirmed or dismissed rows and drops ``suggested`` rows the
model no longer proposes.  Every decision writes a ledger entry.

Library API: :func:`list_suggestions`, :func:`set_suggestion`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from dunguard.errors import NotFoundError, UsageError
from dunguard.home import Home
from dunguard.i18n import current_lang, t
from dunguard.models import Base, Case, Event, UTCDateTime
from dunguard.timeutil import utcnow

__all__ = [
    "MAX_SUGGESTIONS",
    "STATUSES",
    "EventLabel",
    "SuggestionView",
    "list_suggestions",
    "set_suggestion",
]

STATUSES = ("suggested", "confirmed", "dismissed")
_STATUS_ALIASES = {"confirm": "confirmed", "confirmed": "confirmed", "yes": "confirmed",
                   "dismiss": "dismissed", "dismissed": "dismissed", "no": "dismissed"}
MAX_SUGGESTIONS = 500  # open suggestions kept per case (highest scores): a person reads them one by one
EXCERPT_CONTEXT = 40
LIKELY = 0.8  # score shown as 较可能 from here, 可能 below


class EventLabel(Base):
    """One (event, label) the model proposed or the user decided on."""

    __tablename__ = "event_labels"
    __table_args__ = (
        UniqueConstraint("case_id", "event_id", "label", name="uq_event_labels_case_event_label"),
        Index("ix_event_labels_case_status", "case_id", "status"),
        Index("ix_event_labels_event", "event_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(12))  # suggested | confirmed | dismissed
    score: Mapped[float | None] = mapped_column(Float, default=None)
    cues: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [[start, end], ...] in the event's text
    source: Mapped[str] = mapped_column(String(12), default="model")  # model | user
    note: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


@dataclass(frozen=True, slots=True)
class Proposal:
    """What the engine hands over for one event: a label the model proposes (rules did not find it)."""

    event_id: int
    label: str
    score: float
    cues: tuple[tuple[int, int], ...]


# -------------------------------------------------------------------------- engine side


def decisions(session: Session, case_id: str) -> dict[int, dict[str, EventLabel]]:
    """event id → label → its confirmed or dismissed row (the user's decisions)."""
    out: dict[int, dict[str, EventLabel]] = {}
    stmt = select(EventLabel).where(EventLabel.case_id == case_id, EventLabel.status != "suggested")
    for row in session.scalars(stmt):
        out.setdefault(row.event_id, {})[row.label] = row
    return out


def strongest_cue(row: EventLabel, text_length: int) -> tuple[int, int]:
    """The span a confirmed row is reported with: its first (strongest) cue, clipped to the text."""
    for cue in row.cues or []:
        if isinstance(cue, list | tuple) and len(cue) == 2:
            s, e = max(0, int(cue[0])), min(text_length, int(cue[1]))
            if e > s:
                return s, e
    return 0, text_length


def store_proposals(session: Session, case_id: str, proposals: Sequence[Proposal],
                    decided: Mapping[int, Mapping[str, EventLabel]]) -> dict[str, int]:
    """Replace the case's open suggestions with ``proposals`` (decided rows are never touched).

    Keeps the ``MAX_SUGGESTIONS`` highest scores; an open row still proposed keeps its id
    (and creation time), so a page the user has open still points at it.
    """
    now = utcnow()
    wanted = [p for p in proposals if p.label not in decided.get(p.event_id, {})]
    wanted.sort(key=lambda p: (-p.score, p.event_id, p.label))
    wanted = wanted[:MAX_SUGGESTIONS]
    existing = {(r.event_id, r.label): r for r in session.scalars(
        select(EventLabel).where(EventLabel.case_id == case_id, EventLabel.status == "suggested"))}
    keep: set[int] = set()
    added = updated = 0
    for p in wanted:
        cues = [list(c) for c in p.cues]
        row = existing.get((p.event_id, p.label))
        score = round(p.score, 4)
        if row is None:
            session.add(EventLabel(case_id=case_id, event_id=p.event_id, label=p.label, status="suggested",
                                   score=score, cues=cues, source="model", created_at=now, updated_at=now))
            added += 1
        else:
            keep.add(row.id)
            if row.score != score or row.cues != cues:
                row.score, row.cues, row.updated_at = score, cues, now
                updated += 1
    gone = [r.id for r in existing.values() if r.id not in keep]
    for i in range(0, len(gone), 500):
        session.execute(delete(EventLabel).where(EventLabel.id.in_(gone[i:i + 500])))
    session.flush()
    return {"suggested": len(wanted), "added": added, "updated": updated, "dropped": len(gone)}


# -------------------------------------------------------------------------- user side


@dataclass
class SuggestionView:
    id: int
    event_id: int
    label: str
    label_name: str
    status: str
    score: float | None
    likelihood: str  # "较可能" / "可能" (likely / possible): the score as a plain word
    cues: list[list[int]]
    note: str | None
    time: str | None
    number: str | None
    name: str | None
    kind: str | None
    evidence_id: int | None
    excerpt: str
    highlights: list[list[int]]
    updated_at: dt.datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "event_id": self.event_id, "label": self.label, "label_name": self.label_name,
            "status": self.status, "score": self.score, "likelihood": self.likelihood, "cues": self.cues,
            "note": self.note, "time": self.time, "number": self.number, "name": self.name, "kind": self.kind,
            "evidence_id": self.evidence_id, "excerpt": self.excerpt, "highlights": self.highlights,
            "source": "model",
        }


def _status(value: str) -> str:
    status = _STATUS_ALIASES.get(value.strip().lower())
    if status is None:
        raise UsageError("engine.suggestion.bad_status", value=value)
    return status


def likelihood(score: float | None, lang: str | None = None) -> str:
    word = "likely" if score is not None and score >= LIKELY else "possible"
    return t(f"engine.suggestion.{word}", lang=lang)


def list_suggestions(
    home: Home, case_id: str, status: str | None = "suggested", *, lang: str | None = None
) -> list[SuggestionView]:
    """The case's suggestions (default: the open ones), highest score first, with an excerpt.

    ``status``: ``suggested`` | ``confirmed`` | ``dismissed`` | ``all`` (None = all).
    """
    from dunguard.analyze.engine import display_number
    from dunguard.analyze.findings import _excerpt, label_name

    lang = lang or current_lang()
    wanted: str | None = None
    if status is not None and status != "all":
        wanted = status if status in STATUSES else _STATUS_ALIASES.get(status.strip().lower())
        if wanted is None:
            raise UsageError("engine.bad_filter", field=t("engine.cli.col.status", lang=lang), value=status,
                             choices=", ".join((*STATUSES, "all")))
    with home.store.session() as s:
        case = s.get(Case, case_id)
        if case is None:
            raise NotFoundError("error.case.not_found", ref=case_id)
        zone = ZoneInfo(case.timezone or "Asia/Shanghai")
        stmt = select(EventLabel, Event).join(Event, Event.id == EventLabel.event_id).where(
            EventLabel.case_id == case_id)
        if wanted is not None:
            stmt = stmt.where(EventLabel.status == wanted)
        rows = s.execute(stmt).all()
        out = []
        for row, ev in rows:
            cues = [[int(c[0]), int(c[1])] for c in row.cues or [] if isinstance(c, list) and len(c) == 2]
            excerpt, highlights, _ = _excerpt(ev.text or "", cues, EXCERPT_CONTEXT)
            out.append(SuggestionView(
                id=row.id, event_id=row.event_id, label=row.label, label_name=label_name(row.label, lang),
                status=row.status, score=row.score, likelihood=likelihood(row.score, lang), cues=cues,
                note=row.note, time=ev.time_utc.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                number=display_number(ev.counterpart_e164) if ev.counterpart_e164 else ev.counterpart_raw,
                name=ev.counterpart_name, kind=ev.kind, evidence_id=ev.evidence_id, excerpt=excerpt,
                highlights=highlights, updated_at=row.updated_at,
            ))
    out.sort(key=lambda v: (-(v.score or 0.0), v.event_id, v.label))
    return out


def set_suggestion(
    home: Home, case_id: str, suggestion_id: int, status: str, note: str | None = None, *, actor: str = "cli"
) -> dict[str, Any]:
    """Confirm or dismiss a suggestion (``confirm`` / ``dismiss`` accepted); one ledger entry.

    A confirmed suggestion becomes a finding at the next ``analyze_case``.
    """
    wanted = _status(status)
    with home.transaction(case_id, actor=actor) as tx:
        row = tx.session.scalar(select(EventLabel).where(EventLabel.case_id == case_id,
                                                         EventLabel.id == suggestion_id))
        if row is None:
            raise NotFoundError("engine.suggestion.not_found", id=suggestion_id)
        before = row.status
        row.status = wanted
        if note is not None:
            row.note = note.strip()[:5000] or None
        row.updated_at = utcnow()
        tx.log("suggestion_status", None, {"suggestion_id": row.id, "event_id": row.event_id, "label": row.label,
                                           "score": row.score, "from": before, "to": wanted, "note": row.note})
        return {"id": row.id, "event_id": row.event_id, "label": row.label, "status": row.status,
                "previous": before, "note": row.note}
