"""Facts of one case, read from the store: what documents, the plan and the report may say.

Everything here comes from the case's own records (debtor party, events, findings, contacts,
evidence, ledger, recorded loans) or from the borrower's interview answers.  Nothing is
guessed: values the case does not hold stay ``None`` and the documents show a visible blank.
``suggest_*`` functions only *propose* defaults for the interview; a proposal becomes a fact
only when the borrower confirms it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from dunguard.analyze.rulebook import Rulebook, Statute, load
from dunguard.errors import NotFoundError
from dunguard.export import evidence_rows
from dunguard.home import Home
from dunguard.models import Case, Event, Evidence, Finding, LedgerEntry, Party, Phone
from dunguard.timeutil import local

# labels/rules that make the police the right place to go (threats, impersonation,
# obscene or insulting content, violence, visits)
POLICE_LABELS = frozenset({"threat_violence", "impersonation", "insult", "threat_visit"})
POLICE_RULES = frozenset({"T4", "T5", "T6", "T9", "T13", "T19"})
THIRD_PARTY_RULES = frozenset({"T7", "T8"})
THIRD_PARTY_LABELS = frozenset({"third_party_contact", "threat_contacts", "debt_disclosure", "third_party_reached"})


@dataclass(slots=True)
class Excerpt:
    event_id: int
    when: dt.datetime  # local time of the case
    kind: str
    direction: str
    number: str
    name: str | None
    text: str
    spans: list[tuple[int, int]]
    evidence_id: int | None
    locator: str

    def pieces(self) -> list[tuple[str, bool]]:
        """The text cut into (piece, highlighted) parts along the finding's spans."""
        out: list[tuple[str, bool]] = []
        pos = 0
        for s, e in sorted(self.spans):
            s, e = max(s, pos), min(e, len(self.text))
            if s >= e:
                continue
            if s > pos:
                out.append((self.text[pos:s], False))
            out.append((self.text[s:e], True))
            pos = e
        if pos < len(self.text):
            out.append((self.text[pos:], False))
        return out


@dataclass(slots=True)
class FindingView:
    id: int
    rule_id: str
    label: str | None
    title: str
    label_name: str | None
    severity: str
    status: str
    summary: str
    count: int
    first: dt.datetime | None
    last: dt.datetime | None
    attribution: str | None
    statutes: list[Statute]
    excerpts: list[Excerpt]

    @property
    def police_relevant(self) -> bool:
        return self.rule_id in POLICE_RULES or (self.label or "") in POLICE_LABELS

    @property
    def third_party(self) -> bool:
        return self.rule_id in THIRD_PARTY_RULES or (self.label or "") in THIRD_PARTY_LABELS


@dataclass(slots=True)
class LenderFact:
    name: str | None = None
    type: str | None = None
    amount: str | None = None
    loan_date: str | None = None
    overdue_days: str | None = None
    app: str | None = None
    address: str | None = None
    source: str = "answers"  # answers | finance

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in
                ("name", "type", "amount", "loan_date", "overdue_days", "app", "address", "source")}


@dataclass(slots=True)
class CaseFacts:
    case_id: str
    title: str
    timezone: str
    is_demo: bool
    debtor_name: str | None
    debtor_phone: str | None
    events_total: int
    events_by_kind: dict[str, int]
    first_event: dt.datetime | None
    last_event: dt.datetime | None
    findings: list[FindingView]
    contacts: list[tuple[str, list[str]]]  # (name, numbers) from the address book
    third_parties: list[tuple[str, str]]  # (name or number, number) reached by collectors
    collector_numbers: list[tuple[str, int]]  # (number, events) of numbers behind findings
    evidence: list[Evidence]
    ledger_head: str
    ledger_entries: int
    finance_lenders: list[LenderFact]
    answers: dict[str, Any] = field(default_factory=dict)
    has_recordings: bool = False
    evidence_rows: list[dict[str, Any]] = field(default_factory=list)  # the 证据清单 (export.evidence_rows)
    evidence_purposes: dict[int, list[str]] = field(default_factory=dict)  # evidence id -> finding titles

    @property
    def active_findings(self) -> list[FindingView]:
        return [f for f in self.findings if f.status != "dismissed"]

    @property
    def span(self) -> tuple[dt.date, dt.date] | None:
        if self.first_event is None or self.last_event is None:
            return None
        return self.first_event.date(), self.last_event.date()

    def finding_span(self) -> tuple[dt.date, dt.date] | None:
        days = [d.date() for f in self.active_findings for d in (f.first, f.last) if d is not None]
        return (min(days), max(days)) if days else self.span

    def has_police_findings(self) -> bool:
        return any(f.police_relevant for f in self.active_findings)

    def rules_found(self) -> set[str]:
        return {f.rule_id for f in self.active_findings}

    def labels_found(self) -> set[str]:
        return {f.label for f in self.active_findings if f.label}

    def lenders(self) -> list[LenderFact]:
        """Lenders the borrower stated (answers), else the loans recorded with ``dunguard loan``."""
        stated = self.answers.get("lenders")
        if isinstance(stated, list) and stated:
            out = []
            for raw in stated:
                if isinstance(raw, dict):
                    out.append(LenderFact(
                        name=_text(raw.get("name")), type=_text(raw.get("type")), amount=_text(raw.get("amount")),
                        loan_date=_text(raw.get("loan_date")), overdue_days=_text(raw.get("overdue_days")),
                        app=_text(raw.get("app")), address=_text(raw.get("address"))))
            return out
        return list(self.finance_lenders)

    def fact(self, key: str, lender: int = 0) -> Any:
        """One fact by key: ``user.*``/``story.*``/``goals``… from answers (case defaults for the
        user's name and phone), ``lender.*`` from the chosen lender; ``None`` when unknown."""
        if key.startswith("lender."):
            lenders = self.lenders()
            if lender >= len(lenders):
                return None
            return getattr(lenders[lender], key.split(".", 1)[1], None)
        if key == "lenders":
            return [lf.as_dict() for lf in self.lenders()] or None
        value = self.answers.get(key)
        if value not in (None, "", []):
            return value
        defaults: dict[str, Any] = {
            "user.name": self.debtor_name,
            "user.phone": self.debtor_phone,
            "contacts.reached": [n for n, _ in self.third_parties] or None,
        }
        return defaults.get(key)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    s = str(value).strip()
    return s or None


