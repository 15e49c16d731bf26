"""Adding originals to a case (no parsing: that is ``dunguard.ingest``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dunguard.errors import InputError
from dunguard.home import Home
from dunguard.vault import check_readable_file


@dataclass(frozen=True, slots=True)
class AddResult:
    name: str
    sha256: str
    size: int
    evidence_id: int
    is_new: bool

    def as_dict(self) -> dict[str, object]:
        return {"name": self.name, "sha256": self.sha256, "size": self.size,
                "evidence_id": self.evidence_id, "new": self.is_new}


def add_files(
    home: Home,
    case_id: str,
    paths: list[Path],
    *,
    actor: str = "cli",
    method: str = "add",
    source_app: str | None = None,
    source_device: str | None = None,
) -> list[AddResult]:
    """Store each file byte-exact in one transaction: all are added, or none."""
    if not paths:
        raise InputError("error.add.no_files")
    for p in paths:  # fail before touching anything
        check_readable_file(p)
    results: list[AddResult] = []
    with home.transaction(case_id, actor=actor) as tx:
        for p in paths:
            ev, is_new = tx.add_original(p, method=method, source_app=source_app, source_device=source_device)
            results.append(AddResult(p.name, ev.sha256, ev.size, ev.id, is_new))
    return results
