"""Self-protection tools (issue 8): app audit, contract scan, lender check, caller table.

Two pages:

* ``/prevent`` needs no case: a lender lookup, and an APK / contract check for someone who
  is deciding whether to borrow.  Nothing is stored; the uploaded file is deleted at once.
* ``/cases/{id}/prevent``: the same checks, but the APK or contract goes into the case's
  vault with the report beside it (``dunguard.prevent.service``), plus the caller table with
  its CSV and blocklist downloads.  A stored check is shown at ``/cases/{id}/prevent/{evidence}``
  from the stored report; the contract's marked-up copy is a download (``attachment``).

Routes call the same library functions as ``dunguard.cli.prevent``.
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from dunguard.errors import DunGuardError, NotFoundError, UsageError
from dunguard.i18n import current_lang, t
from dunguard.models import Derived, Evidence
from dunguard.web.rendering import render
from dunguard.web.routes._common import RowId, home_of, load_case, see_other
from dunguard.web.routes.evidence import evidence_with_derived, safe_filename, vault_file
from dunguard.web.security import MAX_FIELDS, MAX_FILES

router = APIRouter()

APK_SUFFIXES = frozenset({".apk", ".xapk", ".apks"})
CONTRACT_SUFFIXES = frozenset({".pdf", ".docx", ".html", ".htm", ".txt"})
CALLERS_SHOWN = 300  # rows on the page; the downloads have every number
LENDER_MAX = 100  # characters of a lender query
LenderQuery = Annotated[str | None, Query(max_length=LENDER_MAX)]
AllNumbers = Annotated[bool, Query(alias="all")]


# ---------------------------------------------------------------------------------------------
# Shared helpers


@contextmanager
def _staged_upload(request: Request, field: str, suffixes: frozenset[str]) -> Iterator[tuple[Path, str]]:
    """The uploaded file in a private staging folder (removed afterwards) and its safe name."""
    form = request.state.prevent_form
    upload = form.get(field)
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise UsageError("web.upload.no_files")
    name = safe_filename(upload.filename)
    if not name or Path(name.lower()).suffix not in suffixes:
        raise HTTPException(
            415, detail=t("web.prevent.bad_type", name=name or "?", types=" ".join(sorted(suffixes)))
        )
    staging = home_of(request).root / "uploads" / uuid.uuid4().hex
    staging.mkdir(parents=True)
    try:
        yield staging / name, name
    finally:
        shutil.rmtree(staging, ignore_errors=True)


async def _read_form(request: Request) -> None:
    request.state.prevent_form = await request.form(max_files=MAX_FILES, max_fields=MAX_FIELDS)


async def _save(request: Request, field: str, target: Path) -> None:
    upload = request.state.prevent_form.get(field)
    assert isinstance(upload, UploadFile)
    try:
        with target.open("wb") as out:
            await upload.seek(0)
            while chunk := await upload.read(1 << 20):
                out.write(chunk)
    finally:
        await upload.close()


def _named(exc: DunGuardError, path: Path, name: str) -> DunGuardError:
    """The error naming the file as the user named it, not by its staging path."""
    for key, value in exc.params.items():
        if isinstance(value, str) and str(path) in value:
            exc.params[key] = value.replace(str(path), name)
    return exc


def _statutes(ids: list[str]) -> dict[str, dict[str, str]]:
    from dunguard.prevent.citations import statute

    out: dict[str, dict[str, str]] = {}
    for sid in dict.fromkeys(ids):
        try:
            st = statute(sid)
        except KeyError:  # a report stored by an older version citing a dropped id
            continue
        out[sid] = {"citation": st.citation(), "text": st.text}
    return out


def _references(ids: list[str]) -> list[dict[str, str]]:
    from dunguard.prevent.citations import reference

    out: list[dict[str, str]] = []
    for rid in dict.fromkeys(ids):
        try:
            ref = reference(rid)
        except KeyError:
            continue
        out.append({"title": ref.title, "item": ref.item, "note": ref.note(current_lang())})
    return out


def _grouped(ids: list[str], statutes: dict[str, dict[str, str]]) -> str:
    """``《法A》第一条、第二条；《法B》第三条`` (grouped by law, order kept), like the CLI."""
    from dunguard.prevent.citations import statute

    by_law: dict[str, list[str]] = {}
    for sid in dict.fromkeys(ids):
        if sid in statutes:
            st = statute(sid)
            by_law.setdefault(st.law, []).append(st.article)
    return "；".join(f"《{law}》" + "、".join(arts) for law, arts in by_law.items())


def _audit_context(audit: dict[str, Any], name: str) -> dict[str, Any]:
    findings = audit.get("findings") or []
    statutes = _statutes([sid for f in findings for sid in f.get("basis", [])])
    return {
        "audit": audit,
        "file_name": name,
        "not_needed": sum(1 for f in findings if f.get("needed") == "no"),
        "statutes": statutes,
        "cites": [_grouped(f.get("basis", []), statutes) for f in findings],
        "references": _references([r for f in findings for r in f.get("see_also", [])]),
    }


def _scan_context(scan: dict[str, Any], name: str) -> dict[str, Any]:
    hits = scan.get("hits") or []
    statutes = _statutes([sid for h in hits for sid in h.get("basis", [])])
    return {
        "scan": scan,
        "file_name": name,
        "statutes": statutes,
        "cites": [_grouped(h.get("basis", []), statutes) for h in hits],
    }


# ---------------------------------------------------------------------------------------------
# Without a case: deciding whether to borrow


@router.get("/prevent", response_class=HTMLResponse)
def check_page(request: Request, lender: LenderQuery = None) -> HTMLResponse:
    result: dict[str, Any] | None = None
    if lender is not None and lender.strip():
        from dunguard.prevent.lenders import check_lender

        r = check_lender(lender.strip())
        result = r.to_dict()
        result["licensed"] = r.licensed
    return render(
        request,
        "prevent_check.html",
        active="prevent",
        lender=lender or "",
        lender_result=result,
        lender_max=LENDER_MAX,
    )


@router.post("/prevent/apk", response_class=HTMLResponse)
async def check_apk(request: Request) -> HTMLResponse:
    from dunguard.prevent.app_audit import audit_apk

    await _read_form(request)
    with _staged_upload(request, "file", APK_SUFFIXES) as (path, name):
        await _save(request, "file", path)
        try:
            audit = await run_in_threadpool(audit_apk, path)
        except DunGuardError as exc:
            raise _named(exc, path, name) from None
    return render(
        request, "prevent_apk.html", active="prevent", stored=None, **_audit_context(audit.to_dict(), name)
    )


@router.post("/prevent/contract")
async def check_contract(request: Request) -> Response:
    """The scan shown as a page, or (``want=marked``) the marked-up copy as a download."""
    from dunguard.prevent.contract import render_marked_html, scan_contract

    await _read_form(request)
    with _staged_upload(request, "file", CONTRACT_SUFFIXES) as (path, name):
        await _save(request, "file", path)
        try:
            scan = await run_in_threadpool(scan_contract, path)
        except DunGuardError as exc:
            raise _named(exc, path, name) from None
    if request.state.prevent_form.get("want") == "marked":
        scan.file = name  # the copy names the file as the user named it
        return _download(
            render_marked_html(scan), "text/html; charset=utf-8", f"contract-review-{scan.sha256[:12]}.html"
        )
    return render(
        request,
        "prevent_contract.html",
        active="prevent",
        stored=None,
        marked_url=None,
        **_scan_context(scan.to_dict(), name),
    )


# ---------------------------------------------------------------------------------------------
# In a case: the file and the report become evidence


def _checks(request: Request, case_id: str) -> list[Evidence]:
    with home_of(request).store.session() as s:
        return list(
            s.scalars(
                select(Evidence)
                .where(Evidence.case_id == case_id, Evidence.method == "prevent")
                .order_by(Evidence.id.desc())
            )
        )


@router.get("/cases/{case_id}/prevent", response_class=HTMLResponse)
def case_page(request: Request, case_id: str) -> HTMLResponse:
    from dunguard.prevent.callers import blockable, caller_table

    case = load_case(request, case_id)
    rows = caller_table(home_of(request), case)
    return render(
        request,
        "prevent_case.html",
        case=case,
        active="prevent",
        checks=_checks(request, case.id),
        callers=rows[:CALLERS_SHOWN],
        callers_total=len(rows),
        blockable=len(blockable(rows)),
        apk_accept=",".join(sorted(APK_SUFFIXES)),
        contract_accept=",".join(sorted(CONTRACT_SUFFIXES)),
    )


@router.post("/cases/{case_id}/prevent/apk")
async def case_apk(request: Request, case_id: str) -> RedirectResponse:
    from dunguard.prevent.service import audit_apk_into_case

    return await _check_into_case(request, case_id, APK_SUFFIXES, audit_apk_into_case)


@router.post("/cases/{case_id}/prevent/contract")
async def case_contract(request: Request, case_id: str) -> RedirectResponse:
    from dunguard.prevent.service import scan_contract_into_case

    return await _check_into_case(request, case_id, CONTRACT_SUFFIXES, scan_contract_into_case)


async def _check_into_case(
    request: Request, case_id: str, suffixes: frozenset[str], check: Callable[..., tuple[Any, Any]]
) -> RedirectResponse:
    """Stage the uploaded file, run ``check`` (store it as evidence with its report), show the result."""
    case = load_case(request, case_id)
    await _read_form(request)
    with _staged_upload(request, "file", suffixes) as (path, name):
        await _save(request, "file", path)
        try:
            _report, stored = await run_in_threadpool(partial(check, actor="web"), home_of(request), case.id, path)
        except DunGuardError as exc:
            raise _named(exc, path, name) from None
    return see_other(f"/cases/{case.id}/prevent/{stored.evidence_id}?new={int(stored.is_new)}")


# Downloads come before /cases/{id}/prevent/{evidence_id} so their names are not taken for ids.


def _download(text: str, media_type: str, filename: str) -> Response:
    return Response(
        text.encode("utf-8"),
        media_type=media_type,
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/cases/{case_id}/prevent/callers.csv")
def callers_csv(request: Request, case_id: str) -> Response:
    from dunguard.prevent.callers import caller_table, table_csv

    case = load_case(request, case_id)
    text = "\ufeff" + table_csv(caller_table(home_of(request), case))
    return _download(text, "text/csv; charset=utf-8", f"callers-{case.id[:8]}.csv")


@router.get("/cases/{case_id}/prevent/blocklist.vcf")
def blocklist_vcf(request: Request, case_id: str, include_all: AllNumbers = False) -> Response:
    from dunguard.prevent.callers import blockable, caller_table, vcard

    case = load_case(request, case_id)
    rows = blockable(caller_table(home_of(request), case), include_all=include_all)
    return _download(vcard(rows), "text/vcard; charset=utf-8", f"blocklist-{case.id[:8]}.vcf")


@router.get("/cases/{case_id}/prevent/blocklist.csv")
def blocklist_contacts_csv(request: Request, case_id: str, include_all: AllNumbers = False) -> Response:
    from dunguard.prevent.callers import blockable, blocklist_csv, caller_table

    case = load_case(request, case_id)
    rows = blockable(caller_table(home_of(request), case), include_all=include_all)
    return _download(
        "\ufeff" + blocklist_csv(rows), "text/csv; charset=utf-8", f"blocklist-{case.id[:8]}.csv"
    )


def _report(request: Request, case_id: str, derived: list[Derived], kind: str) -> dict[str, Any] | None:
    match = next((d for d in reversed(derived) if d.kind == kind), None)
    if match is None:
        return None
    try:
        data = json.loads(vault_file(request, case_id, match.stored_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _display_name(ev: Evidence) -> str:
    return ev.original_name.replace("\\", "/").rsplit("/", 1)[-1]


@router.get("/cases/{case_id}/prevent/{evidence_id}", response_class=HTMLResponse)
def case_result(request: Request, case_id: str, evidence_id: RowId, new: int | None = None) -> HTMLResponse:
    """A stored check, shown from the report stored beside the file (re-run if there is none)."""
    case = load_case(request, case_id)
    ev, derived = evidence_with_derived(request, case.id, evidence_id)
    name = _display_name(ev)
    stored = {"evidence_id": ev.id, "sha256": ev.sha256, "new": None if new is None else new != 0}
    if ev.format == "apk" or any(d.kind == "app_audit" for d in derived):
        audit = _report(request, case.id, derived, "app_audit")
        if audit is None:
            from dunguard.prevent.app_audit import audit_apk

            audit = audit_apk(vault_file(request, case.id, ev.stored_path)).to_dict()
        return render(
            request,
            "prevent_apk.html",
            case=case,
            active="prevent",
            stored=stored,
            **_audit_context(audit, name),
        )
    scan = _report(request, case.id, derived, "contract_scan")
    if scan is None:
        if not (ev.format or "").startswith("contract-"):
            raise NotFoundError("web.prevent.no_report", id=ev.id)
        from dunguard.prevent.contract import scan_contract

        scan = scan_contract(vault_file(request, case.id, ev.stored_path)).to_dict()
    marked = any(d.kind == "contract_review" for d in derived)
    return render(
        request,
        "prevent_contract.html",
        case=case,
        active="prevent",
        stored=stored,
        marked_url=f"/cases/{case.id}/prevent/{ev.id}/marked.html" if marked else None,
        **_scan_context(scan, name),
    )


@router.get("/cases/{case_id}/prevent/{evidence_id}/marked.html")
def case_marked(request: Request, case_id: str, evidence_id: RowId) -> FileResponse:
    """The marked-up copy for a lawyer: user content, so always a download, never a page."""
    case = load_case(request, case_id)
    ev, derived = evidence_with_derived(request, case.id, evidence_id)
    match = next((d for d in reversed(derived) if d.kind == "contract_review"), None)
    if match is None:
        raise NotFoundError("web.prevent.no_report", id=ev.id)
    path = vault_file(request, case.id, match.stored_path)
    return FileResponse(
        path,
        media_type="text/html; charset=utf-8",
        filename=f"contract-review-{ev.id}-{ev.sha256[:12]}.html",
        content_disposition_type="attachment",
    )
