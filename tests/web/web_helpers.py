"""Helpers for the web tests: a CSRF-aware client, an app factory, a Chinese text image."""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

import pytest

from dunguard.home import Home
from dunguard.web import create_app

with warnings.catch_warnings():  # starlette asks for httpx2 at import time; httpx works the same
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
)
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class Browser:
    """A TestClient plus the CSRF token of the last page it loaded (like a real browser)."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.token = ""

    def get(self, url: str, **kwargs: Any) -> Any:
        resp = self.client.get(url, **kwargs)
        found = _TOKEN.search(resp.text)
        if found:
            self.token = found.group(1)
        return resp

    def post(self, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        if not self.token:
            self.get("/cases")
        payload = dict(data or {})
        payload.setdefault("csrf_token", self.token)
        kwargs.setdefault("follow_redirects", False)
        return self.client.post(url, data=payload, **kwargs)


def make_client(home: Home, **kwargs: Any) -> TestClient:
    return TestClient(create_app(home, **kwargs), base_url="http://127.0.0.1")


def font_path() -> str:
    for cand in FONT_CANDIDATES:
        if Path(cand).exists():
            return cand
    pytest.skip("no CJK font (make test installs fonts-noto-cjk)")


def render_text_image(path: Path, lines: list[str]) -> Path:
    """A plain screenshot-like PNG with Chinese text (for the OCR upload path)."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(font_path(), 40, index=2)
    img = Image.new("RGB", (900, 120 + 80 * len(lines)), (255, 255, 255))
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        draw.text((40, 60 + i * 80), line, font=font, fill=(0, 0, 0))
    img.save(path)
    return path


def finish_upload(web: Browser, resp: Any, timeout: float = 180) -> str:
    """Follow an upload's redirect to its job page until the import is finished; return the page."""
    import time

    assert resp.status_code == 303, resp.text[:500]
    url = resp.headers["location"]
    deadline = time.monotonic() + timeout
    while True:
        page = web.get(url)
        assert page.status_code == 200, page.text[:500]
        if 'http-equiv="refresh"' not in page.text:
            return str(page.text)
        assert time.monotonic() < deadline, "import did not finish"
        time.sleep(0.2)
