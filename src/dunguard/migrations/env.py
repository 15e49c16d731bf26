"""Alembic environment: always run with a connection handed over by ``dunguard.store``."""

from __future__ import annotations

from alembic import context

from dunguard.models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only via `alembic` CLI without DunGuard
    raise RuntimeError("run migrations through dunguard.store.Store, which passes a connection")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
