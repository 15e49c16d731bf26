"""Evidence packages: one ZIP that anyone can check without DunGuard.

Contents: the originals (byte-exact), derived files, the ledger mirror, an HTML 证据清单,
``manifest.json`` (every file's sha256, size, role and source), ``manifest.sig`` (Ed25519
signature of the manifest's exact bytes with this installation's key) and ``verify.py``
(standard library only; it checks signature, files and ledger chain).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import re
import tempfile
import zipfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dunguard import __version__
from dunguard.errors import NotFoundError, StorageError
from dunguard.home import Home
from dunguard.models import Case, Derived, Event, Evidence, Party
from dunguard.signing import Signer
from dunguard.timeutil import isoformat_utc, local, utcnow
from dunguard.verify import load_db_entries

FORMAT = "dunguard-evidence-package"
FORMAT_VERSION = 1
EVIDENCE_LIST = "证据清单.html"


@dataclass(frozen=True, slots=True)
class ExportResult:
    path: Path
    files: int
    ledger_head: str
    fingerprint: str

    def as_dict(self) -> dict[str, Any]:
        return {"path": str(self.path), "files": self.files, "ledger_head": self.ledger_head,
                "fingerprint": self.fingerprint}


def _template(name: str) -> str:
    return (resources.files("dunguard") / "templates" / name).read_text(encoding="utf-8")


def _safe_name(name: str) -> str:
    name = re.sub(r"[\\/:*?\"<>|\x00-\x1f]", "_", name).strip(" .") or "file"
    return name[:120]


def _source_text(ev: Evidence) -> str:
    parts = [p for p in (ev.source_app, ev.source_device) if p]
    how = {"add": "用户提交原件", "import": "导入并解析", "log": "用户手动记录", "web-upload": "网页上传"}
    parts.append(how.get(ev.method, ev.method))
    if ev.format:
        parts.append(f"格式：{ev.format}")
    return "；".join(parts)


def _archive_name(n: int, ev: Evidence) -> str:
    return f"originals/{n:03d}_{_safe_name(ev.original_name)}"


def evidence_rows(s: Session, case_id: str, tz: str, evidence: list[Evidence] | None = None) -> list[dict[str, Any]]:
    """The rows of the 证据清单 (序号, 名称, 类型, 来源, 形成时间, 包内路径, sha256, 证明目的).

    Shared by the evidence package and the 《证据清单》 document (``dunguard.act``)."""
    if evidence is None:
        evidence = list(s.scalars(select(Evidence).where(Evidence.case_id == case_id).order_by(Evidence.id)))
    spans = {
        eid: (lo, hi)
        for eid, lo, hi in s.execute(
            select(Event.evidence_id, func.min(Event.time_utc), func.max(Event.time_utc))
            .where(Event.case_id == case_id)
            .group_by(Event.evidence_id)
        )
    }
    rows: list[dict[str, Any]] = []
    for n, ev in enumerate(evidence, start=1):
        span = spans.get(ev.id)
        if span and span[0] is not None:
            lo, hi = local(span[0], tz), local(span[1], tz)
            formed = f"{lo:%Y-%m-%d %H:%M} 至 {hi:%Y-%m-%d %H:%M}（记录时间）"
        elif ev.original_mtime is not None:
            formed = f"{local(ev.original_mtime, tz):%Y-%m-%d %H:%M}（文件修改时间）"
        else:
            formed = "【待填写】"
        rows.append({"no": n, "name": ev.original_name, "kind": ev.media_type, "source": _source_text(ev),
                     "formed": formed, "path": _archive_name(n, ev), "sha256": ev.sha256, "purpose": None,
                     "evidence_id": ev.id})
    return rows


def export_case(home: Home, case_id: str, output: Path) -> ExportResult:
    """Write the evidence package for ``case_id`` to ``output`` (atomically)."""
    signer = Signer(home.keys_dir)
    folder = home.case_dir(case_id)
    with home.case_lock(case_id), home.store.session() as s:
        case = s.get(Case, case_id)
        if case is None:
            raise NotFoundError("error.case.not_found", ref=case_id)
        evidence = list(s.scalars(select(Evidence).where(Evidence.case_id == case_id).order_by(Evidence.id)))
        derived = list(s.scalars(select(Derived).where(Derived.case_id == case_id).order_by(Derived.id)))
        debtor = s.scalar(select(Party.name).where(Party.case_id == case_id, Party.role == "debtor"))
        entries = load_db_entries(home, case_id)
        tz = case.timezone

        files: list[dict[str, Any]] = []
        payload: list[tuple[str, Path | bytes]] = []
        add_seq = {e.object_hash: e.seq for e in entries if e.action == "add"}
        for n, ev in enumerate(evidence, start=1):
            arc = _archive_name(n, ev)
            payload.append((arc, folder / ev.stored_path))
            files.append({
                "path": arc, "sha256": ev.sha256, "size": ev.size, "role": "original",
                "media_type": ev.media_type, "original_name": ev.original_name,
                "added_at": isoformat_utc(ev.added_at), "method": ev.method,
                "source_app": ev.source_app, "source_device": ev.source_device, "format": ev.format,
                "ledger_seq": add_seq.get(ev.sha256),
            })
        rows = evidence_rows(s, case_id, tz, evidence)
        by_id = {ev.id: ev for ev in evidence}
        for m, d in enumerate(derived, start=1):
            ext = {"application/json": ".json", "text/plain": ".txt"}.get(d.media_type, "")
            arc = f"derived/{m:03d}_{d.kind}_{d.sha256[:12]}{ext}"
            payload.append((arc, folder / d.stored_path))
            parent = by_id.get(d.evidence_id)
            files.append({
                "path": arc, "sha256": d.sha256, "size": d.size, "role": "derived", "kind": d.kind,
                "media_type": d.media_type, "producer": d.producer,
                "derived_from": parent.sha256 if parent else None,
            })

    ledger_bytes = "".join(e.to_json_line() + "\n" for e in entries).encode("utf-8")
    head = entries[-1].entry_hash if entries else ""
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    html = env.from_string(_template("evidence_list.html")).render(
        case=case, rows=rows, debtor=debtor, today=dt.date.today().isoformat(),
        fingerprint=signer.fingerprint, ledger_head=head,
    ).encode("utf-8")
    now = utcnow()
    readme = _template("package_readme.txt").format(
        title=case.title, created=isoformat_utc(now), fingerprint=signer.fingerprint, head=head
    ).encode("utf-8")
    verifier = _template("package_verify.py.txt").encode("utf-8")
    for arc, data, role in (("ledger.jsonl", ledger_bytes, "ledger"), (EVIDENCE_LIST, html, "evidence_list"),
                            ("README.txt", readme, "readme"), ("verify.py", verifier, "tool")):
        payload.append((arc, data))
        files.append({"path": arc, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data), "role": role})

    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "generator": f"DunGuard {__version__}",
        "created_at": isoformat_utc(now),
        "case": {"id": case.id, "title": case.title, "is_demo": case.is_demo, "timezone": tz},
        "ledger": {"file": "ledger.jsonl", "entries": len(entries), "head": head},
        "public_key": {"algorithm": "Ed25519", "key": signer.public_b64, "fingerprint": signer.fingerprint},
        "files": files,
    }
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")
    signature = base64.b64encode(signer.sign(manifest_bytes)) + b"\n"

    output = output.expanduser()
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".dunguard-export-", suffix=".zip", dir=output.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as z:
            z.writestr("manifest.json", manifest_bytes)
            z.writestr("manifest.sig", signature)
            for arc, src in payload:
                if isinstance(src, bytes):
                    z.writestr(arc, src)
                else:
                    z.write(src, arc)
        os.replace(tmp, output)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise StorageError.from_os(exc, str(output)) from exc
    with home.transaction(case_id, actor="cli") as tx:
        tx.log("export", None, {"file": output.name, "files": len(files), "ledger_head": head,
                                "fingerprint": signer.fingerprint})
    return ExportResult(output, len(files), head, signer.fingerprint)
