"""Jinja2 rendering for the web pages (autoescape always on; helpers for templates)."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse

from dunguard.i18n import current_lang, t
from dunguard.timeutil import DEFAULT_TZ
from dunguard.web.security import CSRF_COOKIE, csrf_token


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("dunguard.web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["size"] = human_size
    env.filters["localtime"] = local_time
    env.filters["short"] = lambda s, n=12: (s or "")[:n]
    env.filters["thousands"] = lambda n: f"{int(n):,}"
    env.globals["t"] = lambda key, **params: t(key, lang=current_lang(), **params)
    env.globals["format_name"] = format_name
    return env


def format_name(name: str | None) -> str:
    """An importer's name for people (``ingest.format.<name>``), else the name itself."""
    if not name:
        return ""
    for key in (f"ingest.format.{name}", f"web.format.{name}"):
        text = t(key, lang=current_lang())
        if text != key:
            return text
    return name


def human_size(n: int | None) -> str:
    if n is None:
        return ""
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"  # pragma: no cover


def local_time(value: dt.datetime | None, tz: str = DEFAULT_TZ, fmt: str = "%Y-%m-%d %H:%M:%S") -> str:
    """An aware datetime shown in the case's time zone."""
    if value is None:
        return ""
    from zoneinfo import ZoneInfo

    try:
        zone = ZoneInfo(tz)
    except (KeyError, ValueError):
        zone = ZoneInfo(DEFAULT_TZ)
    return value.astimezone(zone).strftime(fmt)


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render a template with the CSRF token and language; set the CSRF cookie when new."""
    token = csrf_token(request)
    context.setdefault("case", None)
    context.setdefault("active", "")
    html = environment().get_template(name).render(
        request=request, csrf=token, lang=current_lang(), **context
    )
    response = HTMLResponse(html, status_code=status_code)
    if request.cookies.get(CSRF_COOKIE) != token:
        response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", path="/")
    return response
