"""Findings: evidence excerpts with highlighted spans, statute text, confirm / dismiss / note.

Reads through ``dunguard.analyze.findings.list_findings`` and records decisions with its
``set_status`` (a ledger entry; kept across re-analysis).

Below the findings, the program's suggestions ("程序提示：可能也有问题（请您判断）"): messages
the rules did not flag but the statistical model proposes, each with the message excerpt
(cues in <mark>), the label's plain name, the score as a word (较可能 / 可能) and two buttons.
``POST /cases/{id}/suggestions/{sid}`` records the answer (``suggestions.set_suggestion``); a
confirmation re-analyses the case so the finding appears at once.
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
SUGGESTIONS_SHOWN = 100
SUGGESTION_ANSWERS = {"confirmed": "confirmed", "dismissed": "dismissed"}
EXCERPTS = 5
SEVERITIES = ("high", "medium", "low")
STATUSES = ("new", "confirmed", "dismissed")


def _findings_module() -> Any:
    return optional_module("dunguard.analyze.findings")


def analyzer() -> Any:
    engine = optional_module("dunguard.analyze.engine")
    return getattr(engine, "analyze_case", None) if engine else None


def _suggestions_module() -> Any:
    return optional_module("dunguard.analyze.suggestions")


def _open_suggestions(request: Request, case_id: str) -> list[dict[str, Any]]:
    mod = _suggestions_module()
    if mod is None:
        return []
    out = []
    for v in mod.list_suggestions(home_of(request), case_id, "suggested", lang=current_lang())[:SUGGESTIONS_SHOWN]:
        pieces = split_marked(v.excerpt, [(int(a), int(b)) for a, b in v.highlights]) if v.excerpt else []
        out.append({"s": v, "pieces": pieces})
    return out


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
        suggestions=_open_suggestions(request, case.id) if page == 1 else [],
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


@router.post("/cases/{case_id}/suggestions/{suggestion_id}")
def suggestion_update(
    request: Request, case_id: str, suggestion_id: RowId, status: str = Form(""), note: str = Form("")
) -> RedirectResponse:
    """The user's answer to a program suggestion; a confirmation re-analyses the case."""
    case = load_case(request, case_id)
    mod = _suggestions_module()
    if mod is None:
        raise UsageError("web.unavailable")
    if len(note) > 5000:
        raise UsageError("web.findings.note_too_long")
    wanted = SUGGESTION_ANSWERS.get(status)
    if wanted is None:
        raise UsageError("web.findings.bad_status", status=status[:20])
    mod.set_suggestion(home_of(request), case.id, suggestion_id, wanted, note or None, actor="web")
    if wanted == "confirmed":
        fn = analyzer()
        if fn is not None:
            fn(home_of(request), case.id, actor="web")
        return see_other(f"/cases/{case.id}/findings")
    return see_other(f"/cases/{case.id}/findings#suggestions")


@router.post("/cases/{case_id}/analyze")
def run_analysis(request: Request, case_id: str) -> RedirectResponse:
    case = load_case(request, case_id)
    fn = analyzer()
    if fn is None:
        raise UsageError("web.unavailable")
    fn(home_of(request), case.id, actor="web")
    return see_other(f"/cases/{case.id}/findings")