def load_facts(home: Home, case_id: str, *, rulebook: Rulebook | None = None,
               max_excerpts: int = 5) -> CaseFacts:
    """Read everything the act subsystem shows about ``case_id`` (read-only)."""
    book = rulebook or load()
    with home.store.session() as s:
        case = s.get(Case, case_id)
        if case is None:
            raise NotFoundError("error.case.not_found", ref=case_id)
        tz = case.timezone
        debtor = s.scalar(select(Party).where(Party.case_id == case_id, Party.role == "debtor").limit(1))
        debtor_phone = None
        if debtor is not None:
            debtor_phone = s.scalar(select(Phone.raw).where(Phone.party_id == debtor.id).limit(1))
        kinds: Counter[str] = Counter()
        first = last = None
        for kind, n, lo, hi in s.execute(
            select(Event.kind, func.count(), func.min(Event.time_utc), func.max(Event.time_utc))
            .where(Event.case_id == case_id).group_by(Event.kind)
        ):
            kinds[kind] += int(n)
            first = lo if first is None or (lo is not None and lo < first) else first
            last = hi if last is None or (hi is not None and hi > last) else last
        findings_rows = list(s.scalars(
            select(Finding).where(Finding.case_id == case_id, Finding.stale.is_(False))
            .order_by(Finding.first_time, Finding.id)))
        refs: list[dict[int, list[tuple[int, int]]]] = [_spans(f) for f in findings_rows]
        ref_ids = {eid for spans in refs for eid in spans}
        light = _light_events(s, ref_ids)  # id -> (direction, raw, e164, evidence_id)
        wanted = {eid for spans in refs for eid in list(spans)[:max_excerpts]}
        full = _full_events(s, wanted)
        contacts = _contacts(s, case_id)
        by_number = {num: name for name, nums in contacts for num in nums}
        contact_numbers: set[str | None] = {*by_number, debtor_phone}
        views: list[FindingView] = []
        purposes: dict[int, list[str]] = {}
        numbers: dict[str, set[int]] = {}
        reached: dict[str, str] = {}
        for f, spans_by_event in zip(findings_rows, refs, strict=True):
            excerpts: list[Excerpt] = []
            active = f.status != "dismissed"
            third = active and _is_third_party(f)
            for eid, spans in spans_by_event.items():
                row = light.get(eid)
                if row is None:
                    continue
                direction, raw, e164, _evidence_id = row
                num = raw or e164 or ""
                if active and direction == "in" and num and raw not in contact_numbers \
                        and e164 not in contact_numbers:
                    numbers.setdefault(num, set()).add(eid)
                ev = full.get(eid)
                if ev is not None and len(excerpts) < max_excerpts:
                    excerpts.append(Excerpt(eid, local(ev.time_utc, tz), ev.kind, ev.direction, num,
                                            ev.counterpart_name, ev.text or "", spans, ev.evidence_id,
                                            ev.locator))
                if third:
                    key = e164 or num
                    if key in by_number:
                        reached[key] = by_number[key]
            rule = book.rules.get(f.rule_id)
            title = rule.title.get("zh", f.rule_id) if rule else f.rule_id
            if active:
                for eid in spans_by_event:
                    row = light.get(eid)
                    if row is not None and row[3] is not None:
                        lst2 = purposes.setdefault(row[3], [])
                        if title not in lst2:
                            lst2.append(title)
            label = book.labels.get(f.label) if f.label else None
            day = local(f.first_time, tz).date() if f.first_time else None
            day_last = local(f.last_time, tz).date() if f.last_time else day
            statutes = _statutes(book, [str(b) for b in f.basis or []], day, day_last)
            views.append(FindingView(
                id=f.id, rule_id=f.rule_id, label=f.label,
                title=title,
                label_name=label.name.get("zh") if label else None,
                severity=f.severity, status=f.status, summary=f.summary, count=f.count,
                first=local(f.first_time, tz) if f.first_time else None,
                last=local(f.last_time, tz) if f.last_time else None,
                attribution=f.attribution, statutes=statutes, excerpts=excerpts,
            ))
        evidence = list(s.scalars(select(Evidence).where(Evidence.case_id == case_id).order_by(Evidence.id)))
        head = s.scalar(select(LedgerEntry).where(LedgerEntry.case_id == case_id)
                        .order_by(LedgerEntry.seq.desc()).limit(1))
        has_rec = any(e.media_type.startswith("audio/") for e in evidence) or kinds.get("recording", 0) > 0
        answers = _answers(s, case_id)
        finance = _finance_lenders(s, case_id)
        return CaseFacts(
            case_id=case.id, title=case.title, timezone=tz, is_demo=case.is_demo,
            debtor_name=debtor.name if debtor else None, debtor_phone=debtor_phone,
            events_total=sum(kinds.values()), events_by_kind=dict(kinds),
            first_event=local(first, tz) if first else None, last_event=local(last, tz) if last else None,
            findings=views, contacts=contacts,
            third_parties=sorted(((name, num) for num, name in reached.items())),
            collector_numbers=sorted(((n, len(ids)) for n, ids in numbers.items()), key=lambda x: (-x[1], x[0])),
            evidence=evidence, ledger_head=head.entry_hash if head else "",
            ledger_entries=head.seq if head else 0,
            finance_lenders=finance, answers=answers, has_recordings=has_rec,
            evidence_rows=evidence_rows(s, case_id, tz, evidence), evidence_purposes=purposes,
        )


SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


def group_findings(views: list[FindingView]) -> list[FindingView]:
    """One entry per (rule, label): counts added, period widened, excerpts merged in time order.

    The analysis stores one finding per rule, label and number; a letter reads better with
    one paragraph per kind of conduct."""
    groups: dict[tuple[str, str | None], list[FindingView]] = {}
    for v in views:
        groups.setdefault((v.rule_id, v.label), []).append(v)
    out: list[FindingView] = []
    for items in groups.values():
        head = items[0]
        excerpts: dict[int, Excerpt] = {}
        statutes: list[Statute] = []
        for v in items:
            for e in v.excerpts:
                excerpts.setdefault(e.event_id, e)
            statutes += [st for st in v.statutes if st not in statutes]
        firsts = [v.first for v in items if v.first is not None]
        lasts = [v.last for v in items if v.last is not None]
        who = [v.attribution for v in items if v.attribution]
        out.append(FindingView(
            id=head.id, rule_id=head.rule_id, label=head.label, title=head.title, label_name=head.label_name,
            severity=min((v.severity for v in items), key=lambda x: SEVERITY_ORDER.get(x, 3)),
            status="confirmed" if any(v.status == "confirmed" for v in items) else head.status,
            summary=head.summary if len(items) == 1 else "",
            count=sum(v.count for v in items),
            first=min(firsts) if firsts else None, last=max(lasts) if lasts else None,
            attribution="、".join(dict.fromkeys(who)) or None, statutes=statutes,
            excerpts=sorted(excerpts.values(), key=lambda e: e.when),
        ))
    out.sort(key=lambda v: (SEVERITY_ORDER.get(v.severity, 3), v.first or dt.datetime.max.replace(tzinfo=dt.UTC)))
    return out


_CHUNK = 5000  # ids per IN (...) list: far below SQLite's bound-parameter limit


def _spans(f: Finding) -> dict[int, list[tuple[int, int]]]:
    """event id -> highlighted spans, in the finding's reference order."""
    out: dict[int, list[tuple[int, int]]] = {}
    for r in f.evidence_refs or []:
        if not isinstance(r, dict) or r.get("event_id") is None:
            continue
        lst = out.setdefault(int(r["event_id"]), [])
        span = r.get("span")
        if isinstance(span, list | tuple) and len(span) == 2:
            lst.append((int(span[0]), int(span[1])))
    return out


