"""Helpers shared by the page modules."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Annotated

from fastapi import Path, Query, Request
from fastapi.responses import RedirectResponse

from dunguard.errors import NotFoundError
from dunguard.home import Home
from dunguard.models import Case

# Ids and page numbers from URLs: anything outside these ranges is refused as a bad request
# (a 64-bit overflow would otherwise reach the database driver).
RowId = Annotated[int, Path(ge=1, le=2**62)]
PageNo = Annotated[int, Query(ge=1, le=1_000_000)]


def home_of(request: Request) -> Home:
    home: Home = request.app.state.home
    return home


def load_case(request: Request, case_id: str) -> Case:
    """The case with exactly this id (URLs always carry the full id)."""
    if not (len(case_id) == 32 and all(c in "0123456789abcdef" for c in case_id)):
        raise NotFoundError("error.case.not_found", ref=case_id[:40])
    with home_of(request).store.session() as s:
        case = s.get(Case, case_id)
    if case is None:
        raise NotFoundError("error.case.not_found", ref=case_id)
    return case


def optional_module(name: str) -> ModuleType | None:
    """A subsystem module that may not exist in this version (shown as "not available")."""
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def see_other(url: str) -> RedirectResponse:
    """Redirect after a successful POST (so a reload does not repeat it)."""
    return RedirectResponse(url, status_code=303)
