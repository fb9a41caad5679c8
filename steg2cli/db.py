"""Opening the database: where it lives, SQLite's settings, transactions, and the schema version.

Usable without the CLI: `Database(resolve_url(None)).write("my-script")` gives a session in one
write transaction. Every write transaction on SQLite starts with `BEGIN IMMEDIATE`, so the cron job and
a person writing at once queue up instead of losing an update or failing half-way.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from steg2cli.errors import Conflict, DatabaseError
from steg2cli.i18n import _

#: Every schema revision, oldest first; the last is the one this version of steg2 works with.
#: A test checks that it matches the Alembic scripts in `migrations/versions`.
REVISIONS: tuple[str, ...] = (
    "0001",
    "0002",
    "0003",
    "0004",
    "0005",
    "0006",
    "0007",
    "0008",
    "0009",
    "0010",
    "0011",
    "0012",
    "0013",
    "0014",
    "0015",
    "0016",
    "0017",
    "0018",
    "0019",
    "0020",
)
SCHEMA_HEAD = REVISIONS[-1]

BUSY_TIMEOUT_MS = 10_000


def busy_timeout_ms() -> int:
    """How long a command waits for another writer before giving up (STEG2_BUSY_TIMEOUT_MS)."""
    try:
        return int(os.environ.get("STEG2_BUSY_TIMEOUT_MS", BUSY_TIMEOUT_MS))
    except ValueError:
        return BUSY_TIMEOUT_MS


def default_path() -> Path:
    """The default database file in the user's data directory."""
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA", Path.home() / "AppData" / "Roaming"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "steg2" / "steg2.db"


def resolve_url(target: str | None) -> str:
    """`--db` value, else STEG2_DB, else the default file: a file path or an SQLAlchemy URL."""
    target = target or os.environ.get("STEG2_DB") or None
    if target is None:
        path = default_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}"
    if "://" in target:
        if target.startswith("postgresql://"):  # plain URLs mean psycopg 3, the driver we ship
            target = "postgresql+psycopg://" + target.removeprefix("postgresql://")
        return target
    return f"sqlite:///{Path(target).expanduser()}"


def sqlite_file(url: str) -> Path | None:
    """The file behind an SQLite URL (None for other databases or in-memory ones)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def _sqlite_listeners(engine: Engine, foreign_keys: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transactions out of pysqlite's hands: it begins them late (see the `begin` listener).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {busy_timeout_ms()}")
        cursor.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        options = conn.get_execution_options()
        if options.get("isolation_level") == "AUTOCOMMIT":
            return  # VACUUM INTO and friends run outside a transaction
        conn.exec_driver_sql("BEGIN IMMEDIATE" if options.get("steg2_write", True) else "BEGIN")


def make_engine(url: str, *, foreign_keys: bool = True) -> Engine:
    """An engine with steg2's connection settings (SQLite: WAL, foreign keys, busy timeout)."""
    path = sqlite_file(url)
    if path is not None:
        if path.is_dir():
            raise DatabaseError(_("the database path {path} is a folder, not a file").format(path=path))
        if not path.parent.is_dir():
            raise DatabaseError(
                _("cannot create the database {path}: the folder {parent} does not exist").format(
                    path=path, parent=path.parent
                )
            )
        if not path.exists() and not os.access(path.parent, os.W_OK):
            raise DatabaseError(_("cannot create the database {path}: the folder is not writable").format(path=path))
        if path.exists() and not os.access(path, os.R_OK):
            raise DatabaseError(_("cannot read the database file {path}: permission denied").format(path=path))
    try:
        engine = create_engine(url, poolclass=NullPool) if path is None else create_engine(url)
    except (ArgumentError, ModuleNotFoundError, ImportError) as exc:
        raise DatabaseError(
            _("cannot use the database address '{safe_url}': {exc}").format(safe_url=_safe_url(url), exc=exc)
        ) from None
    if engine.dialect.name == "sqlite":
        _sqlite_listeners(engine, foreign_keys)
    return engine


def _safe_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "?"


