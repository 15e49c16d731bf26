"""Verify a case's evidence and ledger; export the signed evidence package."""

from __future__ import annotations

import datetime as dt
import os

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse

from dunguard.errors import NotFoundError
from dunguard.export import export_case
from dunguard.verify import verify_case
from dunguard.web.rendering import render
from dunguard.web.routes._common import home_of, load_case, see_other

router = APIRouter()


def _exports(request: Request, case_id: str) -> list[str]:
    folder = home_of(request).root / "exports" / case_id
    if not folder.is_dir():
        return []
    return sorted((p.name for p in folder.iterdir() if p.is_file() and p.suffix == ".zip"), reverse=True)


@router.get("/cases/{case_id}/integrity", response_class=HTMLResponse)
def integrity_page(request: Request, case_id: str) -> HTMLResponse:
    case = load_case(request, case_id)
    return render(request, "integrity.html", case=case, active="integrity", report=None,
                  exports=_exports(request, case.id))


@router.post("/cases/{case_id}/verify", response_class=HTMLResponse)
def verify(request: Request, case_id: str) -> HTMLResponse:
    case = load_case(request, case_id)
    report = verify_case(home_of(request), case.id)
    return render(request, "integrity.html", case=case, active="integrity", report=report,
                  exports=_exports(request, case.id))


@router.post("/cases/{case_id}/export")
def export(request: Request, case_id: str) -> RedirectResponse:
    case = load_case(request, case_id)
    folder = home_of(request).root / "exports" / case.id
    folder.mkdir(parents=True, exist_ok=True)
    name = f"evidence-{case.id[:8]}-{dt.datetime.now(dt.UTC).strftime('%Y%m%dT%H%M%SZ')}.zip"
    export_case(home_of(request), case.id, folder / name)
    return see_other(f"/cases/{case.id}/exports/{name}")


@router.get("/cases/{case_id}/exports/{name}")
def export_download(request: Request, case_id: str, name: str) -> FileResponse:
    """Only a name that is literally one of this case's export files is served (no traversal)."""
    case = load_case(request, case_id)
    if name not in _exports(request, case.id):
        raise NotFoundError("web.export.not_found", name=name[:80])
    folder = home_of(request).root / "exports" / case.id
    path = folder / name
    if os.path.islink(path):
        raise NotFoundError("web.export.not_found", name=name[:80])
    return FileResponse(path, media_type="application/zip", filename=name)
