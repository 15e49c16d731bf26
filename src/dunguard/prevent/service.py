"""Glue between the prevention tools and a case: store the checked file as evidence.

The APK or contract itself goes through the vault (byte-exact, content-addressed); the
report DunGuard produced goes beside it as a derived artefact, and the run is logged in the
case's hash-chained ledger.  The file is checked *before* anything is stored, so a file that
is not an APK / not a contract is refused without touching the case.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from dunguard.cases import resolve_case
from dunguard.home import Home
from dunguard.prevent.app_audit import AppAudit, audit_apk
from dunguard.prevent.contract import ContractScan, render_marked_html, scan_contract
from dunguard.records import DerivedRecord

PRODUCER = "dunguard.prevent"


@dataclass(frozen=True, slots=True)
class Stored:
    case_id: str
    evidence_id: int
    sha256: str
    is_new: bool

    def as_dict(self) -> dict[str, Any]:
        return {"case_id": self.case_id, "evidence_id": self.evidence_id, "new": self.is_new}


def _store(
    home: Home,
    case_ref: str,
    path: Path,
    *,
    fmt: str,
    action: str,
    summary: dict[str, Any],
    derived: list[DerivedRecord],
    actor: str,
) -> Stored:
    case = resolve_case(home, case_ref)
    with home.transaction(case.id, actor=actor) as tx:
        ev, is_new = tx.add_original(path, method="prevent", fmt=fmt)
        if is_new:
            for record in derived:
                tx.add_derived(ev, record)
        tx.log(action, ev.sha256, {"evidence_id": ev.id, **summary})
        return Stored(case.id, ev.id, ev.sha256, is_new)


def _report(data: dict[str, Any], path: Path) -> bytes:
    """The stored report names the file as the user did, never by a local or upload path."""
    data["file"] = path.name
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def audit_apk_into_case(
    home: Home, case_ref: str, path: Path, lang: str | None = None, *, actor: str = "cli"
) -> tuple[AppAudit, Stored]:
    """Audit ``path``; then store the APK and the audit report in the case."""
    audit = replace(audit_apk(path, lang=lang), file=path.name)
    report = _report(audit.to_dict(), path)
    stored = _store(
        home,
        case_ref,
        path,
        fmt="apk",
        action="app_audit",
        summary={
            "package": audit.package,
            "categories": [f.category for f in audit.findings],
            "not_needed": [f.category for f in audit.not_needed],
        },
        derived=[DerivedRecord("app_audit", "application/json", report, PRODUCER, {"lang": audit.lang})],
        actor=actor,
    )
    return audit, stored


def scan_contract_into_case(
    home: Home, case_ref: str, path: Path, lang: str | None = None, *, actor: str = "cli"
) -> tuple[ContractScan, Stored]:
    """Scan ``path``; then store the contract, its text and the marked-up copy in the case."""
    scan = replace(scan_contract(path, lang=lang), file=path.name)
    marked = render_marked_html(scan).encode("utf-8")
    report = _report(scan.to_dict(), path)
    stored = _store(
        home,
        case_ref,
        path,
        fmt=f"contract-{scan.kind}",
        action="contract_scan",
        summary={"kind": scan.kind, "hits": len(scan.hits), "categories": scan.categories()},
        derived=[
            DerivedRecord("text", "text/plain; charset=utf-8", scan.text.encode("utf-8"), PRODUCER, {}),
            DerivedRecord("contract_review", "text/html", marked, PRODUCER, {"lang": scan.lang}),
            DerivedRecord("contract_scan", "application/json", report, PRODUCER, {"lang": scan.lang}),
        ],
        actor=actor,
    )
    return scan, stored