#: SQLite's error names (Python 3.11's `sqlite3.Error.sqlite_errorname`) and PostgreSQL's SQLSTATE classes,
#: each with what the person at the terminal is told. Error codes, not words in a message: a driver or a
#: translated server message may word them differently.
_SQLITE_ERRORS = {
    "SQLITE_BUSY": "busy",
    "SQLITE_LOCKED": "busy",
    "SQLITE_NOTADB": "damaged",
    "SQLITE_CORRUPT": "damaged",
    "SQLITE_READONLY": "readonly",
    "SQLITE_CANTOPEN": "cantopen",
    "SQLITE_FULL": "full",
    "SQLITE_IOERR": "io",
    "SQLITE_PERM": "readonly",
    "SQLITE_AUTH": "readonly",
}
_SQLSTATE_ERRORS = {
    "55P03": "busy",
    "40P01": "busy",
    "40001": "busy",
    "57014": "busy",
    "53100": "full",
    "3D000": "cantopen",
    "28P01": "unreachable",
    "28000": "unreachable",
    "08": "unreachable",
    "57P": "unreachable",
    "25006": "readonly",
    "42501": "readonly",
    "XX001": "damaged",
    "XX002": "damaged",
}


def _error_kind(orig: BaseException) -> str | None:
    name = getattr(orig, "sqlite_errorname", None)
    if isinstance(name, str):
        for prefix, kind in _SQLITE_ERRORS.items():
            if name == prefix or name.startswith(prefix + "_"):
                return kind
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if isinstance(state, str):
        for prefix in (state, state[:3], state[:2]):
            if prefix in _SQLSTATE_ERRORS:
                return _SQLSTATE_ERRORS[prefix]
    if (
        type(orig).__name__ in ("OperationalError", "ConnectionTimeout")
        and type(orig).__module__.startswith("psycopg")
        and state is None
    ):
        return "unreachable"  # psycopg raises a connection failure before the server gave any SQLSTATE
    return None


def translate(exc: BaseException, url: str) -> DatabaseError | Conflict:
    """A driver error as one plain sentence for the user, told apart by the driver's error code."""
    orig = getattr(exc, "orig", None) or exc
    where = sqlite_file(url) or _safe_url(url)
    if (
        isinstance(exc, IntegrityError)
        or getattr(orig, "sqlite_errorname", "").startswith("SQLITE_CONSTRAINT")
        or str(getattr(orig, "sqlstate", "") or "").startswith("23")
    ):
        return Conflict(_("the change collides with a record written at the same time; nothing was written"))
    kind = _error_kind(orig)
    if kind == "busy":
        return DatabaseError(_("the database is busy (another steg2 is writing); try again in a moment"))
    if kind == "damaged":
        return DatabaseError(_("the database file {where} is damaged or is not a steg2 database").format(where=where))
    if kind == "readonly":
        return DatabaseError(
            _("the database {where} cannot be written (read-only, or no permission)").format(where=where)
        )
    if kind == "cantopen":
        return DatabaseError(_("cannot open the database {where}").format(where=where))
    if kind == "full":
        return DatabaseError(_("the disk is full; nothing was written"))
    if kind == "io":
        return DatabaseError(
            _("the database file {where} could not be read or written (a disk error)").format(where=where)
        )
    if kind == "unreachable":
        return DatabaseError(_("cannot reach the database server at {where}").format(where=where))
    first = (str(orig).splitlines() or ["?"])[0]
    return DatabaseError(_("the database failed: {first}").format(first=first))


class _DryRun(Exception):
    """Raised inside a dry run's transaction so that it rolls back."""


def missing(where: object) -> DatabaseError:
    """Rule 35: the refusal for a database that does not exist."""
    return DatabaseError(_("no steg2 database at {where}; create one with: steg2 db init").format(where=where))


