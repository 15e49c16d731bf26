"""``analyze_case``: every event of a case → a short list of findings a lawyer can check.

One call, one transaction (``home.transaction``: nothing changes unless all of it does):

1. **Read** the case: its time zone, parties (debtor, contacts, lenders / collectors) and
   their phones, and every event (streamed, reduced to :class:`~dunguard.analyze.behaviour.Row`).
2. **Text**: every incoming text-bearing event (SMS, MMS, chat, OCR, diary) goes through the
   rule-based text detector ``scan_text`` (owned by ``analyze/text``), with the addressee
   (``contact`` for evidence from a contact's phone) and the local time, so statute versions
   follow the event date.
3. **Who**: a counterpart is a *collector* — from its first collection message on — if it
   sent collection content (a text finding, or wording about an overdue / unpaid debt), was
   logged in the diary, or is a lender / collector party's phone (always).  Collector numbers
   are linked into lender groups: numbers sharing a 【签名】 or platform name, a message
   template, or a call-back number written in a message (never joining two differently
   named lenders; see :mod:`dunguard.analyze.attribution`).  Evidence whose
   ``Evidence.extra["owner_role"]`` is ``contact`` (family, friend, colleague …) came from a
   third party's phone: its texts are scanned with ``addressee="contact"``.
4. **Behaviour** detectors (:mod:`dunguard.analyze.behaviour`) run over the rows.
5. **Findings**: text findings are grouped one per label × lender group (a lawyer reads
   "【XX】 sent 7 threatening messages", each message listed with its exact span);
   behaviour hits one per rule × group.  Each finding's ``fingerprint`` is
   sha256(rule | label | group), so re-running updates the same row: the user's status
   (confirmed / dismissed) and note survive; findings this run did not produce are marked
   ``stale``, never deleted.  When a group's key changes (a number later linked to a named
   lender), a new finding inherits the status and note of the stale one it replaces
   (same rule and label, overlapping evidence).
6. **Ledger**: one ``analyze`` entry with the counts.

Severity (a reading aid, not a legal grade; see :data:`SEVERITY`): **high** for threats
to safety, impersonation of authorities and anything that reaches or is disclosed to third
parties; **medium** for frequency, night-time contact, bursts, repeated abuse, contact after
a stop request and threatened visits; **low** for the rest (insults, false legal
threats, induced borrowing, extra fees, number rotation).  Confidence: rule findings are
1.0 (text rules are deterministic).

Model suggestions (:mod:`dunguard.analyze.model`) never become findings by themselves: for
each text event (incoming SMS / MMS / chat / OCR, and messages from a contact's phone) the
model proposes labels the rules did not find, stored as ``suggested`` rows in
``event_labels`` (:mod:`dunguard.analyze.suggestions`) for the user to confirm.  A row the
user *confirmed* is fed back here as an ordinary text hit of that label (rule = the label's
rule, span = the strongest cue, source ``user``), so it becomes a finding through the same
code, its summary saying so; a *dismissed* row is never proposed again.

Summaries never overstate: they say "可能违反" for law and regulator rules, and present
industry standards / self-regulation (strength S) as "行业标准/自律规范的要求", not law.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import BigInteger, Integer, cast, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from dunguard.analyze import attribution as attr_mod
from dunguard.analyze import suggestions as sugg_mod
from dunguard.analyze.behaviour import Hit, Row
from dunguard.analyze.behaviour import attempts as b_attempts
from dunguard.analyze.behaviour import burst as b_burst
from dunguard.analyze.behaviour import calls as b_calls
from dunguard.analyze.behaviour import night as b_night
from dunguard.analyze.behaviour import repeated as b_repeated
from dunguard.analyze.behaviour import rotation as b_rotation
from dunguard.analyze.behaviour import stop as b_stop
from dunguard.analyze.behaviour import third_party as b_third
from dunguard.analyze.finding_facts import FindingFacts
from dunguard.analyze.rulebook import Rulebook, Statute
from dunguard.analyze.rulebook import load as load_rulebook
from dunguard.analyze.text.scanner import SENDER_CONTEXT
from dunguard.errors import NotFoundError
from dunguard.home import Home
from dunguard.i18n import t
from dunguard.models import Case, Event, Evidence, Finding, Party, Phone
from dunguard.phones import normalize
from dunguard.timeutil import utcnow

__all__ = [
    "BEHAVIOUR_LABELS",
    "MAX_REFS",
    "SEVERITY",
    "AnalysisSummary",
    "TextHit",
    "analyze_case",
    "case_filter",
    "cite_compact",
    "display_number",
    "epoch_seconds",
    "fingerprint",
    "render_summary",
]

TEXT_KINDS = frozenset({"sms", "mms", "chat", "ocr", "diary"})
SUGGEST_KINDS = frozenset({"sms", "mms", "chat", "ocr"})  # texts the suggestion model reads (not the diary)
MAX_REFS = 5000  # evidence refs stored per finding (``count`` always holds the full number)
SEQUENTIAL_MIN_EVENTS = 50_000  # cases this large are read sequentially on SQLite (case_filter)
ATTRIBUTION_SAMPLE = 50  # collection texts per number read for 【签名】 / platform / template votes
THIRD_PARTY_OWNER_ROLES = frozenset({"contact", "third_party", "family", "friend", "colleague", "employer"})
DEBTOR_ROLES = frozenset({"debtor", "guarantor"})
COLLECTOR_ROLES = frozenset({"lender", "collector"})

# label → severity; see the module docstring for the reasoning
SEVERITY: dict[str, str] = {
    "threat_violence": "high",
    "impersonation": "high",
    "third_party_contact": "high",
    "threat_contacts": "high",
    "debt_disclosure": "high",
    "third_party_reached": "high",
    "night_contact": "medium",
    "call_frequency": "medium",
    "call_attempts": "medium",
    "burst": "medium",
    "repeated_abuse": "medium",
    "contact_after_stop": "medium",
    "threat_visit": "medium",
    "insult": "low",
    "false_legal_threat": "low",
    "induce_borrowing": "low",
    "extra_fees": "low",
    "number_rotation": "low",
}
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}
# statutes a rule cites that apply only under a condition the events cannot show; the summary
# states the condition instead of "可能违反" (T8: 治安管理处罚法第五十条第二款 needs a police
# no-contact order, see the rule's explanation in the rulebook)
CONDITIONAL_BASIS: dict[str, dict[str, str]] = {"T8": {"psl2025_50": "if_police_order"}}
BEHAVIOUR_LABELS = (
    "night_contact", "call_frequency", "call_attempts", "burst", "number_rotation",
    "contact_after_stop", "third_party_reached", "repeated_abuse",
)

# wording that makes an incoming message collection of an overdue debt (with no text finding
# needed).  Deliberately without 还款 / 借款 / 应还: a bill statement or a due-date reminder
# ("本期还款日为…") is not collection, and a lender only becomes a collector for T1–T3 once one
# of its numbers chases an overdue or unpaid debt.
_DEBT_CUE = re.compile(r"(逾期|欠款|欠钱|欠债|还钱|催收|催缴|催款|拖欠|未还|不还|债务|追讨|清偿)")
# a contact saved under a name like "催收" / "XX贷" is a collector, not a friend
_COLLECTOR_NAME = re.compile(r"(催收|催债|网贷|贷款|借款|法务|贷$|借$|客服)")


# -------------------------------------------------------------------------- text adapter


@dataclass(frozen=True, slots=True)
class TextHit:
    """One text finding, as the engine needs it (adapter over ``scan_text`` results).

    ``source`` is ``rule`` for the text rules and ``user`` for a model suggestion the user
    confirmed (:mod:`dunguard.analyze.suggestions`).
    """

    label: str
    rule: str
    span: tuple[int, int]
    basis: tuple[str, ...] = ()
    source: str = "rule"
    # context cues the rule relied on that the message itself lacks ("debt": the number had
    # already sent collection messages); () when the message stands on its own
    context: tuple[str, ...] = ()


class TextScanner(Protocol):
    def __call__(self, text: str, *, addressee: str | None, time: dt.date | None,
                 context: frozenset[str] = ...) -> list[TextHit]: ...


def _field(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, Mapping) else getattr(obj, name, None)


def default_text_scanner() -> TextScanner | None:
    """Adapter over ``dunguard.analyze.text``'s ``scan_text`` (None when not installed)."""
    try:
        from dunguard.analyze.text.scanner import scan_text
    except ImportError:  # pragma: no cover - the text half ships with the package
        return None

    def scan(text: str, *, addressee: str | None, time: dt.date | None,
             context: frozenset[str] = frozenset()) -> list[TextHit]:
        result = scan_text(text, addressee=addressee, time=time, context=context)
        hits = []
        for f in _field(result, "findings") or ():
            span = _field(f, "span")
            hits.append(TextHit(str(_field(f, "label")), str(_field(f, "rule")),
                                (int(span[0]), int(span[1])), tuple(_field(f, "basis") or ()),
                                context=tuple(_field(f, "context") or ())))
        return hits

    return scan


