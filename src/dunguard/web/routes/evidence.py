"""Evidence: drag-and-drop upload, the list (hash, source, time range), preview, download."""

from __future__ import annotations

import json
import re
import shutil
import uuid
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from sqlalchemy import func, select
from starlette.datastructures import UploadFile

from dunguard.errors import NotFoundError, UsageError
from dunguard.i18n import t
from dunguard.models import Derived, Evidence
from dunguard.web.rendering import render
from dunguard.web.routes._common import PageNo, RowId, home_of, load_case, see_other
from dunguard.web.security import MAX_FIELDS, MAX_FILES
from dunguard.web.stats import evidence_ranges
from dunguard.web.timeline import PAGE_SIZE, TimelineFilter, timeline_page

router = APIRouter()

EVIDENCE_PAGE = 100
# Every format an importer reads (see dunguard.ingest); anything else is refused before it is stored.
ALLOWED_SUFFIXES = frozenset({
    ".xml", ".json", ".csv", ".tsv", ".txt", ".vcf", ".zip", ".html", ".htm",
    ".png", ".jpg", ".jpeg", ".webp", ".heic", ".heif", ".bmp", ".gif",
    ".db", ".sqlite", ".sqlite3",
    ".m4a", ".mp3", ".amr", ".wav", ".aac", ".ogg", ".opus", ".3gp", ".mp4", ".m4b",
})
COMPANION_SUFFIXES = ("-wal", "-shm", "-journal")
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/webp", "image/gif", "image/bmp"})
_UNSAFE = re.compile(r"[\\/:*?\"<>|\x00-\x1f\x7f]")


def safe_filename(name: str | None) -> str:
    """The last path component of an uploaded name, without separators or control characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE.sub("_", base).strip(" .")
    return base[:150]


def allowed(name: str) -> bool:
    lower = name.lower()
    for comp in COMPANION_SUFFIXES:
        if lower.endswith(comp):
            lower = lower[: -len(comp)]
    return Path(lower).suffix in ALLOWED_SUFFIXES


@router.get("/cases/{case_id}/evidence", response_class=HTMLResponse)
def evidence_page(request: Request, case_id: str, page: PageNo = 1) -> HTMLResponse:
    case = load_case(request, case_id)
    home = home_of(request)
    page = max(page, 1)
    with home.store.session() as s:
        total = int(s.scalar(select(func.count()).where(Evidence.case_id == case.id)) or 0)
        items = list(
            s.scalars(
                select(Evidence).where(Evidence.case_id == case.id).order_by(Evidence.id)
                .offset((page - 1) * EVIDENCE_PAGE).limit(EVIDENCE_PAGE)
            )
        )
    return render(
        request, "evidence.html", case=case, active="evidence", items=items, ranges=evidence_ranges(home, case.id),
        page=page, pages=max(1, -(-total // EVIDENCE_PAGE)), total=total,
        max_upload=request.app.state.max_upload_bytes, accept=",".join(sorted(ALLOWED_SUFFIXES)),
    )


@router.post("/cases/{case_id}/evidence")
async def evidence_upload(request: Request, case_id: str) -> RedirectResponse:
    case = load_case(request, case_id)
    home = home_of(request)
    form = await request.form(max_files=MAX_FILES, max_fields=MAX_FIELDS)
    uploads = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
    if not uploads:
        raise UsageError("web.upload.no_files")
    names = []
    for up in uploads:
        name = safe_filename(up.filename)
        if not name or not allowed(name):
            raise HTTPException(415, detail=t("web.upload.bad_type", name=name or "?",
                                              types=" ".join(sorted(ALLOWED_SUFFIXES))))
        names.append(name)
    owner, owner_role = _owner(form.get("owner_name"), form.get("owner_role"))
    staging = home.root / "uploads" / uuid.uuid4().hex
    staging.mkdir(parents=True)
    try:
        paths = []
        for up, name in zip(uploads, names, strict=True):
            target = staging / name
            n = 1
            while target.exists():
                target = staging / f"{Path(name).stem}-{n}{Path(name).suffix}"
                n += 1
            with target.open("wb") as out:
                await up.seek(0)
                while chunk := await up.read(1 << 20):
                    out.write(chunk)
            paths.append(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        for up in uploads:
            await up.close()
    state = request.app.state
    job = state.import_jobs.start(home, case.id, staging, paths, analyze=state.analyze_after_upload,
                                  warm=state.warm_cache, background=state.background_imports,
                                  owner=owner, owner_role=owner_role)
    return see_other(f"/cases/{case.id}/evidence/report/{job.id}")


def _owner(name: object, role: object) -> tuple[str | None, str | None]:
    """Whose phone the upload comes from: (None, None) for the user's own phone."""
    from dunguard.ingest.pipeline import OWNER_ROLES

    clean = name.strip() if isinstance(name, str) else ""
    chosen = role if isinstance(role, str) and role else None
    if chosen is not None and chosen not in OWNER_ROLES:
        raise UsageError("ingest.owner.bad_role", role=chosen[:40], roles=", ".join(OWNER_ROLES))
    if chosen is not None and not clean:
        raise UsageError("web.upload.owner.name_missing")
    return (clean[:200], chosen) if clean else (None, None)


