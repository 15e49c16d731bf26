"""Shared fixtures: a fresh Home on SQLite (and, where a server is reachable, PostgreSQL)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from dunguard.home import Home
from dunguard.i18n import set_lang

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"

PG_ADMIN_URL = os.environ.get("DUNGUARD_TEST_PG_URL")
REQUIRE_PG = os.environ.get("DUNGUARD_REQUIRE_PG") == "1"


def shared_data(*parts: str) -> Path:
    """A file from ../shared/data, or skip the test with the reason."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared test data not available: {path} (CI always has ../shared/data)")
    return path


@pytest.fixture(autouse=True)
def _chinese_and_isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Every test speaks Chinese and never touches the user's real data directory."""
    monkeypatch.setenv("DUNGUARD_LANG", "zh")
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.setenv("DUNGUARD_HOME", str(tmp_path / "default-home"))
    monkeypatch.delenv("DUNGUARD_DB_URL", raising=False)
    set_lang(None)
    yield
    set_lang(None)


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Home]:
    h = Home.open(tmp_path / "home")
    yield h
    h.close()


def _pg_database() -> Iterator[str]:
    if not PG_ADMIN_URL:
        if REQUIRE_PG:
            pytest.fail("DUNGUARD_REQUIRE_PG=1 but DUNGUARD_TEST_PG_URL is not set")
        pytest.skip("no PostgreSQL server (set DUNGUARD_TEST_PG_URL; .ci/run starts one)")
    import sqlalchemy as sa

    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = "dunguard_t_" + uuid.uuid4().hex[:12]
    try:
        with admin.connect() as c:
            c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        if REQUIRE_PG:
            raise
        pytest.skip(f"PostgreSQL not reachable: {exc.orig}")
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    try:
        yield url
    finally:
        with admin.connect() as c:
            c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def pg_url() -> Iterator[str]:
    yield from _pg_database()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_home(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Home]:
    """The same test on SQLite and on a real PostgreSQL server."""
    if request.param == "sqlite":
        h = Home.open(tmp_path / "home")
        yield h
        h.close()
    else:
        for url in _pg_database():
            h = Home.open(tmp_path / "home", db_url=url)
            try:
                yield h
            finally:
                h.close()