class Suggester(Protocol):
    """The suggestion model's interface (:class:`dunguard.analyze.model.Model`)."""

    def suggest(self, text: str, addressee: str | None = None, exclude: Iterable[str] = ()) -> Sequence[Any]: ...


class _SuggestionReader:
    """Per text event: the model's proposals beyond the rules' labels, and the user's
    confirmed suggestions fed back as ordinary text hits (source ``user``).

    The model caches its result per distinct text, so a template sent 10,000 times is
    scored once.
    """

    def __init__(self, model: Suggester | None, decided: Mapping[int, Mapping[str, Any]], book: Rulebook) -> None:
        self.model = model
        self.decided = decided
        self.book = book
        self.proposals: list[sugg_mod.Proposal] = []
        self.confirmed_used = 0

    def read(self, ev_id: int, text: str, addressee: str | None, hits: list[TextHit], on: dt.date) -> list[TextHit]:
        found = {h.label for h in hits} if hits else set()
        mine = self.decided.get(ev_id)
        if mine:
            for label, row in sorted(mine.items()):
                if row.status != "confirmed" or label in found or label not in self.book.labels:
                    continue
                rule = self.book.labels[label].rule
                hits = [*hits, TextHit(label, rule, sugg_mod.strongest_cue(row, len(text)),
                                       tuple(self.book.basis_ids(rule, on)) if rule in self.book.rules else (),
                                       source="user")]
                found.add(label)
                self.confirmed_used += 1
        if self.model is not None:
            for sug in self.model.suggest(text, addressee, found):
                if mine and sug.label in mine:
                    continue  # decided: confirmed rows are hits above, dismissed ones never come back
                self.proposals.append(sugg_mod.Proposal(ev_id, sug.label, float(sug.score), tuple(sug.cues)))
        return hits


