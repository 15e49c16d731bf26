"""Query helpers over stored findings: list them with evidence excerpts; confirm / dismiss.

``list_findings(home, case_id)`` returns :class:`FindingView` objects, most severe first,
each with its legal basis (statute citation, strength, exact text from the rulebook) and
its evidence: the events with their local time, number, and an excerpt of the text around
each span, the span's position inside the excerpt given so a UI can highlight it::

    {"event_id": 12, "time": "2026-10-10 23:41", "kind": "sms", "number": "17012345601",
     "span": [18, 21], "spans": [[18, 21]], "excerpt": "…就把你欠钱的事发给你通讯录里所有人…",
     "highlight": [9, 12], "highlights": [[9, 12]], "marked": "…就把你欠钱的事发给你【通讯录】里所有人…"}

(one item per event: several spans of the same message are merged into one item.)

``set_status(home, case_id, finding_id, "confirmed" | "dismissed" | "new", note=...)``
records the user's decision (kept across re-analysis) with a ledger entry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from dunguard.analyze.engine import BEHAVIOUR_LABELS, SEVERITY_ORDER, display_number, render_summary
from dunguard.analyze.finding_facts import FindingFacts
from dunguard.analyze.rulebook import STRENGTH_NAMES
from dunguard.analyze.rulebook import load as load_rulebook
from dunguard.errors import NotFoundError, UsageError
from dunguard.home import Home
from dunguard.i18n import current_lang, t
from dunguard.models import Case, Event, Finding

__all__ = [
    "STATUSES",
    "FindingView",
    "get_finding",
    "label_name",
    "list_findings",
    "set_status",
]

STATUSES = ("new", "confirmed", "dismissed")
_STATUS_ALIASES = {"confirm": "confirmed", "dismiss": "dismissed", "reset": "new", "new": "new",
                   "confirmed": "confirmed", "dismissed": "dismissed"}
EXCERPT_CONTEXT = 30


def label_name(label: str | None, lang: str | None = None) -> str:
    """Human name of a text label (rulebook) or behaviour label (engine catalog)."""
    if not label:
        return ""
    lang = lang or current_lang()
    book = load_rulebook("cn")
    if label in book.labels:
        names = book.labels[label].name
        return names.get(lang) or names.get("zh") or label
    return t(f"engine.label.{label}", lang=lang)


@dataclass
class FindingView:
    id: int
    rule_id: str
    rule_title: str
    label: str | None
    label_name: str
    severity: str
    confidence: float
    status: str
    note: str | None
    summary: str
    first_time: dt.datetime | None
    last_time: dt.datetime | None
    count: int
    attribution: str | None
    stale: bool
    basis: list[dict[str, Any]] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    evidence_total: int = 0

    @property
    def kind(self) -> str:
        return "behaviour" if self.label in BEHAVIOUR_LABELS else "text"

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "rule": self.rule_id,
            "rule_title": self.rule_title,
            "label": self.label,
            "label_name": self.label_name,
            "kind": self.kind,
            "severity": self.severity,
            "confidence": self.confidence,
            "status": self.status,
            "note": self.note,
            "summary": self.summary,
            "first_time": self.first_time.isoformat() if self.first_time else None,
            "last_time": self.last_time.isoformat() if self.last_time else None,
            "count": self.count,
            "attribution": self.attribution,
            "stale": self.stale,
            "basis": self.basis,
            "evidence": self.evidence,
            "evidence_total": self.evidence_total,
        }


def _excerpt(text: str, spans: list[list[int]], context: int = EXCERPT_CONTEXT) -> tuple[str, list[list[int]], str]:
    """(excerpt, highlight offsets inside it, excerpt with every span marked 【…】)."""
    clean = sorted((max(0, s), min(len(text), e)) for s, e in spans if e > s)
    if not clean:
        cut = text[: context * 2]
        out = cut + ("…" if len(text) > len(cut) else "")
        return out, [], out
    lo = max(0, clean[0][0] - context)
    hi = min(len(text), max(e for _, e in clean) + context)
    prefix = "…" if lo > 0 else ""
    suffix = "…" if hi < len(text) else ""
    excerpt = prefix + text[lo:hi] + suffix
    shift = len(prefix) - lo
    highlights: list[list[int]] = []
    for s, e in clean:  # merge overlapping spans for marking
        if highlights and s + shift <= highlights[-1][1]:
            highlights[-1][1] = max(highlights[-1][1], e + shift)
        else:
            highlights.append([s + shift, e + shift])
    marked = excerpt
    for s, e in reversed(highlights):
        marked = marked[:s] + "【" + marked[s:e] + "】" + marked[e:]
    return excerpt, highlights, marked


def _view(f: Finding, events: dict[int, Event], zone: ZoneInfo, lang: str, max_evidence: int,
          facts: dict[str, Any] | None) -> FindingView:
    book = load_rulebook("cn")
    rule = book.rules.get(f.rule_id)
    basis = []
    for sid in f.basis or []:
        st = book.statutes.get(sid)
        if st is None:
            continue
        basis.append({"id": st.id, "citation": st.citation, "strength": st.strength,
                      "strength_name": STRENGTH_NAMES[st.strength][lang], "text": st.text})
    evidence: list[dict[str, Any]] = []
    refs = [r for r in (f.evidence_refs or []) if isinstance(r, dict)]
    spans_of: dict[int, list[list[int]]] = {}
    order: list[int] = []
    for ref in refs:
        eid = int(ref.get("event_id", 0))
        if eid not in spans_of:
            spans_of[eid] = []
            order.append(eid)
        span = ref.get("span")
        if isinstance(span, list) and len(span) == 2:
            spans_of[eid].append([int(span[0]), int(span[1])])
    for eid in order[:max_evidence]:
        ev = events.get(eid)
        if ev is None:
            continue
        local = ev.time_utc.astimezone(zone)
        spans = sorted(spans_of[eid])
        item: dict[str, Any] = {
            "event_id": ev.id,
            "time": local.strftime("%Y-%m-%d %H:%M"),
            "kind": ev.kind,
            "direction": ev.direction,
            "number": display_number(ev.counterpart_e164) if ev.counterpart_e164 else ev.counterpart_raw,
            "name": ev.counterpart_name,
            "call_status": ev.call_status,
            "duration_s": ev.duration_s,
            "span": spans[0] if spans else None,
            "spans": spans,
            "locator": ev.locator,
            "evidence_id": ev.evidence_id,
        }
        if ev.text:
            excerpt, highlights, marked = _excerpt(ev.text, spans)
            item.update(excerpt=excerpt, highlight=highlights[0] if highlights else None, highlights=highlights,
                        marked=marked)
        evidence.append(item)
    summary = f.summary
    if lang != "zh" and facts is not None:
        summary = render_summary(f.rule_id, f.label or "", f.attribution or "", f.count, facts, f.basis or [],
                                 book, lang=lang)
    return FindingView(
        id=f.id,
        rule_id=f.rule_id,
        rule_title=(rule.title.get(lang) or rule.title.get("zh", f.rule_id)) if rule else f.rule_id,
        label=f.label,
        label_name=label_name(f.label, lang),
        severity=f.severity,
        confidence=f.confidence,
        status=f.status,
        note=f.user_note,
        summary=summary,
        first_time=f.first_time,
        last_time=f.last_time,
        count=f.count,
        attribution=f.attribution,
        stale=f.stale,
        basis=basis,
        evidence=evidence,
        evidence_total=len(order),
    )


def list_findings(
    home: Home,
    case_id: str,
    *,
    label: str | None = None,
    status: str | None = None,
    severity: str | None = None,
    include_stale: bool = False,
    max_evidence: int = 20,
    lang: str | None = None,
) -> list[FindingView]:
    """The case's findings, most severe first, with basis and evidence excerpts."""
    lang = lang or current_lang()
    if status is not None:
        status = _STATUS_ALIASES.get(status.strip().lower(), status)
        if status not in STATUSES:
            raise UsageError("engine.bad_filter", field="status", value=status, choices=", ".join(STATUSES))
    if severity is not None and severity not in SEVERITY_ORDER:
        raise UsageError("engine.bad_filter", field="severity", value=severity, choices=", ".join(SEVERITY_ORDER))
    with home.store.session() as s:
        case = s.get(Case, case_id)
        if case is None:
            raise NotFoundError("error.case.not_found", ref=case_id)
        zone = ZoneInfo(case.timezone or "Asia/Shanghai")
        stmt = select(Finding).where(Finding.case_id == case_id)
        if label:
            stmt = stmt.where(Finding.label == label)
        if status:
            stmt = stmt.where(Finding.status == status)
        if severity:
            stmt = stmt.where(Finding.severity == severity)
        if not include_stale:
            stmt = stmt.where(Finding.stale.is_(False))
        found = list(s.scalars(stmt))
        wanted: set[int] = set()
        for f in found:
            ids_of_f: list[int] = []
            for ref in f.evidence_refs or []:
                if isinstance(ref, dict) and "event_id" in ref and int(ref["event_id"]) not in ids_of_f:
                    ids_of_f.append(int(ref["event_id"]))
                    if len(ids_of_f) >= max_evidence:
                        break
            wanted.update(ids_of_f)
        events: dict[int, Event] = {}
        ids = sorted(wanted)
        for i in range(0, len(ids), 500):
            for ev in s.scalars(select(Event).where(Event.case_id == case_id, Event.id.in_(ids[i:i + 500]))):
                events[ev.id] = ev
        facts: dict[str, dict[str, Any]] = {
            fp: data for fp, data in s.execute(
                select(FindingFacts.fingerprint, FindingFacts.facts).where(FindingFacts.case_id == case_id))
        }
        views = [_view(f, events, zone, lang, max_evidence, facts.get(f.fingerprint)) for f in found]
    views.sort(key=lambda v: (v.stale, SEVERITY_ORDER.get(v.severity, 9), v.first_time or dt.datetime.max.replace(
        tzinfo=dt.UTC), v.id))
    return views