def _light_events(s: Session, ids: set[int]) -> dict[int, tuple[str, str | None, str | None, int | None]]:
    out: dict[int, tuple[str, str | None, str | None, int | None]] = {}
    todo = sorted(ids)
    for i in range(0, len(todo), _CHUNK):
        for eid, direction, raw, e164, evidence_id in s.execute(
            select(Event.id, Event.direction, Event.counterpart_raw, Event.counterpart_e164, Event.evidence_id)
            .where(Event.id.in_(todo[i:i + _CHUNK]))
        ):
            out[eid] = (direction, raw, e164, evidence_id)
    return out


def _full_events(s: Session, ids: set[int]) -> dict[int, Event]:
    out: dict[int, Event] = {}
    todo = sorted(ids)
    for i in range(0, len(todo), _CHUNK):
        out.update((e.id, e) for e in s.scalars(select(Event).where(Event.id.in_(todo[i:i + _CHUNK]))))
    return out


def _is_third_party(f: Finding) -> bool:
    return f.rule_id in THIRD_PARTY_RULES or (f.label or "") in THIRD_PARTY_LABELS


def _statutes(book: Rulebook, ids: list[str], first: dt.date | None, last: dt.date | None) -> list[Statute]:
    out = []
    for sid in ids:
        st = book.statutes.get(sid)
        if st is not None and in_force_between(st, first, last):
            out.append(st)
    return out


def in_force_between(st: Statute, first: dt.date | None, last: dt.date | None) -> bool:
    """True if the statute was in force on some day of [first, last] (``None``: today)."""
    if first is None or last is None:
        return st.in_force(None)
    if st.effective_from is not None and last < st.effective_from:
        return False
    return not (st.effective_to is not None and first > st.effective_to)


def _contacts(s: Session, case_id: str) -> list[tuple[str, list[str]]]:
    rows = s.execute(
        select(Party.id, Party.name, Phone.raw, Phone.e164)
        .outerjoin(Phone, Phone.party_id == Party.id)
        .where(Party.case_id == case_id, Party.role.in_(("contact", "guarantor")))
        .order_by(Party.id)
    ).all()
    out: dict[int, tuple[str, list[str]]] = {}
    for pid, name, raw, e164 in rows:
        entry = out.setdefault(pid, (name or "", []))
        for v in (raw, e164):
            if v and v not in entry[1]:
                entry[1].append(v)
    return list(out.values())


def _answers(s: Session, case_id: str) -> dict[str, Any]:
    from dunguard.act.models import Answer

    return {a.key: a.value for a in s.scalars(select(Answer).where(Answer.case_id == case_id))}


def _finance_lenders(s: Session, case_id: str) -> list[LenderFact]:
    try:
        from dunguard.finance.models import Loan
    except ImportError:  # pragma: no cover - finance ships with the package
        return []
    if not inspect(s.get_bind()).has_table(Loan.__tablename__):
        return []
    out = []
    for loan in s.scalars(select(Loan).where(Loan.case_id == case_id).order_by(Loan.created_at)):
        out.append(LenderFact(
            name=loan.lender, type=loan.lender_type, amount=f"{loan.principal_fen / 100:.2f}",
            loan_date=loan.start.isoformat(), source="finance"))
    return out


_SIGNATURE = re.compile(r"^【([^】]{2,20})】")
_OVERDUE = re.compile(r"逾期\s*(\d{1,4})\s*天")
_NOT_LENDER = ("法院", "公安", "检察", "派出所", "律师", "移动", "联通", "电信", "政府")
_DEBT_WORDS = ("还款", "逾期", "借款", "欠款", "账单", "应还")


def suggest_lender_names(home: Home, case_id: str) -> list[str]:
    """SMS signatures (【…】) on messages about a debt, most frequent first (a proposal only)."""
    seen: Counter[str] = Counter()
    with home.store.session() as s:
        for (text,) in s.execute(select(Event.text).where(Event.case_id == case_id, Event.direction == "in",
                                                          Event.text.is_not(None))):
            body = text or ""
            m = _SIGNATURE.match(body)
            if m and any(w in body for w in _DEBT_WORDS) and not any(w in m.group(1) for w in _NOT_LENDER):
                seen[m.group(1)] += 1
    return [n for n, _ in seen.most_common()]


def suggest_overdue_days(home: Home, case_id: str) -> int | None:
    """The days overdue the latest debt message states ("已逾期N天"), if any (a proposal)."""
    with home.store.session() as s:
        rows = s.execute(select(Event.text).where(Event.case_id == case_id, Event.text.like("%逾期%"))
                         .order_by(Event.time_utc.desc()).limit(50)).all()
    for (text,) in rows:
        m = _OVERDUE.search(text or "")
        if m:
            return int(m.group(1))
    return None