@router.get("/cases/{case_id}/evidence/report/{job_id}", response_class=HTMLResponse)
def upload_report(request: Request, case_id: str, job_id: str) -> HTMLResponse:
    """The import's progress (refreshing itself) and, when it is finished, its report."""
    case = load_case(request, case_id)
    job = request.app.state.import_jobs.get(job_id)
    if job is None or job.case_id != case.id:
        raise NotFoundError("web.upload.report_gone")
    return render(request, "upload_report.html", case=case, active="evidence", job=job, report=job.report)


def evidence_with_derived(request: Request, case_id: str, evidence_id: int) -> tuple[Evidence, list[Derived]]:
    with home_of(request).store.session() as s:
        ev = s.get(Evidence, evidence_id)
        if ev is None or ev.case_id != case_id:
            raise NotFoundError("web.evidence.not_found", id=evidence_id)
        derived = list(s.scalars(select(Derived).where(Derived.evidence_id == ev.id).order_by(Derived.id)))
    return ev, derived


def vault_file(request: Request, case_id: str, stored_path: str) -> Path:
    """The vault file, refusing anything that would resolve outside the case folder."""
    folder = home_of(request).case_dir(case_id).resolve()
    path = (folder / stored_path).resolve()
    if not path.is_relative_to(folder) or not path.is_file():
        raise NotFoundError("web.evidence.file_missing", path=stored_path)
    return path


@router.get("/cases/{case_id}/evidence/{evidence_id}", response_class=HTMLResponse)
def evidence_detail(request: Request, case_id: str, evidence_id: RowId, after: str | None = None) -> HTMLResponse:
    case = load_case(request, case_id)
    ev, derived = evidence_with_derived(request, case.id, evidence_id)
    ocr_lines: list[str] = []
    for d in derived:
        if d.kind == "ocr" and d.media_type == "application/json":
            try:
                payload = json.loads(vault_file(request, case.id, d.stored_path).read_text(encoding="utf-8"))
            except (OSError, ValueError, NotFoundError):
                continue
            ocr_lines += [str(line.get("text", "")) for line in payload.get("lines", []) if isinstance(line, dict)]
    page = timeline_page(home_of(request), case.id, TimelineFilter(evidence_id=ev.id), cursor=after,
                         limit=PAGE_SIZE)
    return render(
        request, "evidence_detail.html", case=case, active="evidence", ev=ev, derived=derived,
        is_image=ev.media_type in IMAGE_TYPES, ocr_lines=ocr_lines, page=page,
    )


@router.get("/cases/{case_id}/evidence/{evidence_id}/original")
def evidence_original(request: Request, case_id: str, evidence_id: RowId) -> FileResponse:
    case = load_case(request, case_id)
    ev, _ = evidence_with_derived(request, case.id, evidence_id)
    path = vault_file(request, case.id, ev.stored_path)
    inline = ev.media_type in IMAGE_TYPES
    return FileResponse(
        path,
        media_type=ev.media_type if inline else "application/octet-stream",
        filename=safe_filename(ev.original_name) or f"evidence-{ev.id}",
        content_disposition_type="inline" if inline else "attachment",
    )


@router.get("/cases/{case_id}/evidence/{evidence_id}/derived/{derived_id}")
def evidence_derived(request: Request, case_id: str, evidence_id: RowId, derived_id: RowId) -> FileResponse:
    case = load_case(request, case_id)
    _ev, derived = evidence_with_derived(request, case.id, evidence_id)
    match = next((d for d in derived if d.id == derived_id), None)
    if match is None:
        raise NotFoundError("web.evidence.not_found", id=derived_id)
    path = vault_file(request, case.id, match.stored_path)
    return FileResponse(path, media_type="application/octet-stream",
                        filename=f"{match.kind}-{match.sha256[:12]}", content_disposition_type="attachment")