# -------------------------------------------------------------------------- results


@dataclass
class AnalysisSummary:
    case_id: str
    events: int = 0
    scanned: int = 0
    text_detector: bool = True
    findings: int = 0  # current (non-stale) findings
    new: int = 0
    updated: int = 0
    stale: int = 0
    suggested: int = 0  # open model suggestions for the user to confirm (analyze/suggestions.py)
    by_label: dict[str, int] = field(default_factory=dict)
    by_severity: dict[str, int] = field(default_factory=dict)
    by_rule: dict[str, int] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)
    groups: list[dict[str, Any]] = field(default_factory=list)  # lender groups and their numbers
    bursts: list[dict[str, Any]] = field(default_factory=list)  # largest bursts (see behaviour.burst)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "events": self.events,
            "scanned": self.scanned,
            "text_detector": self.text_detector,
            "findings": self.findings,
            "new": self.new,
            "updated": self.updated,
            "stale": self.stale,
            "suggested": self.suggested,
            "by_label": dict(self.by_label),
            "by_severity": dict(self.by_severity),
            "by_rule": dict(self.by_rule),
            "by_status": dict(self.by_status),
            "groups": list(self.groups),
            "bursts": list(self.bursts),
            "seconds": round(self.seconds, 3),
        }

    # mapping protocol: ``dict(summary)`` works like ``summary.as_dict()``
    def keys(self) -> list[str]:
        return list(self.as_dict())

    def __getitem__(self, key: str) -> Any:
        return self.as_dict()[key]


@dataclass
class _Draft:
    rule_id: str
    label: str
    group: str
    refs: list[tuple[int, tuple[int, int] | None]] = field(default_factory=list)  # text: (event, span)
    ids: list[int] = field(default_factory=list)  # behaviour: events (no span)
    facts: dict[str, Any] = field(default_factory=dict)
    severity: str = "medium"
    confidence: float = 1.0
    count: int = 0
    first_ts: int | None = None
    last_ts: int | None = None
    basis: list[str] = field(default_factory=list)


def fingerprint(rule_id: str, label: str, group: str) -> str:
    """Stable identity of a finding across re-runs."""
    return hashlib.sha256(f"{rule_id}\x1f{label}\x1f{group}".encode()).hexdigest()


# -------------------------------------------------------------------------- case facts


@dataclass
class _CaseFacts:
    zone: ZoneInfo
    debtor_numbers: set[str]
    contacts: dict[str, str]  # number key → contact name
    party_lenders: dict[str, str]  # number key → lender / collector party name
    contact_evidence: set[int]  # evidence ids taken from a contact's phone
    number_kinds: dict[str, str | None]
    attributions: dict[str, list[attr_mod.Attribution]] = field(default_factory=lambda: defaultdict(list))


def _key(raw: str | None, e164: str | None) -> str | None:
    if e164:
        return e164
    if raw:
        return normalize(raw).key or None
    return None


def _case_facts(session: Session, case_id: str) -> _CaseFacts:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFoundError("error.case.not_found", ref=case_id)
    zone = ZoneInfo(case.timezone or "Asia/Shanghai")
    debtor: set[str] = set()
    contacts: dict[str, str] = {}
    lenders: dict[str, str] = {}
    rows = session.execute(
        select(Party.role, Party.name, Phone.raw, Phone.e164)
        .join(Phone, Phone.party_id == Party.id)
        .where(Party.case_id == case_id)
    ).all()
    for role, name, raw, e164 in rows:
        k = _key(raw, e164)
        if not k:
            continue
        if role in DEBTOR_ROLES:
            debtor.add(k)
        elif role in COLLECTOR_ROLES:
            lenders[k] = name or k
        elif role == "contact":
            if name and _COLLECTOR_NAME.search(name):
                continue
            contacts.setdefault(k, name or k)
    for k in debtor:
        contacts.pop(k, None)
    contact_ev: set[int] = set()
    for ev_id, extra in session.execute(select(Evidence.id, Evidence.extra).where(Evidence.case_id == case_id)):
        if isinstance(extra, dict) and extra.get("owner_role") in THIRD_PARTY_OWNER_ROLES:
            contact_ev.add(ev_id)
    kinds: dict[str, str | None] = {}
    try:
        from dunguard.ingest.models import NumberInfo

        for k, kind in session.execute(select(NumberInfo.key, NumberInfo.kind).where(NumberInfo.case_id == case_id)):
            kinds[k] = kind
    except ImportError:  # pragma: no cover - ingest ships with the package
        pass
    return _CaseFacts(zone, debtor, contacts, lenders, contact_ev, kinds)


def case_filter(session: Session, case_id: str) -> ColumnElement[bool]:
    """``events.case_id = ?``, written so that SQLite reads a large case sequentially.

    Through the ``(case_id, …)`` indexes SQLite fetches every row of the case at random, about
    three times slower than one sequential pass over the table when the case holds most of
    it (measured on a million events).  A small case among many keeps the index.
    """
    if session.get_bind().dialect.name != "sqlite":
        return Event.case_id == case_id
    in_case = session.scalar(select(func.count()).select_from(Event).where(Event.case_id == case_id)) or 0
    if in_case < SEQUENTIAL_MIN_EVENTS:
        return Event.case_id == case_id
    everything = session.scalar(select(func.max(Event.id))) or 0
    if in_case * 3 >= everything:
        return Event.case_id.concat("") == case_id
    return Event.case_id == case_id


