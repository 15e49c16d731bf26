"""Interview wizard, action plan and documents (preview, download DOCX/PDF/TXT, copy text).

These pages call the act subsystem (``dunguard.act``); a part this version lacks is shown
as "not available in this version", never reimplemented here.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from dunguard.errors import NotFoundError, UsageError
from dunguard.i18n import current_lang
from dunguard.web.rendering import render
from dunguard.web.routes._common import home_of, load_case, optional_module, see_other
from dunguard.web.security import MAX_FIELDS
from dunguard.web.stats import SYNC_PLAN_EVENTS, event_count, peek, plan_steps, warm

router = APIRouter()

DOWNLOAD_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "txt": "text/plain; charset=utf-8",
}
MAX_LENDERS = 10


# ----------------------------------------------------------------------------- interview


def _interview() -> Any:
    return optional_module("dunguard.act.interview")


@router.get("/cases/{case_id}/interview", response_class=HTMLResponse)
def interview_page(request: Request, case_id: str, key: str = "") -> HTMLResponse:
    case = load_case(request, case_id)
    iv = _interview()
    if iv is None:
        return render(request, "interview.html", case=case, active="interview", available=False)
    facts_mod = optional_module("dunguard.act.facts")
    assert facts_mod is not None
    home = home_of(request)
    facts = facts_mod.load_facts(home, case.id)
    d = iv.definition()
    pending = iv.pending(facts)
    question = d.question(key) if key else (pending[0] if pending else None)
    if question is not None and key.startswith("lender."):
        question = None
    proposed = iv.defaults(home, facts)
    current: Any = None
    if question is not None:
        current = facts.answers.get(question.id)
        if current in (None, "", []):
            current = facts.fact(question.id)
        if current in (None, "", []):
            current = proposed.get(question.id)
    lenders: list[dict[str, Any]] = []
    if question is not None and question.type == "lenders":
        lenders = [dict(x) for x in (current or []) if isinstance(x, dict)]
        lenders.append({})  # one blank row to add another lender
    return render(
        request, "interview.html", case=case, active="interview", available=True, q=question,
        current=current, lenders=lenders, lender_fields=d.lender_fields, remaining=len(pending),
        review=iv.review(home, case.id, current_lang()), lang_code=current_lang(),
        selected={str(x) for x in current if not isinstance(x, dict)} if isinstance(current, list)
        else {str(current)},
    )


def _lenders_from(form: FormData, fields: Any) -> list[dict[str, Any]]:
    out = []
    for i in range(MAX_LENDERS + 1):
        row = {f.id: str(form.get(f"lender-{i}-{f.id}") or "").strip() for f in fields}
        if not any(row.values()):
            continue
        out.append({k: (v or None) for k, v in row.items()})
    return out[:MAX_LENDERS]


@router.post("/cases/{case_id}/interview")
async def interview_answer(request: Request, case_id: str) -> RedirectResponse:
    case = load_case(request, case_id)
    iv = _interview()
    if iv is None:
        raise UsageError("web.unavailable")
    form = await request.form(max_files=0, max_fields=MAX_FIELDS)
    key = str(form.get("key") or "")
    q = iv.definition().question(key)
    if q is None or key.startswith("lender."):
        raise UsageError("act.interview.unknown_key", file="-", key=key[:60])
    if form.get("action") == "skip":
        iv.save_answers(home_of(request), case.id, {}, skipped=[key], actor="web")
        return see_other(f"/cases/{case.id}/interview")
    value: Any
    if q.type == "multi":
        value = [str(v) for v in form.getlist("value")]
    elif q.type == "lenders":
        value = _lenders_from(form, iv.definition().lender_fields)
    else:
        value = str(form.get("value") or "")
    iv.save_answers(home_of(request), case.id, {key: value}, actor="web")
    return see_other(f"/cases/{case.id}/interview")


# ----------------------------------------------------------------------------- plan


@router.get("/cases/{case_id}/plan", response_class=HTMLResponse)
def plan_page(request: Request, case_id: str) -> HTMLResponse:
    case = load_case(request, case_id)
    home = home_of(request)
    lang = current_lang()
    if request.app.state.warm_cache and optional_module("dunguard.act.plan") is not None:
        found, steps = peek(home, case.id, f"plan:{lang}")
        if not found and event_count(home, case.id) >= SYNC_PLAN_EVENTS:  # big case: prepare it in the background
            warm(home, [case.id])
            return render(request, "plan.html", case=case, active="plan", steps=[], available=True,
                          doc_names={}, preparing=True)
    steps = plan_steps(home, case.id, lang)
    docs = _documents()
    doc_names = {k.id: k.name(lang) for k in docs.KINDS} if docs else {}
    return render(request, "plan.html", case=case, active="plan", steps=steps, available=steps is not None,
                  doc_names=doc_names, preparing=False)

# ----------------------------------------------------------------------------- documents


def _documents() -> Any:
    return optional_module("dunguard.act.documents")


@router.get("/cases/{case_id}/documents", response_class=HTMLResponse)
def documents_page(request: Request, case_id: str) -> HTMLResponse:
    case = load_case(request, case_id)
    docs = _documents()
    kinds = [(k.id, k.name(current_lang())) for k in docs.KINDS] if docs else []
    return render(request, "documents.html", case=case, active="documents", kinds=kinds,
                  available=docs is not None)


@router.get("/cases/{case_id}/documents/{kind_id}", response_class=HTMLResponse)
def document_preview(request: Request, case_id: str, kind_id: str) -> HTMLResponse:
    case = load_case(request, case_id)
    docs = _documents()
    if docs is None:
        raise UsageError("web.unavailable")
    kind = docs.kind(kind_id)
    facts_mod = optional_module("dunguard.act.facts")
    assert facts_mod is not None
    drafted = docs.compose(facts_mod.load_facts(home_of(request), case.id), kind.id)
    return render(request, "document.html", case=case, active="documents", kind=kind, doc=drafted,
                  text=drafted.render("txt"), pdf=_pdf_writer() is not None)


def _pdf_writer() -> Any:
    """PDF from the document's own HTML rendering (weasyprint, the ``pdf`` extra)."""
    docs = optional_module("dunguard.act.documents")
    if docs is None or optional_module("weasyprint") is None:
        return None

    def write(home: Any, case_id: str, kind_id: str, out: Path) -> None:
        import weasyprint

        facts = optional_module("dunguard.act.facts")
        assert facts is not None
        html = docs.compose(facts.load_facts(home, case_id), kind_id).render("html")
        weasyprint.HTML(string=html).write_pdf(str(out))

    return write


@router.get("/cases/{case_id}/documents/{kind_id}/download/{fmt}")
def document_download(request: Request, case_id: str, kind_id: str, fmt: str) -> Response:
    case = load_case(request, case_id)
    docs = _documents()
    if docs is None:
        raise UsageError("web.unavailable")
    if fmt not in DOWNLOAD_TYPES:
        raise NotFoundError("web.documents.bad_format", fmt=fmt[:10])
    kind = docs.kind(kind_id)
    if fmt == "pdf" and _pdf_writer() is None:
        raise UsageError("web.unavailable")
    with tempfile.TemporaryDirectory(prefix="dunguard-web-doc-") as tmp:
        out = Path(tmp) / f"{kind.id}.{fmt}"
        if fmt == "pdf":
            _pdf_writer()(home_of(request), case.id, kind.id, out)
        else:
            docs.draft(home_of(request), case.id, kind.id, out)
        data = out.read_bytes()
    filename = f"{kind.name(current_lang())}.{fmt}"
    from urllib.parse import quote

    return Response(
        data,
        media_type=DOWNLOAD_TYPES[fmt],
        headers={"content-disposition": f"attachment; filename=\"{kind.id}.{fmt}\"; filename*=UTF-8''{quote(filename)}"},
    )
