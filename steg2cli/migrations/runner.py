"""Running the Alembic migrations: one transaction, foreign keys off, checked afterwards."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import Engine

from steg2cli.errors import DatabaseError
from steg2cli.i18n import ngettext


def alembic_config() -> Config:
    """The Alembic configuration for the scripts shipped inside the package."""
    config = Config()
    config.set_main_option("script_location", "steg2cli:migrations")
    return config


def upgrade_to_head(engine: Engine) -> None:
    """Upgrade the database behind `engine` (made with foreign keys off) to the newest schema, all or nothing.

    SQLite batch migrations recreate tables; with foreign keys on, a recreated parent table would
    cascade or fail on its children, so they run with foreign keys off and are checked after.
    """
    try:
        with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(72422)"))  # one migrator at a time
            config = alembic_config()
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
            if engine.dialect.name == "sqlite":
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise DatabaseError(
                        ngettext(
                            "the schema upgrade would break {broken_count} reference; nothing was changed",
                            "the schema upgrade would break {broken_count} references; nothing was changed",
                            len(broken),
                        ).format(broken_count=len(broken))
                    )
    finally:
        engine.dispose()