def epoch_seconds(session: Session) -> ColumnElement[int]:
    """``events.time_utc`` as integer epoch seconds, computed by the database (no per-row parsing)."""
    if session.get_bind().dialect.name == "sqlite":
        import sqlite3

        if sqlite3.sqlite_version_info >= (3, 38, 0):
            return cast(func.unixepoch(Event.time_utc), Integer)  # ~30 % faster than strftime('%s')
        return cast(func.strftime("%s", Event.time_utc), Integer)
    return cast(func.floor(func.extract("epoch", Event.time_utc)), BigInteger)


class _LocalClock:
    """Epoch seconds → (local day ordinal, minute of day), cached per UTC hour."""

    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone
        self._offsets: dict[int, int] = {}

    def offset(self, ts: int) -> int:
        hour = ts // 3600
        off = self._offsets.get(hour)
        if off is None:
            moment = dt.datetime.fromtimestamp(hour * 3600, dt.UTC).astimezone(self.zone)
            delta = moment.utcoffset()
            off = int(delta.total_seconds()) if delta is not None else 0
            self._offsets[hour] = off
        return off

    def local(self, ts: int) -> tuple[int, int]:
        lt = ts + self.offset(ts)
        days, secs = divmod(lt, 86400)
        return days + 719163, secs // 60  # 719163 = date(1970, 1, 1).toordinal()



class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        parent = self.parent
        parent.setdefault(x, x)
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            if rb < ra:
                ra, rb = rb, ra
            self.parent[rb] = ra


# -------------------------------------------------------------------------- the analysis


def analyze_case(
    home: Home,
    case_id: str,
    *,
    actor: str = "cli",
    scanner: TextScanner | None = None,
    rulebook: Rulebook | None = None,
    model: Suggester | bool | None = True,
) -> AnalysisSummary:
    """Analyse the whole case and store its findings (one transaction); see the module doc.

    ``model``: the suggestion model (True = the shipped one, False / None = no suggestions).
    """
    started = time.perf_counter()
    gc_was_enabled = gc.isenabled()
    gc.disable()  # a million small acyclic objects: cyclic GC passes would dominate the run time
    try:
        if model is True:
            from dunguard.analyze.model import load_model

            suggester: Suggester | None = load_model(rulebook.jurisdiction if rulebook is not None else "cn")
        else:
            suggester = model or None
        return _analyze(home, case_id, actor, scanner, rulebook, started, suggester)
    finally:
        if gc_was_enabled:
            gc.enable()


def _analyze(
    home: Home,
    case_id: str,
    actor: str,
    scanner: TextScanner | None,
    rulebook: Rulebook | None,
    started: float,
    suggester: Suggester | None = None,
) -> AnalysisSummary:
    book = rulebook or load_rulebook("cn")
    scan = scanner or default_text_scanner()
    summary = AnalysisSummary(case_id=case_id, text_detector=scan is not None)
    with home.store.session() as s:
        if s.get(Case, case_id) is None:  # before the transaction: it would create the case folder
            raise NotFoundError("error.case.not_found", ref=case_id)
    with home.transaction(case_id, actor=actor) as tx:
        session = tx.session
        facts = _case_facts(session, case_id)
        clock = _LocalClock(facts.zone)
        decided = sugg_mod.decisions(session, case_id)
        reader = _SuggestionReader(suggester, decided, book)
        rows, text_hits, lender_votes, templates, scanned = _load_rows(session, case_id, facts, clock, scan, reader)
        stored = sugg_mod.store_proposals(session, case_id, reader.proposals, decided)
        summary.suggested = stored["suggested"]
        summary.events = len(rows)
        summary.scanned = scanned
        names = _assign_groups(rows, facts, lender_votes, templates)
        drafts = _text_drafts(rows, text_hits, book)
        drafts += _behaviour_drafts(rows, book, facts, set(names))
        summary.groups = _group_table(rows, names, facts.attributions, drafts)
        summary.bursts = _bursts(rows, names)
        index = {r.id: k for k, r in enumerate(rows)}
        for d in drafts:
            _finish_draft(d, index, rows, book)
        del index
        display = {g: names.get(g) or _display_group(g) for g in {d.group for d in drafts}}
        _store(session, case_id, drafts, display, summary, book)
        tx.log(
            "analyze",
            None,
            {
                "events": summary.events,
                "scanned": summary.scanned,
                "findings": summary.findings,
                "new": summary.new,
                "updated": summary.updated,
                "stale": summary.stale,
                "by_rule": summary.by_rule,
                "rulebook": book.jurisdiction,
                "text_detector": summary.text_detector,
                "suggested": summary.suggested,
                "confirmed_suggestions": reader.confirmed_used,
            },
        )
    summary.seconds = time.perf_counter() - started
    return summary


