"""`db copy TARGET` (rule 38): the whole register into another, empty database, checked, or nothing.

Into an SQLite file the copy is SQLite's own: the target file is attached, every table is created with the
source's own statement and filled with `INSERT … SELECT`, then compared with the source (row counts, and
`EXCEPT` both ways: not one row differs), all in one transaction; a difference removes the file.
Into PostgreSQL the schema is made by steg2's migrations (the same schema version), the rows the first
migration loads are replaced by the source's, every table is copied in the order of its foreign keys and
its id sequence moved past the copied ids, and every table's row count, a checksum of its rows (SHA-256 of
the rows in key order, dates and flags written alike on both engines) and the sums of its money columns
are compared before the transaction commits; a difference rolls it back.

A target that already holds a register, or any table, is refused.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from steg2cli.errors import DatabaseError
from steg2cli.i18n import _

if TYPE_CHECKING:  # SQLAlchemy only where the copy needs it: an SQLite file copies with sqlite3 alone
    from sqlalchemy import Table
    from sqlalchemy.engine import Connection

    from steg2cli.db import Database

BATCH = 5000


def _tables() -> list[Table]:
    from steg2cli.models import Base

    return list(Base.metadata.sorted_tables)


def _file(text: str | None) -> Path | None:
    """The SQLite file a `--db` value or a target names, or None for a URL of another database."""
    if not text:
        return None
    if text.startswith("sqlite:///"):
        text = text.removeprefix("sqlite:///")
    elif "://" in text:
        return None
    return Path(text).expanduser()


def files(source: str | None, target: str) -> tuple[Path, Path] | None:
    """Both ends as SQLite files, when they are, and the source holds a steg2 register: then the copy needs
    neither SQLAlchemy nor the migrations (None: go the general way, which also says what is wrong)."""
    source = source or os.environ.get("STEG2_DB") or None
    here, there = _file(source), _file(target)
    if here is None or there is None or not here.is_file() or here.resolve() == there.resolve():
        return None
    try:
        with here.open("rb") as handle:
            if handle.read(16) != b"SQLite format 3\x00":
                return None
        conn = sqlite3.connect(f"file:{here}?mode=ro", uri=True)
        try:
            if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'alembic_version'").fetchone() is None:
                return None
        finally:
            conn.close()
    except (OSError, sqlite3.Error):
        return None
    return here, there


def copy_files(source: Path, target: Path) -> dict[str, Any]:
    """Copy the register in the SQLite file `source` into the new file `target`, with its schema version."""
    tables, schema = _copy_to_sqlite(source, target)
    return {"tables": tables, "schema": schema, "target": str(target)}


def copy(source: Database, target: str) -> dict[str, Any]:
    """Copy the register of `source` into the empty database `target` (a path or a URL)."""
    from steg2cli import db as dbmod

    source.ensure_schema()
    url = dbmod.resolve_url(target)
    if url == source.url:
        raise DatabaseError(_("the target is the register itself; give another database"))
    path = dbmod.sqlite_file(url)
    source_path = dbmod.sqlite_file(source.url)
    if path is not None and source_path is not None:
        tables, _schema = _copy_to_sqlite(source_path, path)
    elif path is not None:
        _check_target_file(path)
        tables = _copy_from_server_to_sqlite(source, path)
    else:
        tables = _copy_to_server(source, url)
    return {"tables": tables, "schema": dbmod.SCHEMA_HEAD, "target": str(path) if path else dbmod._safe_url(url)}


def _refuse_register(where: object) -> DatabaseError:
    return DatabaseError(
        _("{where} already holds tables (a register?); db copy writes only into an empty database").format(where=where)
    )


# ---- SQLite → SQLite ------------------------------------------------------------------------------


def _check_target_file(path: Path) -> None:
    if path.is_dir():
        raise DatabaseError(_("the database path {path} is a folder, not a file").format(path=path))
    if not path.parent.is_dir():
        raise DatabaseError(
            _("cannot write {target}: the folder {parent} does not exist").format(target=path, parent=path.parent)
        )
    if path.exists() and path.stat().st_size > 0:
        raise _refuse_register(path)


def _copy_to_sqlite(source_path: Path, path: Path) -> tuple[dict[str, int], str]:
    _check_target_file(path)
    created = not path.exists()
    try:
        conn = sqlite3.connect(str(source_path), isolation_level=None)
        try:
            conn.execute(f"PRAGMA busy_timeout = {_busy_timeout_ms()}")
            conn.execute("ATTACH DATABASE ? AS target", (str(path),))
            conn.execute("BEGIN")
            schema = conn.execute(
                "SELECT type, name, tbl_name, sql FROM main.sqlite_master WHERE sql IS NOT NULL"
                " AND name NOT LIKE 'sqlite_%' ORDER BY CASE type WHEN 'table' THEN 0 ELSE 1 END, rowid"
            ).fetchall()
            names = [name for kind, name, _table, _sql in schema if kind == "table"]
            for kind, _name, _table, sql in schema:
                conn.execute(_into_target(kind, sql))
            for name in names:
                conn.execute(f'INSERT INTO target."{name}" SELECT * FROM main."{name}"')
            counts: dict[str, int] = {}
            for name in names:
                a = conn.execute(f'SELECT count(*) FROM main."{name}"').fetchone()[0]
                b = conn.execute(f'SELECT count(*) FROM target."{name}"').fetchone()[0]
                differs = (
                    conn.execute(
                        f'SELECT count(*) FROM (SELECT * FROM main."{name}" EXCEPT SELECT * FROM target."{name}")'
                    ).fetchone()[0]
                    + conn.execute(
                        f'SELECT count(*) FROM (SELECT * FROM target."{name}" EXCEPT SELECT * FROM main."{name}")'
                    ).fetchone()[0]
                )
                if a != b or differs:
                    raise DatabaseError(
                        _("the copy of table {table} differs from the register; nothing was kept").format(table=name)
                    )
                counts[name] = a
            schema = conn.execute("SELECT version_num FROM main.alembic_version").fetchone()[0]
            conn.execute("COMMIT")
            conn.execute("DETACH DATABASE target")
        finally:
            conn.close()
        check = sqlite3.connect(path)
        try:
            check.execute("PRAGMA journal_mode = WAL")
            problems = check.execute("PRAGMA foreign_key_check").fetchall()
        finally:
            check.close()
        if problems:
            raise DatabaseError(_("the copy breaks a foreign key; nothing was kept"))
    except BaseException as exc:
        if created or path.exists():
            _remove(path)
        if isinstance(exc, sqlite3.Error):
            from steg2cli.db import translate

            # A damaged file met while copying is the register's when the register itself fails its check.
            where = source_path if isinstance(exc, sqlite3.DatabaseError) and not _sound(source_path) else path
            raise translate(exc, f"sqlite:///{where}") from None
        raise
    return {name: counts[name] for name in sorted(counts) if name != "alembic_version"}, str(schema)


def _remove(path: Path) -> None:
    """Take away a copy that was not kept; a file that cannot be removed must not hide why the copy failed."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        except OSError:
            pass


