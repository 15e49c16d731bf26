"""Cases: list, create, delete (with a confirmation page)."""

from __future__ import annotations

import shutil

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from dunguard.cases import create_case, delete_case, list_cases
from dunguard.errors import UsageError
from dunguard.web.rendering import render
from dunguard.web.routes._common import home_of, load_case, see_other

router = APIRouter()


@router.get("/cases", response_class=HTMLResponse)
def cases_page(request: Request) -> HTMLResponse:
    return render(request, "cases.html", cases=list_cases(home_of(request)), active="cases")


@router.post("/cases")
def cases_create(
    request: Request,
    title: str = Form(""),
    debtor_name: str = Form(""),
    debtor_phone: str = Form(""),
) -> RedirectResponse:
    if len(title) > 200:
        raise UsageError("web.case.title_too_long")
    case = create_case(
        home_of(request),
        title,
        debtor_name=debtor_name.strip() or None,
        debtor_phone=debtor_phone.strip() or None,
        actor="web",
    )
    return see_other(f"/cases/{case.id}")


@router.get("/cases/{case_id}/delete", response_class=HTMLResponse)
def case_delete_confirm(request: Request, case_id: str) -> HTMLResponse:
    return render(request, "case_delete.html", case=load_case(request, case_id))


@router.post("/cases/{case_id}/delete")
def case_delete(request: Request, case_id: str, confirm: str = Form("")) -> RedirectResponse:
    case = load_case(request, case_id)
    if confirm != "yes":
        raise UsageError("web.case.delete_unconfirmed")
    delete_case(home_of(request), case.id)
    exports = home_of(request).root / "exports" / case.id  # packages exported through the web app
    shutil.rmtree(exports, ignore_errors=True)
    return see_other("/cases")
