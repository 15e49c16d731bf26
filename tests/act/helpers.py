"""Helpers for the act tests: the demo case, analysed (by the real engine when installed)."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from sqlalchemy import select

from dunguard.analyze.rulebook import load
from dunguard.home import Home
from dunguard.models import Event, Finding
from dunguard.timeutil import local, utcnow

# (rule, label, severity, substring of a demo message, the span text to mark)
DEMO_FINDINGS = [
    ("T9", "impersonation", "high", "【XX市人民法院】", "【XX市人民法院】"),
    ("T5", "threat_violence", "high", "出门被车撞", "早晚出门被车撞"),
    ("T7", "threat_contacts", "high", "通讯录里所有人", "发给你通讯录里所有人"),
    ("T7", "debt_disclosure", "medium", "说你借网贷不还", "说你借网贷不还"),
    ("T12", "extra_fees", "medium", "上门催收费", "上门催收费500元"),
]


def add_findings(home: Home, case_id: str, specs: list[tuple[str, str, str, str, str]]) -> int:
    """Store findings for events whose text contains a marker (as the analysis engine would)."""
    book = load()
    n = 0
    with home.transaction(case_id, actor="test") as tx:
        s = tx.session
        for rule, label, severity, needle, span_text in specs:
            ev = s.scalar(select(Event).where(Event.case_id == case_id, Event.text.contains(needle)).limit(1))
            if ev is None:
                continue
            text = ev.text or ""
            start = text.find(span_text)
            day = local(ev.time_utc).date()
            fp = hashlib.sha256(f"{rule}{label}{ev.id}".encode()).hexdigest()
            s.add(Finding(
                case_id=case_id, fingerprint=fp, rule_id=rule, label=label, severity=severity,
                summary="", first_time=ev.time_utc, last_time=ev.time_utc, count=1,
                basis=book.basis_ids(rule, day),
                evidence_refs=[{"event_id": ev.id, "span": [start, start + len(span_text)]}],
                created_at=utcnow(), updated_at=utcnow(),
            ))
            n += 1
        tx.log("test_findings", None, {"count": n})
    return n


def analysed_demo(home: Home, out: Path) -> str:
    from dunguard.demo import run_demo

    result = run_demo(home, out_dir=out)
    case_id = str(result["case_id"])
    with home.store.session() as s:
        has = s.scalar(select(Finding.id).where(Finding.case_id == case_id).limit(1))
    if has is None:  # the analysis engine is not installed in this build
        add_findings(home, case_id, DEMO_FINDINGS)
    return case_id



TODAY = dt.date(2026, 10, 20)