def _sound(path: Path) -> bool:
    """Whether an SQLite file passes SQLite's quick check (asked only after a copy failed)."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return bool(conn.execute("PRAGMA quick_check").fetchone() == ("ok",))
        finally:
            conn.close()
    except sqlite3.Error:
        return False


def _busy_timeout_ms() -> int:
    try:
        return int(os.environ.get("STEG2_BUSY_TIMEOUT_MS", 10_000))
    except ValueError:
        return 10_000


def _into_target(kind: str, sql: str) -> str:
    """A schema statement of the source, made to create its object in the attached target."""
    if kind == "table":
        # CREATE TABLE name ( … )
        head, rest = sql.split("(", 1)
        name = head.split(None, 2)[2].strip()
        return f"CREATE TABLE target.{name} ({rest}"
    if kind == "index":
        unique = sql.upper().startswith("CREATE UNIQUE")
        prefix = "CREATE UNIQUE INDEX " if unique else "CREATE INDEX "
        rest = sql[len(prefix) :]
        return f"{prefix}target.{rest}"
    raise DatabaseError(_("the register holds a {kind}, which db copy does not copy").format(kind=kind))


def _copy_from_server_to_sqlite(source: Database, path: Path) -> dict[str, int]:
    from steg2cli.db import Database

    target = Database(f"sqlite:///{path}", create=True)
    try:
        return _copy_rows(source, target)
    except BaseException:
        target.engine.dispose()
        _remove(path)
        raise


# ---- into PostgreSQL ---------------------------------------------------------------------------


def _copy_to_server(source: Database, url: str) -> dict[str, int]:
    from steg2cli import db as dbmod
    from steg2cli.db import Database

    target = Database(url, create=True)
    if target.current_revision() is not None:
        raise _refuse_register(dbmod._safe_url(url))
    with target.engine.connect() as conn:
        if target._table_count(conn):
            raise _refuse_register(dbmod._safe_url(url))
    try:
        return _copy_rows(source, target)
    except BaseException:
        _drop_all(target)
        raise


def _drop_all(target: Database) -> None:
    """Leave the target as empty as it was found (the schema was made by this copy)."""
    from sqlalchemy import text

    from steg2cli.models import Base

    with target.engine.begin() as conn:
        Base.metadata.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


def _copy_rows(source: Database, target: Database) -> dict[str, int]:
    from sqlalchemy import select, text

    target.ensure_schema()  # the migrations: the same schema version as the source
    counts: dict[str, int] = {}
    tables = _tables()
    with source.engine.connect() as read, target.engine.begin() as write:
        read = read.execution_options(steg2_write=False)
        if target.dialect == "sqlite":
            write.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
        for table in reversed(tables):
            write.execute(table.delete())
        for table in tables:
            order = list(table.primary_key.columns)
            # A column naming another row of the same table (a step kind that comes after another) may name
            # a row that sorts later: such rows go in without it and get it once every row is there, since
            # PostgreSQL checks each row's keys as it is written.
            own = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
            later: list[dict[str, Any]] = []
            result = read.execution_options(yield_per=BATCH).execute(select(table).order_by(*order))
            for chunk in result.partitions(BATCH):
                rows = [dict(row._mapping) for row in chunk]
                for row in rows:
                    if any(row[name] is not None for name in own):
                        later.append({f"k_{c.name}": row[c.name] for c in order} | {f"v_{n}": row[n] for n in own})
                        row.update(dict.fromkeys(own, None))
                write.execute(table.insert(), rows)
            if later:
                from sqlalchemy import and_, bindparam, update

                write.execute(
                    update(table)
                    .where(and_(*(c == bindparam(f"k_{c.name}") for c in order)))
                    .values({n: bindparam(f"v_{n}") for n in own}),
                    later,
                )
        if target.dialect == "postgresql":
            for table in tables:
                pk = list(table.primary_key.columns)
                if len(pk) == 1 and pk[0].autoincrement is not False and pk[0].name == "id":
                    write.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'),"
                            f" COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {table.name}"
                        )
                    )
        for table in tables:
            mine, theirs = _fingerprint(read, table), _fingerprint(write, table)
            if mine != theirs:
                raise DatabaseError(
                    _("the copy of table {table} differs from the register; nothing was kept").format(table=table.name)
                )
            counts[table.name] = mine[0]
    return dict(sorted(counts.items()))


def _fingerprint(conn: Connection, table: Table) -> tuple[int, str, tuple[int, ...]]:
    """A table's row count, a checksum of its rows in key order and the sums of its money columns, written
    alike whichever engine holds them."""
    from sqlalchemy import BigInteger, func, select

    digest = hashlib.sha256()
    count = 0
    order = list(table.primary_key.columns)
    for row in conn.execution_options(yield_per=BATCH).execute(select(table).order_by(*order)):
        count += 1
        digest.update(repr(tuple(_plain(value) for value in row)).encode())
    money = [c for c in table.columns if isinstance(c.type, BigInteger)]
    sums = tuple(int(conn.execute(select(func.coalesce(func.sum(c), 0))).scalar_one()) for c in money)
    return count, digest.hexdigest(), sums


def _plain(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    return value
