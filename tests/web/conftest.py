"""Fixtures for the web app tests: an app on a fresh home, a client that speaks CSRF."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from web_helpers import Browser, make_client

from dunguard.home import Home


@pytest.fixture
def web(home: Home) -> Iterator[Browser]:
    with make_client(home) as client:
        yield Browser(client)
