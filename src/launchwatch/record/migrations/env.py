"""Alembic environment: the caller (record.database.migrate) hands over an open connection."""

from __future__ import annotations

from alembic import context

from launchwatch.record.schema import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
