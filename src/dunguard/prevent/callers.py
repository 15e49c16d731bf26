"""The caller table of a case, and blocklists for phones.

Every number that contacted the borrower (events with direction ``in``), with call / message
counts, first and last seen, the lender or collector behind it where the analysis findings
(or a lender/collector party in the case) say so, the number of findings it appears in, and
whether it is a virtual-operator or service number.  Aggregation happens in SQL (GROUP BY on
the events table), so a case with millions of events is never loaded into memory.

Exports: the table as CSV; a vCard 3.0 file (one contact per number, named ``催收-平台名``,
category ``催收``) that Android and iOS contacts import, so the numbers can be blocked or
silenced as contacts; and a contacts-style CSV for blocking apps.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case as sql_case
from sqlalchemy import func, select

from dunguard.home import Home
from dunguard.ingest.models import NumberInfo
from dunguard.models import Case, Event, Finding, Party, Phone
from dunguard.phones import NumberKind, PhoneInfo, normalize
from dunguard.timeutil import DEFAULT_TZ

_ID_CHUNK = 500
UNKNOWN_LENDER_ZH = "未知"
TAG_PREFIX = "催收"


@dataclass(slots=True)
class CallerRow:
    number: str  # E.164 where known, else the raw number as in the evidence
    kind: str  # dunguard.phones.NumberKind value
    virtual: bool
    service: bool
    name: str | None  # name shown in the evidence (address book / chat)
    calls: int
    messages: int
    other: int
    total: int
    first_seen: str  # ISO, case-local time
    last_seen: str
    lenders: list[str] = field(default_factory=list)  # most frequent first
    signatures: list[str] = field(default_factory=list)  # 【签名】 the messages claim (not verified)
    findings: int = 0
    carrier: str | None = None
    location: str | None = None

    @property
    def lender(self) -> str | None:
        return self.lenders[0] if self.lenders else None

    @property
    def tag(self) -> str:
        return f"{TAG_PREFIX}-{self.lender or UNKNOWN_LENDER_ZH}"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["tag"] = self.tag
        return d


def caller_table(home: Home, case: Case) -> list[CallerRow]:
    """The caller table of ``case``, busiest number first."""
    tz = ZoneInfo(case.timezone or DEFAULT_TZ)
    key = func.coalesce(Event.counterpart_e164, Event.counterpart_raw)
    is_call = sql_case((Event.kind == "call", 1), else_=0)
    is_msg = sql_case((Event.kind.in_(("sms", "mms", "chat")), 1), else_=0)
    stmt = (
        select(
            key.label("k"),
            func.count().label("n"),
            func.sum(is_call),
            func.sum(is_msg),
            func.min(Event.time_utc),
            func.max(Event.time_utc),
            func.max(Event.counterpart_name),
        )
        .where(Event.case_id == case.id, Event.direction == "in", key.is_not(None))
        .group_by(key)
    )
    rows: list[CallerRow] = []
    with home.store.session() as s:
        known = {
            r.key: r for r in s.scalars(select(NumberInfo).where(NumberInfo.case_id == case.id))
        }  # what the importer already worked out per number
        for k, n, calls, msgs, first, last, name in s.execute(stmt):
            info = _info(str(k), known)
            calls, msgs = int(calls or 0), int(msgs or 0)
            rows.append(
                CallerRow(
                    number=str(k),
                    kind=info.kind.value,
                    virtual=info.is_virtual,
                    service=info.is_service,
                    name=name,
                    calls=calls,
                    messages=msgs,
                    other=int(n) - calls - msgs,
                    total=int(n),
                    first_seen=_local(first, tz) if first else "",
                    last_seen=_local(last, tz) if last else "",
                    carrier=info.carrier,
                    location=info.location,
                )
            )
        by_number = {r.number: r for r in rows}
        _attach_findings(s, case.id, by_number)
        _attach_parties(s, case.id, by_number)
        _attach_signatures(s, case.id, by_number)
    rows.sort(key=lambda r: (-r.findings, -r.total, r.number))
    return rows


def _info(key: str, known: dict[str, NumberInfo]) -> PhoneInfo:
    row = known.get(key)
    if row is not None:
        try:
            kind = NumberKind(row.kind)
        except ValueError:
            kind = NumberKind.UNKNOWN
        return PhoneInfo(row.raw, row.e164, kind, row.region, row.carrier, row.location)
    return normalize(key)  # events inserted without the importer (tests, other tools)


def _local(value: Any, tz: ZoneInfo) -> str:
    """func.min/max keep the column type, so values arrive as aware UTC datetimes."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:  # defensive: some drivers drop the type on aggregates
            value = value.replace(tzinfo=dt.UTC)
        return str(value.astimezone(tz).isoformat())
    return str(value)


