"""Verification: prove that nothing in a case changed since it was stored.

``verify_case`` recomputes the sha256 of every original and derived file, checks the
whole ledger chain in the database and in the ``ledger.jsonl`` mirror, compares the two,
and checks that every stored file has its ledger entry and vice versa.  It returns every
problem it finds, each with a message key, so the user gets a precise list.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from dunguard import ledger as ledger_mod
from dunguard import vault
from dunguard.home import Home
from dunguard.i18n import t
from dunguard.models import Derived, Evidence, LedgerEntry

_ADD_ACTIONS = {"add"}


@dataclass(frozen=True, slots=True)
class Problem:
    kind: str
    key: str
    params: dict[str, Any]

    def message(self, lang: str | None = None) -> str:
        return t(self.key, lang=lang, **self.params)

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "message": self.message(), **self.params}


@dataclass
class VerifyReport:
    case_id: str
    files_checked: int = 0
    ledger_entries: int = 0
    ledger_head: str | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, kind: str, **params: Any) -> None:
        self.problems.append(Problem(kind, f"verify.{kind}", params))

    def as_dict(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "ok": self.ok,
            "files_checked": self.files_checked,
            "ledger_entries": self.ledger_entries,
            "ledger_head": self.ledger_head,
            "problems": [p.as_dict() for p in self.problems],
        }


def _row_entry(r: LedgerEntry) -> ledger_mod.Entry:
    return ledger_mod.Entry(
        r.case_id, r.seq, r.ts, r.actor, r.action, r.object_hash, r.details, r.prev_hash, r.entry_hash
    )


def load_db_entries(home: Home, case_id: str) -> list[ledger_mod.Entry]:
    with home.store.session() as s:
        rows = s.scalars(select(LedgerEntry).where(LedgerEntry.case_id == case_id).order_by(LedgerEntry.id))
        return [_row_entry(r) for r in rows]


def verify_case(home: Home, case_id: str) -> VerifyReport:
    report = VerifyReport(case_id)
    folder = home.case_dir(case_id)
    with home.case_lock(case_id):  # finishes an interrupted transaction first
        db_entries = load_db_entries(home, case_id)
        with home.store.session() as s:
            evidence = list(s.scalars(select(Evidence).where(Evidence.case_id == case_id)))
            derived = list(s.scalars(select(Derived).where(Derived.case_id == case_id)))
        _check_files(report, folder, evidence, derived)
        _check_chain(report, db_entries, case_id, source="db")
        _check_mirror(report, home, case_id, db_entries)
        _check_cross(report, evidence, db_entries)
    report.ledger_entries = len(db_entries)
    report.ledger_head = db_entries[-1].entry_hash if db_entries else None
    return report


def _check_files(report: VerifyReport, folder: os.PathLike[str], evidence: list[Evidence],
                 derived: list[Derived]) -> None:
    from pathlib import Path

    base = Path(folder)
    known: set[str] = set()
    for kind, rows in (("original", evidence), ("derived", derived)):
        for row in rows:
            known.add(row.stored_path)
            path = base / row.stored_path
            name = row.original_name if isinstance(row, Evidence) else f"{row.kind}:{row.sha256[:12]}"
            report.files_checked += 1
            if not path.is_file():
                report.add("file_missing", role=kind, name=name, sha256=row.sha256, path=row.stored_path)
                continue
            sha, size = vault.sha256_file(path)
            if sha != row.sha256:
                report.add("file_changed", role=kind, name=name, sha256=row.sha256, actual=sha,
                           path=row.stored_path)
            elif size != row.size:
                report.add("file_size", role=kind, name=name, expected=row.size, actual=size)
    for sub in (vault.ORIGINALS, vault.DERIVED):
        root = base / sub
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.is_file():
                rel = path.relative_to(base).as_posix()
                if rel not in known:
                    report.add("extra_file", path=rel)


def _check_chain(report: VerifyReport, entries: list[ledger_mod.Entry], case_id: str, source: str) -> None:
    where = t(f"verify.source.{source}")
    for p in ledger_mod.check_chain(entries, case_id):
        report.add(f"ledger_{p.kind}", seq=p.seq, detail=p.detail, where=where)


def _check_mirror(report: VerifyReport, home: Home, case_id: str, db_entries: list[ledger_mod.Entry]) -> None:
    path = home.ledger_path(case_id)
    if not path.exists():
        if db_entries:
            report.add("mirror_missing", path=str(path))
        return
    mirror, bad = ledger_mod.parse_jsonl(path.read_text(encoding="utf-8", errors="replace").splitlines())
    for line_no, err in bad:
        report.add("mirror_bad_line", line=line_no, reason=err)
    _check_chain(report, mirror, case_id, source="jsonl")
    by_seq_db = {e.seq: e for e in db_entries}
    by_seq_m = {e.seq: e for e in mirror}
    for seq in sorted(set(by_seq_db) | set(by_seq_m)):
        a, b = by_seq_db.get(seq), by_seq_m.get(seq)
        if a is None:
            report.add("mirror_extra", seq=seq)
        elif b is None:
            report.add("mirror_lacks", seq=seq)
        elif a != b:
            report.add("mirror_differs", seq=seq)


def _check_cross(report: VerifyReport, evidence: list[Evidence], entries: list[ledger_mod.Entry]) -> None:
    logged = {e.object_hash for e in entries if e.action in _ADD_ACTIONS}
    stored = {ev.sha256 for ev in evidence}
    for ev in evidence:
        if ev.sha256 not in logged:
            report.add("unlogged_evidence", name=ev.original_name, sha256=ev.sha256)
    for e in entries:
        if e.action in _ADD_ACTIONS and e.object_hash not in stored:
            report.add("record_missing", seq=e.seq, sha256=e.object_hash or "")