def _load_rows(
    session: Session,
    case_id: str,
    facts: _CaseFacts,
    clock: _LocalClock,
    scan: TextScanner | None,
    reader: _SuggestionReader | None = None,
) -> tuple[list[Row], dict[int, list[TextHit]], dict[str, Counter[str]], dict[str, set[str]], int]:
    """Stream the events into Rows; run the text scanner (and the suggestion model) on incoming texts."""
    stmt = (
        select(
            Event.id, Event.kind, Event.direction, epoch_seconds(session), Event.counterpart_e164, Event.counterpart_raw,
            Event.channel, Event.text, Event.duration_s, Event.call_status, Event.evidence_id, Event.number_kind,
        )
        .where(case_filter(session, case_id))
        .order_by(Event.time_utc, Event.id)
    )
    rows: list[Row] = []
    text_hits: dict[int, list[TextHit]] = {}
    lender_votes: dict[str, Counter[str]] = defaultdict(Counter)
    templates: dict[str, set[str]] = defaultdict(set)
    interned: dict[str, str] = {}
    contacts = facts.contacts
    debtor = facts.debtor_numbers
    party_lenders = facts.party_lenders
    contact_ev = facts.contact_evidence
    scanned = 0
    number_kinds = facts.number_kinds
    sampled: Counter[str] = Counter()
    dates: dict[int, dt.date] = {}
    details = facts.attributions
    shared: dict[Any, Any] = {}  # one object per distinct kind / direction / status / day / minute
    # numbers that already sent collection messages (a lender party's numbers from the start):
    # their later texts are read as being about the debt even when they do not say so
    # ("晚上走夜路小心点，别被车撞了" from a number that demanded repayment yesterday)
    known_collectors: set[str] = set(party_lenders) - set(debtor)
    for (ev_id, kind, direction, ts, e164, raw, channel, text, duration, status, evidence_id,
         number_kind) in session.connection().execute(stmt.execution_options(yield_per=20_000)):
        ts = int(ts)
        day, minute = clock.local(ts)
        day = shared.setdefault(day, day)
        minute = shared.setdefault(minute, minute)
        kind = shared.setdefault(kind, kind)
        direction = shared.setdefault(direction, direction)
        status = shared.setdefault(status, status)
        channel = shared.setdefault(channel, channel)
        number = e164 or (_key(raw, None) if raw and kind == "diary" else None)
        if number is not None:
            number = interned.setdefault(number, number)
            if number_kind and number_kinds.get(number) is None:
                number_kinds[number] = number_kind
        contact = contacts.get(number) if number else None
        row = Row(
            ev_id, kind, direction, ts, day, minute, number, None, status, duration, channel,
            text if kind in TEXT_KINDS else None, False, contact,
            evidence_id in contact_ev if evidence_id is not None else False,
        )
        is_debtor = number is not None and number in debtor
        collector = False
        if number in party_lenders:
            collector = True
        if kind == "diary" and direction != "out":
            collector = contact is None and not is_debtor  # the borrower's own log of a collection contact
        if row.text and direction != "out" and kind in TEXT_KINDS and not is_debtor:
            hits: list[TextHit] = []
            if scan is not None:
                addressee = "contact" if row.from_contact_device else None
                on = dates.get(day)
                if on is None:
                    on = dates[day] = dt.date.fromordinal(day)
                known = number is not None and number in known_collectors and contact is None
                hits = scan(row.text, addressee=addressee, time=on, context=SENDER_CONTEXT if known else frozenset())
                scanned += 1
            if reader is not None and kind in SUGGEST_KINDS and (contact is None or row.from_contact_device):
                hits = reader.read(ev_id, row.text, "contact" if row.from_contact_device else None, hits,
                                   dates.get(day) or dt.date.fromordinal(day))
            if hits:
                text_hits[ev_id] = hits
                row.labels = tuple(sorted({h.label for h in hits}))
            if contact is None and (hits or _DEBT_CUE.search(row.text)) and kind != "diary":
                collector = True
                if number is not None and sampled[number] < ATTRIBUTION_SAMPLE:
                    sampled[number] += 1
                    a = attr_mod.extract(row.text)
                    if a.lender:
                        lender_votes[number][a.lender] += 1
                    if a.amounts or a.days_overdue is not None or a.claimed_authority or a.platforms:
                        details[number].append(a)
                    tk = attr_mod.template_key(row.text)
                    if tk is not None:
                        templates[tk].add(number)
                    for written in a.numbers:  # "请回电 170…": the sender and that number are one collector
                        other = normalize(written).key
                        if other and other != number:
                            templates[f"mention:{number}:{other}"].update((number, other))
        row.collector = collector and contact is None and not is_debtor
        if row.collector and number is not None:
            known_collectors.add(number)
        if row.text is not None and direction != "out" and kind != "diary" and contact is None and not (
            channel or ""
        ).startswith("notice"):
            row.text = None  # scanned; later detectors only read debtor's, diary and contacts' texts
        rows.append(row)
    # a number is a collector from its first collection event on (a bill statement or due-date
    # reminder sent before the debt was overdue is not collection); lender parties' numbers always
    since: dict[str, int] = {}
    for r in rows:  # rows are in time order: the first hit per number is the earliest
        if r.collector and r.number is not None and r.number not in since:
            since[r.number] = r.ts
    for k in party_lenders:
        if k not in debtor:
            since[k] = -(2**62)
    for r in rows:
        if not r.collector and r.number is not None and r.contact is None:
            first = since.get(r.number)
            if first is not None and r.ts >= first:
                r.collector = True
    return rows, text_hits, lender_votes, templates, scanned