def _attach_findings(s: Any, case_id: str, by_number: dict[str, CallerRow]) -> None:
    findings = s.execute(
        select(Finding.id, Finding.attribution, Finding.evidence_refs).where(
            Finding.case_id == case_id, Finding.status != "dismissed", Finding.stale.is_(False)
        )
    ).all()
    event_ids: set[int] = set()
    per_finding: list[tuple[str | None, list[int]]] = []
    for _fid, attribution, refs in findings:
        ids = [
            int(r["event_id"]) for r in (refs or []) if isinstance(r, dict) and r.get("event_id") is not None
        ]
        per_finding.append((attribution, ids))
        event_ids.update(ids)
    if not event_ids:
        return
    key = func.coalesce(Event.counterpart_e164, Event.counterpart_raw)
    number_of: dict[int, str] = {}
    ordered = sorted(event_ids)
    for i in range(0, len(ordered), _ID_CHUNK):
        chunk = ordered[i : i + _ID_CHUNK]
        # by primary key only: with case_id in the WHERE clause SQLite picks the case index
        # and scans the whole case once per chunk
        for eid, ev_case, direction, k in s.execute(
            select(Event.id, Event.case_id, Event.direction, key).where(Event.id.in_(chunk))
        ):
            if k is not None and ev_case == case_id and direction == "in":
                number_of[int(eid)] = str(k)
    lenders: dict[str, Counter[str]] = defaultdict(Counter)
    for attribution, ids in per_finding:
        numbers = {number_of[i] for i in ids if i in number_of}
        for num in numbers:
            row = by_number.get(num)
            if row is None:
                continue
            row.findings += 1
            if attribution:
                lenders[num][attribution] += 1
    for num, counter in lenders.items():
        by_number[num].lenders = [name for name, _ in counter.most_common()]


def _attach_parties(s: Any, case_id: str, by_number: dict[str, CallerRow]) -> None:
    """Numbers the user recorded as a lender's or collector's take that party's name."""
    stmt = (
        select(Phone.e164, Phone.raw, Party.name)
        .join(Party, Phone.party_id == Party.id)
        .where(Phone.case_id == case_id, Party.role.in_(("lender", "collector")), Party.name.is_not(None))
    )
    for e164, raw, name in s.execute(stmt):
        for num in (e164, raw):
            row = by_number.get(num) if num else None
            if row is not None and name not in row.lenders:
                row.lenders.append(name)


_SIGNATURE = re.compile(r"^\s*【([^【】]{1,20})】")


def _attach_signatures(s: Any, case_id: str, by_number: dict[str, CallerRow]) -> None:
    """The 【签名】 prefixes of a number's messages: who the messages *claim* to be from.

    One grouped query over distinct message prefixes; shown for information only (a collector
    can use a lender's signature), never used as the tag.
    """
    key = func.coalesce(Event.counterpart_e164, Event.counterpart_raw)
    prefix = func.substr(Event.text, 1, 24)
    stmt = (
        select(key, prefix)
        .where(
            Event.case_id == case_id,
            Event.direction == "in",
            Event.kind.in_(("sms", "mms")),
            Event.text.like("%【%"),
        )
        .group_by(key, prefix)
    )
    for k, head in s.execute(stmt):
        m = _SIGNATURE.match(head or "")
        row = by_number.get(str(k))
        if m and row is not None and m.group(1) not in row.signatures:
            row.signatures.append(m.group(1))


