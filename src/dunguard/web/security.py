"""Security for the local web app: headers, CSRF, body size limit, optional password.

* Every response carries a strict Content-Security-Policy (no inline script or style, no
  third-party origin), ``nosniff``, ``no-referrer`` and a frame ban.
* CSRF: a random token lives in an ``HttpOnly``, ``SameSite=Strict`` cookie; every request
  that is not GET/HEAD must echo it in the ``csrf_token`` form field or the
  ``X-CSRF-Token`` header (double submit, compared in constant time).  Only POST routes
  change state; GET handlers never write.
* Request bodies are capped (``max_body``): a larger ``Content-Length`` is refused before a
  byte is read, and a chunked body is cut off when it passes the cap.
* ``--public`` mode: HTTP basic auth with the configured password on every request.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hmac
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import HTTPException, Request

CSRF_COOKIE = "dunguard_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD"})
FAILED_LOGIN_DELAY = 1.0  # seconds
MAX_FILES = 50  # per request (the parsed form is reused by the route)
MAX_FIELDS = 100

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "font-src 'self'; manifest-src 'self'"
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    (b"cache-control", b"no-store"),
)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def new_token() -> str:
    return secrets.token_urlsafe(32)


def csrf_token(request: Request) -> str:
    """The token for forms on this page (the cookie's, or a fresh one the response will set)."""
    token = request.cookies.get(CSRF_COOKIE)
    if not token or len(token) < 20:
        token = getattr(request.state, "new_csrf", None) or new_token()
        request.state.new_csrf = token
    return token


async def require_csrf(request: Request) -> None:
    """App-wide dependency: any non-GET request must carry the CSRF token."""
    if request.method in SAFE_METHODS:
        return
    if request.method != "POST":
        raise HTTPException(405)
    expected = request.cookies.get(CSRF_COOKIE) or ""
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        ctype = request.headers.get("content-type", "")
        if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form(max_files=MAX_FILES, max_fields=MAX_FIELDS)
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
    if not expected or not sent or not hmac.compare_digest(expected.encode(), sent.encode()):
        raise HTTPException(403, detail="csrf")


class BodyTooLarge(Exception):
    pass


async def _plain(send: Send, status: int, text: str, extra: list[tuple[bytes, bytes]] | None = None) -> None:
    body = text.encode("utf-8")
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    headers += list(SECURITY_HEADERS) + (extra or [])
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class GuardMiddleware:
    """Pure ASGI middleware: security headers, body cap, host check, basic auth."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body: int,
        password: str | None = None,
        allowed_hosts: tuple[str, ...] | None = None,
        too_large_text: str = "request too large",
        bad_host_text: str = "bad host",
    ) -> None:
        self.app = app
        self.max_body = max_body
        self.password = password
        self.allowed_hosts = allowed_hosts
        self.too_large_text = too_large_text
        self.bad_host_text = bad_host_text

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        if self.allowed_hosts is not None:
            host = headers.get("host", "")
            hostname = host.rsplit(":", 1)[0] if not host.startswith("[") else host.split("]")[0] + "]"
            if hostname.strip("[]") not in self.allowed_hosts:
                await _plain(send, 400, self.bad_host_text)
                return
        if self.password is not None and not self._authorised(headers.get("authorization", "")):
            if headers.get("authorization"):
                await asyncio.sleep(FAILED_LOGIN_DELAY)  # slows down password guessing
            await _plain(send, 401, "password required",
                         [(b"www-authenticate", b'Basic realm="DunGuard", charset="UTF-8"')])
            return
        length = headers.get("content-length")
        if length is not None:
            try:
                too_big = int(length) > self.max_body
            except ValueError:
                too_big = True
            if too_big:
                await _plain(send, 413, self.too_large_text)
                return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise BodyTooLarge
            return message

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                hdrs = [(k, v) for k, v in message.get("headers", []) if k.lower() not in
                        {name for name, _ in SECURITY_HEADERS}]
                hdrs += list(SECURITY_HEADERS)
                message["headers"] = hdrs
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except BodyTooLarge:
            if not started:
                await _plain(send, 413, self.too_large_text)

    def _authorised(self, value: str) -> bool:
        if not value.lower().startswith("basic "):
            return False
        try:
            decoded = base64.b64decode(value[6:].strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return False
        _user, _, pw = decoded.partition(":")
        assert self.password is not None
        return hmac.compare_digest(pw.encode("utf-8"), self.password.encode("utf-8"))