def _assign_groups(
    rows: list[Row],
    facts: _CaseFacts,
    lender_votes: dict[str, Counter[str]],
    templates: dict[str, set[str]],
) -> dict[str, str]:
    """Set ``Row.group`` for collector rows; return group key → lender name (named groups)."""
    uf = _UnionFind()
    numbers = {r.number for r in rows if r.collector and r.number is not None}
    for n in numbers:
        uf.find(n)
    by_name: dict[str, list[str]] = defaultdict(list)
    for n in numbers:
        votes = lender_votes.get(n)
        if votes:
            by_name[votes.most_common(1)[0][0]].append(n)
        if n in facts.party_lenders:
            by_name[facts.party_lenders[n]].append(n)
    for members in by_name.values():
        for other in members[1:]:
            uf.union(members[0], other)
    # a shared template (or a call-back number written in a message) links numbers only when it
    # does not join two differently named lenders (a generic threat copied by many collectors
    # says nothing about who sent it)
    named: dict[str, set[str]] = defaultdict(set)
    for name, members in by_name.items():
        named[uf.find(members[0])].add(name)
    for members_set in templates.values():
        members = sorted(m for m in members_set if m in numbers)
        for other in members[1:]:
            ra, rb = uf.find(members[0]), uf.find(other)
            if ra == rb:
                continue
            if named.get(ra) and named.get(rb) and not (named[ra] & named[rb]):
                continue
            uf.union(ra, rb)
            root = uf.find(ra)
            merged = named.pop(ra, set()) | named.pop(rb, set())
            if merged:
                named[root] = merged
    component_votes: dict[str, Counter[str]] = defaultdict(Counter)
    for n in numbers:
        root = uf.find(n)
        component_votes[root].update(lender_votes.get(n, Counter()))
        if n in facts.party_lenders:
            component_votes[root][facts.party_lenders[n]] += 1000
    group_of: dict[str, str] = {}
    names: dict[str, str] = {}
    for n in numbers:
        root = uf.find(n)
        votes = component_votes[root]
        if votes:
            name = sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
            key = f"lender:{name}"
            names[key] = name
        else:
            key = f"number:{root}"
        group_of[n] = key
    for r in rows:
        if r.collector:
            r.group = group_of.get(r.number, "unknown") if r.number is not None else "unknown"
    return names


def display_number(key: str) -> str:
    """+8613812345678 → 13812345678, +862112345678 → 02112345678 (as people write them)."""
    if key.startswith("+861") and len(key) == 14:
        return key[3:]
    if key.startswith("+86") and len(key) > 6:
        return "0" + key[3:]
    return key


def _display_group(group: str) -> str:
    if group.startswith(("number:", "lender:", "contact:")):
        return display_number(group.split(":", 1)[1])
    return t("engine.who.unknown")


def _group_table(
    rows: list[Row], names: dict[str, str], attributions: Mapping[str, list[attr_mod.Attribution]],
    drafts: list[_Draft],
) -> list[dict[str, Any]]:
    """Who is behind the findings: one entry per lender group (numbers, amounts, days overdue)."""
    per: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in rows:
        if r.group is not None and r.number is not None:
            per[r.group][r.number] += 1
    found: Counter[str] = Counter(d.group for d in drafts)
    out = []
    for g, nums in sorted(per.items(), key=lambda kv: (-sum(kv[1].values()), kv[0])):
        attrs = [a for n in nums for a in attributions.get(n, ())]
        amounts: list[str] = []
        for a in attrs:
            for amount in a.amounts:
                if amount not in amounts and len(amounts) < 5:
                    amounts.append(amount)
        days = [a.days_overdue for a in attrs if a.days_overdue is not None]
        out.append({
            "group": g,
            "name": names.get(g) or _display_group(g),
            "numbers": [display_number(n) for n in sorted(nums)],
            "events": sum(nums.values()),
            "findings": found.get(g, 0),
            "platforms": sorted({p for a in attrs for p in a.platforms})[:5],
            "claimed_authorities": sorted({a.claimed_authority for a in attrs if a.claimed_authority})[:5],
            "amounts": amounts,
            "max_days_overdue": max(days) if days else None,
        })
    return out


def _bursts(rows: list[Row], names: dict[str, str], top: int = 20) -> list[dict[str, Any]]:
    """The largest bursts of contact (reported in the summary; findings only with a ``burst`` rule)."""
    found = sorted(b_burst.find_bursts(rows), key=lambda b: (-len(b.event_ids), b.start))[:top]
    return [
        {"group": b.group, "name": names.get(b.group) or _display_group(b.group), "count": len(b.event_ids),
         "start": dt.datetime.fromtimestamp(b.start, dt.UTC).isoformat(),
         "end": dt.datetime.fromtimestamp(b.end, dt.UTC).isoformat(), "event_ids": list(b.event_ids[:50])}
        for b in found
    ]


def _text_drafts(rows: list[Row], text_hits: dict[int, list[TextHit]], book: Rulebook) -> list[_Draft]:
    drafts: dict[tuple[str, str, str], _Draft] = {}
    by_id = {r.id: r for r in rows if r.id in text_hits}
    for ev_id, hits in text_hits.items():
        row = by_id[ev_id]
        if row.contact is not None and not row.from_contact_device:
            continue  # a contact's own words: reported under T7 "third parties reached"
        group = row.group or (f"number:{row.number}" if row.number else "unknown")
        for h in hits:
            rule = h.rule if h.rule in book.rules else (book.labels[h.label].rule if h.label in book.labels else h.rule)
            k = (rule, h.label, group)
            d = drafts.get(k)
            if d is None:
                d = drafts[k] = _Draft(rule, h.label, group, severity=SEVERITY.get(h.label, "low"))
            if not d.refs or d.refs[-1][0] != ev_id:
                d.count += 1
            if h.source == "user":
                d.facts["user_confirmed"] = int(d.facts.get("user_confirmed", 0)) + 1
            if h.context:
                d.facts["sender_context"] = int(d.facts.get("sender_context", 0)) + 1
            d.refs.append((ev_id, h.span))
    return list(drafts.values())