# ---------------------------------------------------------------------------------------------
# Exports

TABLE_COLUMNS = [
    "number", "tag", "lender", "findings", "kind", "virtual", "service", "calls", "messages",
    "other", "total", "first_seen", "last_seen", "name", "signatures", "carrier", "location",
]  # fmt: skip


def table_csv(rows: list[CallerRow]) -> str:
    """The caller table as CSV (UTF-8 with BOM when written by ``write_text_bom``)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(TABLE_COLUMNS)
    for r in rows:
        d = r.to_dict()
        d["lender"] = r.lender or ""
        d["signatures"] = " ".join(r.signatures)
        w.writerow([_csv_safe(d[c]) for c in TABLE_COLUMNS])
    return buf.getvalue()


def _csv_safe(value: Any) -> str:
    """Stringify; neutralise spreadsheet formulas in text that came from evidence."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    text = str(value)
    if text[:1] in ("=", "@") or (text[:1] in ("+", "-") and not text[1:].replace(" ", "").isdigit()):
        return "'" + text
    return text


def blockable(rows: list[CallerRow], *, include_all: bool = False) -> list[CallerRow]:
    """Rows worth blocking: numbers tied to findings or a lender (or all, on request).

    Never hidden or alphanumeric senders (nothing to block by number) and never short
    government/carrier numbers such as 110 or 12321.
    """
    out = []
    for r in rows:
        if r.kind in (NumberKind.HIDDEN.value, NumberKind.ALPHANUMERIC.value):
            continue
        digits = r.number.lstrip("+")
        if r.service and digits.startswith("1") and len(digits) <= 5:
            continue
        if include_all or r.findings or r.lenders:
            out.append(r)
    return out


def _vcard_escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace("\n", "\\n")
        .replace("\r", "")
        .replace(",", "\\,")
        .replace(";", "\\;")
    )


def _fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 2425/6350), never inside a UTF-8 sequence."""
    out: list[str] = []
    current = ""
    size = 0
    limit = 75
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > limit:
            out.append(current)
            current, size, limit = " ", 1, 75
        current += ch
        size += n
    out.append(current)
    return "\r\n".join(out)


def vcard(rows: list[CallerRow]) -> str:
    """vCard 3.0, one card per number, named by its tag (催收-平台名), category 催收."""
    cards: list[str] = []
    for r in rows:
        name = f"{r.tag} {r.number}"
        note = f"DunGuard: {r.total}次 {r.first_seen[:10]}~{r.last_seen[:10]}"
        if r.findings:
            note += f"，{r.findings}项可能违规"
        lines = [
            "BEGIN:VCARD",
            "VERSION:3.0",
            f"FN:{_vcard_escape(name)}",
            f"N:{_vcard_escape(name)};;;;",
            f"ORG:{_vcard_escape(r.tag)}",
            f"TEL;TYPE=VOICE:{_vcard_escape(r.number)}",
            f"CATEGORIES:{TAG_PREFIX},DunGuard",
            f"NOTE:{_vcard_escape(note)}",
            "END:VCARD",
        ]
        cards.append("\r\n".join(_fold(x) for x in lines))
    return "\r\n".join(cards) + ("\r\n" if cards else "")


BLOCKLIST_COLUMNS = ["Name", "Phone 1 - Type", "Phone 1 - Value", "Group Membership", "Notes"]


def blocklist_csv(rows: list[CallerRow]) -> str:
    """Contacts-style CSV (Google Contacts column names) for blocking apps that import CSV."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(BLOCKLIST_COLUMNS)
    for r in rows:
        w.writerow(
            [_csv_safe(f"{r.tag} {r.number}"), "Mobile", _csv_safe(r.number), TAG_PREFIX, _csv_safe(r.tag)]
        )
    return buf.getvalue()
