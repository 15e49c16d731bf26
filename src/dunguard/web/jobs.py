"""Imports run in a background thread so a big backup does not hold the browser's request.

The upload request only stores the files in a staging folder and starts an :class:`ImportJob`;
the job page (``/cases/{id}/evidence/report/{job}``) shows the progress the import pipeline
reports (file name, bytes or rows done) and refreshes itself with ``<meta refresh>`` until
the job is finished, then shows the import report.  Jobs live in memory (the last 50).
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dunguard.errors import DunGuardError
from dunguard.home import Home
from dunguard.i18n import t
from dunguard.ingest.pipeline import FileReport, Progress

MAX_JOBS = 50
log = logging.getLogger("dunguard.web")


@dataclass
class ImportJob:
    id: str
    case_id: str
    names: list[str]
    started: float = field(default_factory=time.monotonic)
    state: str = "running"  # running | done | failed
    current: str | None = None
    current_total: int | None = None
    current_done: int = 0
    files_done: int = 0
    stage: str = "import"  # import | analyze
    report: dict[str, Any] | None = None
    error: str | None = None

    @property
    def percent(self) -> int | None:
        if self.current_total:
            return min(100, round(self.current_done * 100 / self.current_total))
        return None


class _JobProgress(Progress):
    def __init__(self, job: ImportJob, staging: Path) -> None:
        self.job = job
        self.prefix = str(staging) + "/"

    def _name(self, name: str) -> str:
        return name[len(self.prefix):] if name.startswith(self.prefix) else name

    def file_started(self, name: str, total: int | None) -> None:
        self.job.current, self.job.current_total, self.job.current_done = self._name(name), total, 0

    def advance(self, done: int) -> None:
        self.job.current_done = done

    def file_finished(self, report: FileReport) -> None:
        self.job.files_done += 1


class JobRegistry:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: OrderedDict[str, ImportJob] = OrderedDict()

    def get(self, job_id: str) -> ImportJob | None:
        with self._lock:
            return self._jobs.get(job_id)

    def start(self, home: Home, case_id: str, staging: Path, paths: list[Path], *, analyze: bool,
              warm: bool, background: bool = True, owner: str | None = None,
              owner_role: str | None = None) -> ImportJob:
        job = ImportJob(uuid.uuid4().hex, case_id, [p.name for p in paths])
        with self._lock:
            self._jobs[job.id] = job
            finished = [k for k, j in self._jobs.items() if j.state != "running"]
            while len(self._jobs) > MAX_JOBS and finished:
                del self._jobs[finished.pop(0)]

        def run() -> None:
            try:
                job.report = run_import(home, case_id, staging, paths, job, analyze=analyze, owner=owner,
                                        owner_role=owner_role)
                job.state = "done"
            except DunGuardError as exc:
                job.error, job.state = exc.message(), "failed"
            except Exception as exc:  # a bug: say so in one sentence, keep the traceback in the log
                log.exception("import job %s failed", job.id)
                job.error, job.state = t("web.error.internal", kind=type(exc).__name__), "failed"
            finally:
                shutil.rmtree(staging, ignore_errors=True)
            if warm:
                from dunguard.web.stats import warm as warm_stats

                warm_stats(home, [case_id])

        if background:
            threading.Thread(target=run, name=f"dunguard-import-{job.id[:8]}", daemon=True).start()
        else:
            run()
        return job


def run_import(home: Home, case_id: str, staging: Path, paths: list[Path], job: ImportJob, *,
               analyze: bool, owner: str | None = None, owner_role: str | None = None) -> dict[str, Any]:
    """The import pipeline (and analysis, when this version has it) for the staged files."""
    from dunguard.ingest.pipeline import import_paths

    imported = import_paths(home, case_id, paths, actor="web", progress=_JobProgress(job, staging),
                            owner=owner, owner_role=owner_role)
    files = imported.as_dict()["files"]
    prefix = str(staging) + "/"
    for f in files:  # show the uploaded name, not the staging folder
        if isinstance(f.get("file"), str) and f["file"].startswith(prefix):
            f["file"] = f["file"][len(prefix):]
    analysis: dict[str, Any] | None = None
    if analyze and imported.inserted:
        try:
            from dunguard.analyze.engine import analyze_case
        except ImportError:
            analyze_case = None  # type: ignore[assignment]
        if analyze_case is not None:
            job.stage = "analyze"
            analysis = analyze_case(home, case_id, actor="web").as_dict()
    return {"files": files, "inserted": imported.inserted, "analysis": analysis}
