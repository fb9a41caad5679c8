"""Alembic environment: migrations always run on a connection steg2 opened (see runner.py)."""

from alembic import context

from steg2cli.models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - steg2 always hands one over
    raise RuntimeError("steg2 migrations run through steg2cli.migrations.runner, not the alembic CLI")

# render_as_batch: SQLite cannot ALTER most things, so Alembic recreates the table (batch mode).
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
