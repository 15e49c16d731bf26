"""Alembic migrations, applied automatically when a Home is opened.

Each subsystem owns a *branch*: core (``core_0001`` …), and e.g. ``finance_0001`` with
``branch_labels = ("finance",)`` and ``depends_on = "core_0001"``.  ``Store`` runs
``upgrade heads``, so independent branches never conflict.  Migrations must run on SQLite
and PostgreSQL and be written with explicit ``op`` calls.
"""
