"""Cases: create, find by id or unique prefix, list, delete."""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import uuid
from dataclasses import dataclass

from sqlalchemy import delete, func, select

from dunguard.errors import AmbiguousError, NotFoundError, UsageError
from dunguard.home import Home
from dunguard.models import Case, Event, Evidence, Finding, LedgerEntry, Party, Phone, Setting
from dunguard.phones import normalize
from dunguard.timeutil import DEFAULT_TZ, utcnow


@dataclass(frozen=True, slots=True)
class CaseSummary:
    id: str
    title: str
    created_at: dt.datetime
    is_demo: bool
    debtor: str | None
    evidence: int
    events: int
    findings: int

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "created_at": self.created_at.isoformat(),
            "is_demo": self.is_demo,
            "debtor": self.debtor,
            "evidence": self.evidence,
            "events": self.events,
            "findings": self.findings,
        }


def create_case(
    home: Home,
    title: str,
    *,
    debtor_name: str | None = None,
    debtor_phone: str | None = None,
    timezone: str = DEFAULT_TZ,
    is_demo: bool = False,
    actor: str = "cli",
) -> Case:
    title = title.strip()
    if not title:
        raise UsageError("error.case.empty_title")
    case_id = uuid.uuid4().hex
    with home.store.write_session() as s:
        case = Case(id=case_id, title=title, created_at=utcnow(), timezone=timezone, is_demo=is_demo)
        s.add(case)
        if debtor_name or debtor_phone:
            party = Party(case_id=case_id, role="debtor", name=debtor_name, extra={})
            s.add(party)
            s.flush()
            if debtor_phone:
                info = normalize(debtor_phone)
                s.add(Phone(case_id=case_id, party_id=party.id, raw=debtor_phone, e164=info.e164,
                            kind=str(info.kind)))
    with home.transaction(case_id, actor=actor) as tx:
        tx.log(
            "case_created",
            None,
            {"title": title, "debtor": debtor_name, "debtor_phone": debtor_phone, "demo": is_demo},
        )
    return case


def resolve_case(home: Home, ref: str) -> Case:
    """Find a case by full id or a unique prefix (at least 4 characters) or exact title."""
    ref = ref.strip()
    if not ref:
        raise NotFoundError("error.case.not_found", ref=ref)
    with home.store.session() as s:
        exact = s.get(Case, ref)
        if exact is not None:
            return exact
        matches: list[Case] = []
        if len(ref) >= 4 and all(c in "0123456789abcdef" for c in ref.lower()):
            matches = list(s.scalars(select(Case).where(Case.id.startswith(ref.lower())).limit(5)))
        if not matches:
            matches = list(s.scalars(select(Case).where(Case.title == ref).limit(5)))
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise NotFoundError("error.case.not_found", ref=ref)
        raise AmbiguousError("error.case.ambiguous", ref=ref, ids=", ".join(c.id[:12] for c in matches))


def list_cases(home: Home) -> list[CaseSummary]:
    with home.store.session() as s:
        counts_ev = dict(
            s.execute(select(Evidence.case_id, func.count()).group_by(Evidence.case_id)).all()
        )
        counts_events = dict(s.execute(select(Event.case_id, func.count()).group_by(Event.case_id)).all())
        counts_f = dict(
            s.execute(
                select(Finding.case_id, func.count())
                .where(Finding.status != "dismissed", Finding.stale.is_(False))
                .group_by(Finding.case_id)
            )

            .all()
        )
        debtors = dict(
            s.execute(select(Party.case_id, Party.name).where(Party.role == "debtor")).all()
        )
        out = []
        for c in s.scalars(select(Case).order_by(Case.created_at)):
            out.append(
                CaseSummary(
                    id=c.id,
                    title=c.title,
                    created_at=c.created_at,
                    is_demo=c.is_demo,
                    debtor=debtors.get(c.id),
                    evidence=counts_ev.get(c.id, 0),
                    events=counts_events.get(c.id, 0),
                    findings=counts_f.get(c.id, 0),
                )
            )
        return out


def delete_case(home: Home, case_id: str) -> None:
    """Delete a case: its rows, its ledger and its folder.  Irreversible (the UI confirms first)."""
    with home.case_lock(case_id):
        with home.store.write_session() as s:
            s.execute(delete(LedgerEntry).where(LedgerEntry.case_id == case_id))
            s.execute(delete(Setting).where(Setting.key == f"txn:{case_id}"))
            case = s.get(Case, case_id)
            if case is None:
                raise NotFoundError("error.case.not_found", ref=case_id)
            s.execute(delete(Case).where(Case.id == case_id))
        folder = home.case_dir(case_id)
        for child in folder.iterdir() if folder.exists() else []:
            if child.name == ".lock":
                continue
            if child.is_dir():
                for sub in child.rglob("*"):
                    if sub.is_file():
                        sub.chmod(0o644)
                shutil.rmtree(child)
            else:
                child.unlink()
    (home.case_dir(case_id) / ".lock").unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        home.case_dir(case_id).rmdir()

