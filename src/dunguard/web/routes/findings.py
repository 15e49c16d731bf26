"""Findings: evidence excerpts with highlighted spans, statute text, confirm / dismiss / note."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import func, select

from dunguard.errors import NotFoundError, UsageError
from dunguard.models import Event, Finding
from dunguard.web.rendering import render
from dunguard.web.routes._common import home_of, load_case, optional_module, see_other
from dunguard.web.routes.dashboard import label_names
from dunguard.web.timeline import split_marked

router = APIRouter()

FINDINGS_PAGE = 30
EXCERPTS = 5
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}
STATUSES = ("new", "confirmed", "dismissed")


def _statutes(basis: list[Any]) -> list[dict[str, str]]:
    rulebook = optional_module("dunguard.analyze.rulebook")
    if rulebook is None:
        return [{"citation": str(b), "text": ""} for b in basis]
    book = rulebook.load()
    out = []
    for sid in basis:
        try:
            st = book.statute(str(sid))
        except NotFoundError:
            out.append({"citation": str(sid), "text": ""})
            continue
        out.append({"citation": st.citation, "text": st.text})
    return out


def _rule_explain(rule_id: str) -> dict[str, str]:
    rulebook = optional_module("dunguard.analyze.rulebook")
    if rulebook is None:
        return {"title": rule_id, "explain": ""}
    from dunguard.i18n import current_lang

    lang = current_lang()
    try:
        rule = rulebook.load().rule(rule_id)
    except NotFoundError:
        return {"title": rule_id, "explain": ""}
    return {"title": rule.title.get(lang) or rule.title.get("zh", rule_id),
            "explain": rule.explain.get(lang) or rule.explain.get("zh", "")}


def status_setter() -> Any:
    """The analysis subsystem's function that records a user's decision, if present."""
    findings = optional_module("dunguard.analyze.findings")
    return getattr(findings, "set_status", None) if findings else None


def analyzer() -> Any:
    engine = optional_module("dunguard.analyze.engine")
    return getattr(engine, "analyze_case", None) if engine else None


@router.get("/cases/{case_id}/findings", response_class=HTMLResponse)
def findings_page(
    request: Request, case_id: str, label: str = "", severity: str = "", status: str = "", page: int = 1
) -> HTMLResponse:
    case = load_case(request, case_id)
    page = max(page, 1)
    with home_of(request).store.session() as s:
        stmt = select(Finding).where(Finding.case_id == case.id, Finding.stale.is_(False))
        if label:
            stmt = stmt.where((Finding.label == label) | (Finding.rule_id == label))
        if severity in SEVERITY_ORDER:
            stmt = stmt.where(Finding.severity == severity)
        if status in STATUSES:
            stmt = stmt.where(Finding.status == status)
        total = int(s.scalar(select(func.count()).select_from(stmt.subquery())) or 0)
        rows = list(s.scalars(stmt))
        rows.sort(key=lambda f: (SEVERITY_ORDER.get(f.severity, 3), f.status == "dismissed",
                                 -(f.count or 0), f.id))
        rows = rows[(page - 1) * FINDINGS_PAGE: page * FINDINGS_PAGE]
        wanted: dict[int, tuple[int, int] | None] = {}
        for f in rows:
            for ref in (f.evidence_refs or [])[:EXCERPTS]:
                if isinstance(ref, dict) and isinstance(ref.get("event_id"), int):
                    span = ref.get("span")
                    wanted[ref["event_id"]] = (int(span[0]), int(span[1])) if span and len(span) == 2 else None
        events = {e.id: e for e in s.scalars(select(Event).where(Event.id.in_(list(wanted))))} if wanted else {}
    items = []
    for f in rows:
        excerpts = []
        for ref in (f.evidence_refs or [])[:EXCERPTS]:
            if not isinstance(ref, dict):
                continue
            ev = events.get(ref.get("event_id", -1))
            if ev is None:
                continue
            span = ref.get("span")
            spans = [(int(span[0]), int(span[1]))] if span and len(span) == 2 else []
            excerpts.append({"event": ev, "pieces": split_marked(ev.text or "", spans)})
        items.append({"f": f, "rule": _rule_explain(f.rule_id), "statutes": _statutes(f.basis or []),
                      "excerpts": excerpts, "more": max(0, len(f.evidence_refs or []) - EXCERPTS)})
    return render(
        request, "findings.html", case=case, active="findings", items=items, total=total, page=page,
        pages=max(1, -(-total // FINDINGS_PAGE)), labels=label_names(), label=label, severity=severity,
        status=status, can_set=status_setter() is not None, can_analyze=analyzer() is not None,
    )


@router.post("/cases/{case_id}/findings/{finding_id}")
def finding_update(
    request: Request, case_id: str, finding_id: int, status: str = Form(""), note: str = Form("")
) -> RedirectResponse:
    case = load_case(request, case_id)
    setter = status_setter()
    if setter is None:
        raise UsageError("web.unavailable")
    if status and status not in STATUSES:
        raise UsageError("web.findings.bad_status", status=status[:20])
    if len(note) > 5000:
        raise UsageError("web.findings.note_too_long")
    setter(home_of(request), case.id, finding_id, status=status or None, note=note, actor="web")
    return see_other(f"/cases/{case.id}/findings#finding-{finding_id}")


@router.post("/cases/{case_id}/analyze")
def run_analysis(request: Request, case_id: str) -> RedirectResponse:
    case = load_case(request, case_id)
    fn = analyzer()
    if fn is None:
        raise UsageError("web.unavailable")
    fn(home_of(request), case.id, actor="web")
    return see_other(f"/cases/{case.id}/findings")