def get_finding(home: Home, case_id: str, finding_id: int, lang: str | None = None) -> FindingView:
    for v in list_findings(home, case_id, include_stale=True, max_evidence=1000, lang=lang):
        if v.id == finding_id:
            return v
    raise NotFoundError("engine.finding_not_found", id=finding_id)


def set_status(
    home: Home,
    case_id: str,
    finding_id: int,
    status: str,
    *,
    note: str | None = None,
    actor: str = "cli",
) -> dict[str, Any]:
    """Confirm, dismiss or reset a finding (``confirm``/``dismiss``/``reset`` accepted too)."""
    wanted = _STATUS_ALIASES.get(status.strip().lower())
    if wanted is None:
        raise UsageError("engine.bad_status", value=status)
    with home.transaction(case_id, actor=actor) as tx:
        f = tx.session.scalar(select(Finding).where(Finding.case_id == case_id, Finding.id == finding_id))
        if f is None:
            raise NotFoundError("engine.finding_not_found", id=finding_id)
        before = f.status
        f.status = wanted
        if note is not None:
            f.user_note = note.strip() or None
        tx.log("finding_status", f.fingerprint, {"finding_id": f.id, "rule": f.rule_id, "label": f.label,
                                                 "from": before, "to": wanted, "note": f.user_note})
        return {"id": f.id, "status": f.status, "note": f.user_note, "previous": before}
