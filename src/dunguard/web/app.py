"""The FastAPI application: ``create_app(home)`` wires pages, security and static files.

The web layer is a thin shell like the CLI: each route parses the request, calls one library
function and renders a template.  See ``docs/web.md`` for the page map and the security model.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from dunguard.errors import DunGuardError, NotFoundError, StorageError
from dunguard.home import Home
from dunguard.i18n import t
from dunguard.web.jobs import JobRegistry
from dunguard.web.rendering import render
from dunguard.web.security import GuardMiddleware, require_csrf

DEFAULT_MAX_UPLOAD = 1024 * 1024 * 1024  # 1 GiB per request
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def create_app(
    home: Home,
    *,
    password: str | None = None,
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD,
    allowed_hosts: tuple[str, ...] | None = None,
    analyze_after_upload: bool = True,
    warm_cache: bool = False,
    background_imports: bool = True,
) -> FastAPI:
    """Build the web app for ``home``.

    ``password`` turns on HTTP basic auth (``dunguard serve --public``); ``allowed_hosts``
    (the CLI passes the loopback names) refuses other ``Host`` headers, which stops DNS
    rebinding attacks from reaching a server bound to 127.0.0.1.  ``warm_cache`` computes a
    case's dashboard figures in a background thread after an upload (the server turns it on);
    ``background_imports=False`` runs an upload's import inside the request (for scripts).
    """
    from dunguard.web.routes import ROUTERS

    app = FastAPI(
        title="DunGuard",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        dependencies=[Depends(require_csrf)],
    )
    app.state.home = home
    app.state.max_upload_bytes = max_upload_bytes
    app.state.analyze_after_upload = analyze_after_upload
    app.state.warm_cache = warm_cache
    app.state.background_imports = background_imports
    app.state.import_jobs = JobRegistry()
    static_dir = resources.files("dunguard.web") / "static"
    app.mount("/static", StaticFiles(directory=str(static_dir)), name="static")
    for router in ROUTERS:
        app.include_router(router)

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/cases", status_code=303)

    @app.exception_handler(DunGuardError)
    async def on_dunguard_error(request: Request, exc: DunGuardError) -> HTMLResponse:
        status = 404 if isinstance(exc, NotFoundError) else 500 if isinstance(exc, StorageError) else 400
        return render(request, "error.html", status_code=status, message=exc.message())

    @app.exception_handler(Exception)
    async def on_unexpected(request: Request, exc: Exception) -> HTMLResponse:
        """A bug: one plain sentence for the user (the server log keeps the traceback)."""
        import logging

        logging.getLogger("dunguard.web").exception("internal error on %s", request.url.path)
        return render(request, "error.html", status_code=500,
                      message=t("web.error.internal", kind=type(exc).__name__))

    @app.exception_handler(RequestValidationError)
    async def on_bad_request(request: Request, exc: RequestValidationError) -> HTMLResponse:
        return render(request, "error.html", status_code=400, message=t("web.error.bad_request"))

    @app.exception_handler(HTTPException)
    async def on_http_error(request: Request, exc: HTTPException) -> Response:
        key = {403: "web.error.csrf", 404: "web.error.not_found", 405: "web.error.method",
               413: "web.error.too_large", 415: "web.error.type"}.get(exc.status_code, "web.error.generic")
        message: Any = exc.detail if isinstance(exc.detail, str) and exc.status_code in (413, 415) else t(key)
        response = render(request, "error.html", status_code=exc.status_code, message=message)
        if exc.status_code == 405:
            response.headers["allow"] = "GET, POST"
        return response

    app.add_middleware(
        GuardMiddleware,
        max_body=max_upload_bytes,
        password=password,
        allowed_hosts=allowed_hosts,
        too_large_text=t("web.error.too_large"),
        bad_host_text=t("web.error.bad_host"),
    )
    return app