def _behaviour_drafts(rows: list[Row], book: Rulebook, facts: _CaseFacts, named: set[str]) -> list[_Draft]:
    def params(rule: str) -> Mapping[str, Any]:
        return book.rules[rule].params if rule in book.rules else {}

    hits: list[Hit] = []
    runs: list[tuple[str, Callable[[], list[Hit]]]] = [
        ("T1", lambda: b_night.detect(rows, params("T1"))),
        ("T2", lambda: b_calls.detect(rows, params("T2"))),
        ("T3", lambda: b_attempts.detect(rows, params("T3"))),
        ("T14", lambda: b_rotation.detect(rows, params("T14"), facts.number_kinds, named)),
        ("T8", lambda: b_stop.detect(rows, params("T8"))),
        ("T7", lambda: b_third.detect(rows, params("T7"))),
        ("T4", lambda: b_repeated.detect(rows, params("T4"), book.rules["T4"].labels if "T4" in book.rules else ())),
        (b_burst.RULE, lambda: b_burst.detect(rows, params(b_burst.RULE))),
    ]
    for rule, run in runs:
        if rule in book.rules:  # a rulebook without the rule: the detector is not applied
            hits.extend(run())
    drafts = []
    for h in hits:
        d = _Draft(h.rule_id, h.label, h.group, facts=dict(h.facts),
                   severity=h.severity or SEVERITY.get(h.label, "medium"))
        d.ids = h.event_ids
        d.count = int(h.facts.get("count", len(set(h.event_ids))))
        drafts.append(d)
    return drafts


def _finish_draft(d: _Draft, index: Mapping[int, int], rows: list[Row], book: Rulebook) -> None:
    """Order the evidence by time; first/last time; basis with the statute versions in force
    on each event's local date.  ``index`` maps event id → position in ``rows`` (time order)."""
    if d.refs:
        keyed = [(index.get(i, -1), i, span) for i, span in d.refs]
        if any(keyed[j][0] > keyed[j + 1][0] for j in range(len(keyed) - 1)):
            keyed.sort(key=lambda k: (k[0], k[1], k[2] or (0, 0)))
        d.refs = [(i, span) for _, i, span in keyed]
        positions = [k for k, _, _ in keyed if k >= 0]
    else:
        positions = [index.get(i, -1) for i in d.ids]
        if any(positions[j] > positions[j + 1] for j in range(len(positions) - 1)):
            pairs = sorted(zip(positions, d.ids, strict=True))
            d.ids = [i for _, i in pairs]
            positions = [p for p, _ in pairs]
        positions = [p for p in positions if p >= 0]
    day_set = {rows[p].day for p in positions}
    if positions:
        d.first_ts = rows[positions[0]].ts
        d.last_ts = rows[positions[-1]].ts
        if "first_day" not in d.facts:
            d.facts["first_day"] = dt.date.fromordinal(min(day_set)).isoformat()
            d.facts["last_day"] = dt.date.fromordinal(max(day_set)).isoformat()
    days: list[int | None] = [*sorted(day_set)] or [None]
    basis: list[str] = []
    if d.rule_id in book.rules:
        for day in days:
            on = dt.date.fromordinal(day) if day is not None else None
            for sid in book.basis_ids(d.rule_id, on):
                if sid not in basis:
                    basis.append(sid)
        # a rule may cite different statutes per scope of the hit (T8: the debtor's own stop
        # request vs. a third party's refusal), chosen from its basis in rules.yaml
        by_scope = book.rules[d.rule_id].params.get("basis_by_scope")
        if isinstance(by_scope, Mapping) and d.facts.get("scope") in by_scope:
            allowed = set(by_scope[d.facts["scope"]])
            basis = [sid for sid in basis if sid in allowed]
    d.basis = basis


def _refs_json(d: _Draft) -> list[dict[str, Any]]:
    if d.refs:
        return [{"event_id": i, "span": list(span) if span is not None else None} for i, span in d.refs[:MAX_REFS]]
    return [{"event_id": i, "span": None} for i in d.ids[:MAX_REFS]]


def cite_compact(statutes: Iterable[Statute], lang: str | None = None, max_laws: int = 3) -> str:
    """《民法典》第一千零三十二条、第一千零三十三条；《个人信息保护法》第十条 — grouped by law, short."""
    by_law: dict[str, list[str]] = {}
    for st in statutes:
        name = st.citation[: -len(st.article)] if st.article and st.citation.endswith(st.article) else st.citation
        name = name.replace("中华人民共和国", "")
        arts = by_law.setdefault(name, [])
        if st.article and st.article not in arts:
            arts.append(st.article)
    parts = [name + "、".join(arts) for name, arts in list(by_law.items())[:max_laws]]
    more = len(by_law) > max_laws
    sep = "；" if (lang or "zh") == "zh" else "; "
    return sep.join(parts) + (("等" if (lang or "zh") == "zh" else " etc.") if more else "")


