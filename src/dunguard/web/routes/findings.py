"""Findings: evidence excerpts with highlighted spans, statute text, confirm / dismiss / note.

Reads through ``dunguard.analyze.findings.list_findings`` and records decisions with its
``set_status`` (a ledger entry; kept across re-analysis).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from dunguard.errors import UsageError
from dunguard.i18n import current_lang
from dunguard.web.rendering import render
from dunguard.web.routes._common import PageNo, RowId, home_of, load_case, optional_module, see_other
from dunguard.web.routes.dashboard import label_names
from dunguard.web.timeline import split_marked

router = APIRouter()

FINDINGS_PAGE = 30
EXCERPTS = 5
SEVERITIES = ("high", "medium", "low")
STATUSES = ("new", "confirmed", "dismissed")


def _findings_module() -> Any:
    return optional_module("dunguard.analyze.findings")


def analyzer() -> Any:
    engine = optional_module("dunguard.analyze.engine")
    return getattr(engine, "analyze_case", None) if engine else None


def _item(view: Any) -> dict[str, Any]:
    excerpts = []
    for ev in view.evidence:
        text = ev.get("excerpt")
        pieces = split_marked(text, [(int(a), int(b)) for a, b in ev.get("highlights") or []]) if text else []
        excerpts.append({**ev, "pieces": pieces})
    return {"f": view, "excerpts": excerpts, "more": max(0, view.evidence_total - len(view.evidence))}


@router.get("/cases/{case_id}/findings", response_class=HTMLResponse)
def findings_page(
    request: Request, case_id: str, label: str = "", severity: str = "", status: str = "", page: PageNo = 1
) -> HTMLResponse:
    case = load_case(request, case_id)
    mod = _findings_module()
    page = max(page, 1)
    views: list[Any] = []
    if mod is not None:
        views = mod.list_findings(
            home_of(request), case.id, label=label or None,
            severity=severity if severity in SEVERITIES else None,
            status=status if status in STATUSES else None, max_evidence=EXCERPTS, lang=current_lang(),
        )
    total = len(views)
    shown = [_item(v) for v in views[(page - 1) * FINDINGS_PAGE: page * FINDINGS_PAGE]]
    return render(
        request, "findings.html", case=case, active="findings", items=shown, total=total, page=page,
        pages=max(1, -(-total // FINDINGS_PAGE)), labels=label_names(), label=label, severity=severity,
        status=status, available=mod is not None, can_analyze=analyzer() is not None,
    )


@router.post("/cases/{case_id}/findings/{finding_id}")
def finding_update(
    request: Request, case_id: str, finding_id: RowId, status: str = Form(""), note: str = Form("")
) -> RedirectResponse:
    case = load_case(request, case_id)
    mod = _findings_module()
    if mod is None:
        raise UsageError("web.unavailable")
    if len(note) > 5000:
        raise UsageError("web.findings.note_too_long")
    if status and status not in STATUSES:
        raise UsageError("web.findings.bad_status", status=status[:20])
    if not status:  # "save the note only": keep the current status
        status = mod.get_finding(home_of(request), case.id, finding_id).status
    mod.set_status(home_of(request), case.id, finding_id, status, note=note, actor="web")
    return see_other(f"/cases/{case.id}/findings#finding-{finding_id}")


@router.post("/cases/{case_id}/analyze")
def run_analysis(request: Request, case_id: str) -> RedirectResponse:
    case = load_case(request, case_id)
    fn = analyzer()
    if fn is None:
        raise UsageError("web.unavailable")
    fn(home_of(request), case.id, actor="web")
    return see_other(f"/cases/{case.id}/findings")