def _check_sqlite_file(path: Path, create: bool) -> None:
    """Look at an SQLite file before anything is changed in it (not even its journal mode): it must
    exist (unless we create it), be an SQLite file, and hold a steg2 database or nothing."""
    if path.is_dir():
        raise DatabaseError(_("the database path {path} is a folder, not a file").format(path=path))
    if not path.exists() or path.stat().st_size == 0:
        if not create:
            raise missing(path)
        return
    try:
        with path.open("rb") as handle:
            header = handle.read(16)
    except OSError as exc:
        raise DatabaseError(
            _("cannot read the database file {path}: {strerror}").format(path=path, strerror=exc.strerror)
        ) from None
    if header != b"SQLite format 3\x00":
        raise DatabaseError(_("{path} is not an SQLite database (damaged, or another kind of file)").format(path=path))
    try:
        check = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=busy_timeout_ms() / 1000)
        try:
            tables = {row[0] for row in check.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            check.close()
    except sqlite3.Error as exc:
        raise translate(exc, f"sqlite:///{path}") from None
    if tables and "alembic_version" not in tables:
        raise DatabaseError(
            _("{path} holds tables but is not a steg2 database; nothing in it was changed").format(path=path)
        )
    if not tables and not create:
        raise missing(path)


class Database:
    """One database target: its engine, its transactions and its schema version."""

    def __init__(self, url: str, notify: Callable[[str], None] | None = None, create: bool = False) -> None:
        """`create`: a database that does not exist yet is created (rule 35: only `db init` and `demo`)."""
        self.url = url
        self.notify = notify or (lambda line: print(line, file=sys.stderr))
        self.create = create
        #: True once a write transaction has committed (an error after it must not say "nothing was written").
        self.committed = False
        path = sqlite_file(url)
        if path is not None:
            _check_sqlite_file(path, create)
        self.engine = make_engine(url)
        self._checked = False
        self._active: Session | None = None

    @property
    def dialect(self) -> str:
        """`sqlite` or `postgresql`."""
        return self.engine.dialect.name

    # ---- transactions -------------------------------------------------------------------------

    @contextmanager
    def _session(self, write: bool) -> Iterator[Session]:
        if self._active is not None:  # a service called inside another's transaction joins it
            yield self._active
            return
        self.ensure_schema()
        bind = self.engine.execution_options(steg2_write=write)
        session = Session(bind=bind, expire_on_commit=False, autoflush=True)
        try:
            with session.begin():
                if write and self.dialect == "postgresql":
                    session.execute(text("SET LOCAL lock_timeout = '10s'"))
                self._active = session
                try:
                    yield session
                finally:
                    self._active = None
        except (OperationalError, SADatabaseError) as exc:
            raise translate(exc, self.url) from None
        finally:
            session.close()

    @contextmanager
    def write(self, command: str, rollback: bool = False) -> Iterator[Session]:
        """One write transaction (BEGIN IMMEDIATE on SQLite) that records itself in the audit trail.

        With `rollback`, everything is done and checked, then undone: a dry run that sees exactly what
        a real run would.
        """
        outer = self._active is not None
        try:
            with self._session(write=True) as session:
                if outer:
                    yield session
                    return
                session.info["audit"] = {"command": command, "touched": {}}
                yield session
                if rollback:
                    raise _DryRun
                _write_audit(session)
            if not outer:
                self.committed = True
        except _DryRun:
            pass

    @contextmanager
    def read(self) -> Iterator[Session]:
        """One read transaction: a consistent view, no lock held against writers."""
        with self._session(write=False) as session:
            yield session

    # ---- schema -------------------------------------------------------------------------------

    def current_revision(self) -> str | None:
        """The schema revision stored in the database, or None for an empty database."""
        try:
            with self.engine.connect() as conn:
                conn = conn.execution_options(steg2_write=False)
                try:
                    row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
                except (OperationalError, ProgrammingError) as exc:
                    if "alembic_version" not in str(exc.orig) and "no such table" not in str(exc.orig):
                        raise
                    conn.rollback()
                    tables = self._table_count(conn)
                    if tables:
                        raise DatabaseError(
                            _("{value} holds tables but is not a steg2 database").format(
                                value=sqlite_file(self.url) or _safe_url(self.url)
                            )
                        ) from None
                    return None
                return None if row is None else str(row[0])
        except (OperationalError, SADatabaseError) as exc:
            raise translate(exc, self.url) from None

    def _table_count(self, conn: Connection) -> int:
        if self.dialect == "sqlite":
            query = "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
        else:
            query = "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"
        return int(conn.execute(text(query)).scalar_one())

    def ensure_schema(self) -> None:
        """Create a new database at the current schema, or upgrade an older one (backup first)."""
        if self._checked:
            return
        revision = self.current_revision()
        if revision is None and not self.create:
            raise missing(sqlite_file(self.url) or _safe_url(self.url))
        if revision != SCHEMA_HEAD:
            if revision is not None and revision not in REVISIONS:
                raise DatabaseError(
                    _(
                        "the database has schema {revision}, newer than this steg2 knows ({schema_head}); install "
                        "a newer steg2"
                    ).format(revision=revision, schema_head=SCHEMA_HEAD)
                )
            self.upgrade(revision)
        self._checked = True

    def upgrade(self, revision: str | None = None) -> str | None:
        """Bring the schema to the newest revision; returns the path of the backup made, if any."""
        backup = None
        if revision is not None and revision != SCHEMA_HEAD:
            path = sqlite_file(self.url)
            if path is not None:
                backup = path.with_name(f"{path.name}.schema-{revision}.bak")
                self.backup(backup)
                self.notify(
                    _(
                        "steg2: upgrading the database schema {revision} → {head}; the old file is kept as {backup}"
                    ).format(revision=revision, head=SCHEMA_HEAD, backup=backup)
                )
        from steg2cli.migrations.runner import upgrade_to_head

        try:
            # Foreign keys off while tables are rebuilt (batch mode), checked afterwards by the runner.
            upgrade_to_head(make_engine(self.url, foreign_keys=False))
        except (OperationalError, SADatabaseError) as exc:
            raise translate(exc, self.url) from None
        self._checked = True
        return str(backup) if backup else None

    def backup(self, target: Path) -> None:
        """A consistent copy of an SQLite database, safe while others write (SQLite's backup API)."""
        path = sqlite_file(self.url)
        if path is None:
            raise DatabaseError(_("db backup copies SQLite files; for PostgreSQL use pg_dump (see README)"))
        if target.exists():
            raise DatabaseError(_("{target} exists already; choose another name").format(target=target))
        if not target.parent.is_dir():
            raise DatabaseError(
                _("cannot write {target}: the folder {parent} does not exist").format(
                    target=target, parent=target.parent
                )
            )
        try:
            source = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=busy_timeout_ms() / 1000)
            try:
                dest = sqlite3.connect(target)
                try:
                    source.backup(dest)
                finally:
                    dest.close()
            finally:
                source.close()
        except sqlite3.Error as exc:
            target.unlink(missing_ok=True)
            raise translate(exc, self.url) from None


