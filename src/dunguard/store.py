"""The database: SQLite (WAL) by default, PostgreSQL through the same code.

``Store(url)`` opens the engine, applies every pending Alembic migration (``upgrade
heads``) and hands out sessions.  Write transactions on SQLite start with ``BEGIN
IMMEDIATE`` so two writers serialise instead of failing half-way.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from dunguard.errors import StorageError

_MIGRATION_LOCK_ID = 4_242_001


def _alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", "dunguard:migrations")
    return cfg


class Store:
    """Engine + migrations + sessions for one database URL."""

    def __init__(self, url: str, *, migrate: bool = True) -> None:
        self.url = url
        kwargs: dict[str, Any] = {}
        if url.startswith("sqlite"):
            kwargs["connect_args"] = {"timeout": 60, "check_same_thread": False}
        try:
            self.engine: Engine = create_engine(url, **kwargs)
        except (SQLAlchemyError, ImportError) as exc:
            raise StorageError("error.db.open", url=_redact(url), reason=str(exc)) from exc
        if self.is_sqlite:
            _install_sqlite_pragmas(self.engine)
        if migrate:
            self.migrate()

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def migrate(self) -> None:
        """Bring the schema to the newest revision of every branch (idempotent, serialised)."""
        cfg = _alembic_config()
        heads = set(ScriptDirectory.from_config(cfg).get_heads())
        try:
            with self.engine.connect() as probe:
                current = set(MigrationContext.configure(probe).get_current_heads())
            if current == heads:
                return
            with self.write_connection() as conn:
                if not self.is_sqlite:
                    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK_ID})
                current = set(MigrationContext.configure(conn).get_current_heads())
                if current != heads:
                    cfg.attributes["connection"] = conn
                    command.upgrade(cfg, "heads")
        except OperationalError as exc:
            raise StorageError("error.db.open", url=_redact(self.url), reason=str(exc.orig)) from exc

    @contextlib.contextmanager
    def write_connection(self) -> Iterator[Connection]:
        """A connection inside a write transaction (BEGIN IMMEDIATE on SQLite); commits on exit."""
        with self.engine.connect() as conn:
            conn.execution_options(dunguard_immediate=True)
            with conn.begin():
                yield conn

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A read session (or short writes that commit explicitly)."""
        with Session(self.engine, expire_on_commit=False) as s:
            yield s

    @contextlib.contextmanager
    def write_session(self) -> Iterator[Session]:
        """A session in one write transaction: committed on success, rolled back on error."""
        with self.engine.connect() as conn:
            conn.execution_options(dunguard_immediate=True)
            with Session(bind=conn, expire_on_commit=False) as s:
                try:
                    yield s
                    s.commit()
                except BaseException:
                    s.rollback()
                    raise

    def dispose(self) -> None:
        self.engine.dispose()


def _install_sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=60000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("dunguard_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _redact(url: str) -> str:
    """Hide a password in a database URL before it goes into a message."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}"
    return url
