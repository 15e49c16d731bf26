"""记一笔: the borrower's diary form (a call, a visit, a letter, a stop notice they sent).

A thin shell over :func:`dunguard.ingest.diary.add_diary_entry`, like ``dunguard log``.  After
saving, the case is re-analysed when the app analyses after uploads (the default), so a
logged stop notice shows up at once in the findings (rule T8).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from dunguard.ingest.diary import DIARY_KINDS, add_diary_entry
from dunguard.web.rendering import render
from dunguard.web.routes._common import home_of, load_case, optional_module, see_other
from dunguard.web.security import MAX_FIELDS

router = APIRouter()

_LIMITS = {"time": 40, "number": 40, "note": 2000, "duration": 12}


@router.get("/cases/{case_id}/log", response_class=HTMLResponse)
def diary_form(request: Request, case_id: str, kind: str = "call", saved: str = "") -> HTMLResponse:
    case = load_case(request, case_id)
    return render(request, "diary.html", case=case, active="timeline", kinds=DIARY_KINDS,
                  kind=kind if kind in DIARY_KINDS else "call", saved=saved == "1")


@router.post("/cases/{case_id}/log")
async def diary_save(request: Request, case_id: str) -> RedirectResponse:
    case = load_case(request, case_id)
    form = await request.form(max_files=0, max_fields=MAX_FIELDS)

    def field(name: str) -> str:
        value = form.get(name)
        return value.strip()[: _LIMITS.get(name, 20)] if isinstance(value, str) else ""

    when = field("time").replace("T", " ")  # <input type="datetime-local"> sends 2024-10-04T22:41
    kind = field("kind")
    home = home_of(request)
    add_diary_entry(home, case.id, when or "now", kind, field("number") or None, field("note") or None,
                    field("direction") or None, field("duration") or None, actor="web")
    engine = optional_module("dunguard.analyze.engine")
    if request.app.state.analyze_after_upload and engine is not None:
        engine.analyze_case(home, case.id, actor="web")
    return see_other(f"/cases/{case.id}/log?saved=1&kind={kind if kind in DIARY_KINDS else 'call'}")


__all__ = ["router"]