def _write_audit(session: Session) -> None:
    from steg2cli.models import AuditEntry

    audit = session.info.get("audit")
    if not audit or not audit["touched"]:
        return
    import getpass

    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    session.add(
        AuditEntry(
            at=datetime.now(UTC).replace(tzinfo=None, microsecond=0),
            os_user=user[:100],
            command=audit["command"],
            touched=json.dumps(audit["touched"], sort_keys=True),
            changes=json.dumps(audit["changes"], ensure_ascii=False, sort_keys=True) if audit.get("changes") else None,
        )
    )


def bulk_insert(
    session: Session, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], skip_conflicts: bool = False
) -> None:
    """Insert many rows with the driver's own `executemany`, in the session's transaction.

    For tens of thousands of rows (an invoice run, a trainee list) SQLAlchemy's per-row parameter
    processing costs more than the insert itself. Dates are stored as SQLAlchemy stores them.
    """
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    statement = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join([marker] * len(columns))})" + (
        " ON CONFLICT DO NOTHING" if skip_conflicts else ""
    )
    if dialect.name == "sqlite":  # SQLAlchemy keeps SQLite dates as ISO text
        dated = [i for i, value in enumerate(rows[0]) if isinstance(value, date)]
        if dated:
            rows = [_iso_dates(row, dated) for row in rows]
    for start in range(0, len(rows), 5000):
        connection.exec_driver_sql(statement, list(rows[start : start + 5000]))


def _iso_dates(row: Sequence[Any], columns: Sequence[int]) -> tuple[Any, ...]:
    converted = list(row)
    for i in columns:
        converted[i] = converted[i].isoformat()
    return tuple(converted)


def touched(session: Session, kind: str, *ids: int | str) -> None:
    """Note in the audit trail that this transaction changed the given records."""
    audit = session.info.get("audit")
    if audit is not None and ids:  # nothing touched (a reminder run with nothing due): nothing to note
        known = audit["touched"].setdefault(kind, [])
        known.extend(i for i in ids if i not in known)


def changed(session: Session, kind: str, record_id: int | str, field: str, old: Any, new: Any) -> None:
    """Note in the audit trail that an edit changed a field, with the old and the new value (rule 24)."""
    audit = session.info.get("audit")
    if audit is not None and old != new:
        record = audit.setdefault("changes", {}).setdefault(kind, {}).setdefault(str(record_id), {})
        record[field] = [old, new]
        touched(session, kind, record_id)