def render_summary(
    rule_id: str,
    label: str,
    who: str,
    count: int,
    facts: Mapping[str, Any],
    basis: Iterable[str],
    book: Rulebook,
    lang: str | None = None,
) -> str:
    """The finding's one-paragraph summary: what happened, then the careful legal wording."""
    params: dict[str, Any] = {"who": who, "count": count, "first_day": "", "last_day": "", **facts}
    first, last = str(params["first_day"]), str(params["last_day"])
    params["period"] = first if first == last else (f"{first}至{last}" if (lang or "zh") == "zh" else f"{first} to {last}")
    if label in book.labels:
        params["label_name"] = book.labels[label].name.get(lang or "zh") or book.labels[label].name.get("zh", label)
        what = t("engine.summary.text", lang=lang, **params)
    elif label == "contact_after_stop" and facts.get("scope") == "third_parties":
        what = t("engine.summary.contact_after_stop_third", lang=lang, **params)
    else:
        what = t(f"engine.summary.{label}", lang=lang, **params)
    laws: list[Statute] = []
    standards: list[Statute] = []
    conditional: dict[str, list[Statute]] = defaultdict(list)
    conditions = CONDITIONAL_BASIS.get(rule_id, {})
    for sid in basis:
        st = book.statutes.get(sid)
        if st is None:
            continue
        if sid in conditions:
            conditional[conditions[sid]].append(st)
        else:
            (standards if st.strength == "S" else laws).append(st)
    parts = [what]
    if facts.get("user_confirmed"):
        parts.append(t("engine.summary.user_confirmed", lang=lang, n=facts["user_confirmed"]))
    if facts.get("sender_context"):
        one = count == 1 and facts["sender_context"] == 1
        parts.append(t("engine.summary.sender_context_one" if one else "engine.summary.sender_context",
                       lang=lang, n=facts["sender_context"]))
    if laws:
        parts.append(t("engine.legal.law", lang=lang, citations=cite_compact(laws, lang)))
    for condition, statutes in conditional.items():
        parts.append(t(f"engine.legal.{condition}", lang=lang, citations=cite_compact(statutes, lang)))
    if standards:
        parts.append(t("engine.legal.standard", lang=lang, citations=cite_compact(standards, lang)))
    parts.append(t("engine.legal.judge", lang=lang))
    return "".join(parts) if (lang or "zh") == "zh" else " ".join(parts)


def _store(
    session: Session, case_id: str, drafts: list[_Draft], display: dict[str, str], summary: AnalysisSummary,
    book: Rulebook,
) -> None:
    now = utcnow()
    existing = {f.fingerprint: f for f in session.scalars(select(Finding).where(Finding.case_id == case_id))}
    stored_facts = {
        ff.fingerprint: ff for ff in session.scalars(select(FindingFacts).where(FindingFacts.case_id == case_id))
    }
    produced = {fingerprint(d.rule_id, d.label, d.group) for d in drafts}
    inherit_pool = [f for fp, f in existing.items() if fp not in produced and (f.status != "new" or f.user_note)]
    for d in drafts:
        fp = fingerprint(d.rule_id, d.label, d.group)
        who = display.get(d.group) or _display_group(d.group)
        text = render_summary(d.rule_id, d.label, who, d.count, d.facts, d.basis, book, lang="zh")
        values: dict[str, Any] = {
            "rule_id": d.rule_id,
            "label": d.label,
            "severity": d.severity,
            "confidence": d.confidence,
            "summary": text,
            "first_time": dt.datetime.fromtimestamp(d.first_ts, dt.UTC) if d.first_ts is not None else None,
            "last_time": dt.datetime.fromtimestamp(d.last_ts, dt.UTC) if d.last_ts is not None else None,
            "count": d.count,
            "attribution": who[:200],
            "basis": d.basis,
            "evidence_refs": _refs_json(d),
            "stale": False,
        }
        row = existing.get(fp)
        if row is None:
            row = Finding(case_id=case_id, fingerprint=fp, status="new", created_at=now, updated_at=now, **values)
            _inherit(row, d, inherit_pool)
            session.add(row)
            summary.new += 1
        else:
            changed = any(getattr(row, k) != v for k, v in values.items() if k not in ("first_time", "last_time"))
            for k, v in values.items():
                setattr(row, k, v)
            if changed:
                row.updated_at = now
                summary.updated += 1
        ff = stored_facts.get(fp)
        if ff is None:
            session.add(FindingFacts(case_id=case_id, fingerprint=fp, group_key=d.group[:300], facts=d.facts))
        elif ff.facts != d.facts:
            ff.facts = d.facts
        summary.by_label[d.label] = summary.by_label.get(d.label, 0) + 1
        summary.by_severity[d.severity] = summary.by_severity.get(d.severity, 0) + 1
        summary.by_rule[d.rule_id] = summary.by_rule.get(d.rule_id, 0) + 1
        summary.by_status[row.status] = summary.by_status.get(row.status, 0) + 1
    for fp, f in existing.items():
        if fp not in produced and not f.stale:
            f.stale = True
            f.updated_at = now
            summary.stale += 1
    summary.findings = len(produced)
    session.flush()


def _inherit(row: Finding, d: _Draft, pool: list[Finding]) -> None:
    """A new finding replacing a stale one (same rule and label, shared events) keeps its status."""
    mine = {i for i, _ in d.refs} if d.refs else set(d.ids[:MAX_REFS])
    best: Finding | None = None
    best_overlap = 0
    for old in pool:
        if old.rule_id != d.rule_id or old.label != d.label:
            continue
        theirs = {int(r["event_id"]) for r in old.evidence_refs or [] if isinstance(r, dict) and "event_id" in r}
        overlap = len(mine & theirs)
        if overlap * 2 >= max(1, min(len(theirs), len(mine))) and overlap > best_overlap:
            best, best_overlap = old, overlap
    if best is not None:
        pool.remove(best)
        row.status = best.status
        row.user_note = best.user_note
