"""Schema upgrades and backups."""

from __future__ import annotations

from pathlib import Path

from steg2cli.db import SCHEMA_HEAD, Database, missing, sqlite_file
from steg2cli.i18n import _


def init(db: Database) -> dict[str, object]:
    """Create the database at the newest schema (rule 35), or say that it exists already."""
    before = db.current_revision()
    db.ensure_schema()
    where = sqlite_file(db.url) or db.engine.url.render_as_string(hide_password=True)
    return {"created": before is None, "where": str(where), "schema": SCHEMA_HEAD}


def upgrade(db: Database) -> dict[str, str | None]:
    """Upgrade to the newest schema; says from which revision."""
    before = db.current_revision()
    if before is None:
        raise missing(sqlite_file(db.url) or db.engine.url.render_as_string(hide_password=True))
    if before != SCHEMA_HEAD:
        db.upgrade(before)
    return {"from": before, "to": SCHEMA_HEAD}


def backup(db: Database, target: Path) -> None:
    """A consistent copy of the database file."""
    db.ensure_schema()
    db.backup(target)


def compact(db: Database) -> None:
    """Rewrite the database so that no deleted or overwritten bytes remain (after an erasure)."""
    from steg2cli.errors import DatabaseError
    from steg2cli.services.people import _compact

    db.ensure_schema()
    if not _compact(db):
        raise DatabaseError(
            _(
                "another steg2 (or program) is using the database, so old copies of changed data may "
                "remain in the file; run steg2 db compact again when nobody else is working"
            )
        )
