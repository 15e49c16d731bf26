"""One module per page; each exposes ``router`` (an ``APIRouter``)."""

from __future__ import annotations

from fastapi import APIRouter

from dunguard.web.routes.act import router as act_router
from dunguard.web.routes.cases import router as cases_router
from dunguard.web.routes.dashboard import router as dashboard_router
from dunguard.web.routes.diary import router as diary_router
from dunguard.web.routes.evidence import router as evidence_router
from dunguard.web.routes.findings import router as findings_router
from dunguard.web.routes.integrity import router as integrity_router
from dunguard.web.routes.prevent import router as prevent_router
from dunguard.web.routes.timeline import router as timeline_router

ROUTERS: tuple[APIRouter, ...] = (
    cases_router,
    dashboard_router,
    evidence_router,
    timeline_router,
    diary_router,
    findings_router,
    act_router,
    integrity_router,
    prevent_router,
)

__all__ = ["ROUTERS"]
