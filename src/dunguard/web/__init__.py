"""The local web app (``dunguard serve``): FastAPI + Jinja2, server-rendered, offline.

``create_app(home)`` returns the ASGI app; see ``docs/web.md``.
"""

from __future__ import annotations

from dunguard.web.app import create_app

__all__ = ["create_app"]
