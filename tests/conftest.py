"""Every test gets its own database (a copy of one migrated template) and a fixed today."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from steg2cli.cli import app

TODAY = "2026-06-15"

#: Each programme run's activity dates as its live steps and its school's live trainee reports give them
#: (id, last activity, last report): what the stored columns of migration 0014 must always hold.
ACTIVITY_FROM_RECORDS = """
    SELECT sp.id,
           CASE WHEN s.latest > sp.start THEN s.latest ELSE sp.start END,
           CASE WHEN t.latest > sp.start THEN t.latest ELSE sp.start END
    FROM school_programmes sp
    LEFT JOIN (SELECT run_id, max(step_date) AS latest FROM steps WHERE void_on IS NULL GROUP BY run_id) s
           ON s.run_id = sp.id
    LEFT JOIN (SELECT school_id, programme, max(reported_on) AS latest FROM trainees WHERE void_on IS NULL
               GROUP BY school_id, programme) t
           ON t.school_id = sp.school_id AND t.programme = sp.programme
    ORDER BY sp.id"""

runner = CliRunner()


#: Set (by .ci/run) to run the whole suite against a PostgreSQL server instead of SQLite files, e.g.
#: postgresql+psycopg://steg2@127.0.0.1:54329/postgres
SERVER = os.environ.get("STEG2_TEST_DATABASE_URL")
sqlite_only = pytest.mark.skipif(SERVER is not None, reason="inspects the SQLite file itself")

Target = Any  # a Path (SQLite file) or a URL string (PostgreSQL)


def _server_url(database: str) -> str:
    assert SERVER is not None
    return SERVER.rsplit("/", 1)[0] + "/" + database


def _admin(statement: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    engine = create_engine(SERVER, poolclass=NullPool, isolation_level="AUTOCOMMIT")  # type: ignore[arg-type]
    with engine.connect() as conn:
        conn.execute(text(statement))
    engine.dispose()


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One database migrated to the newest schema; tests start from copies of it."""
    from steg2cli.db import Database

    if SERVER is not None:
        _admin("DROP DATABASE IF EXISTS steg2_template")
        _admin("CREATE DATABASE steg2_template")
        db = Database(_server_url("steg2_template"), create=True)
        db.ensure_schema()
        db.engine.dispose()
        return Path("steg2_template")
    path = tmp_path_factory.mktemp("template") / "template.db"
    db = Database(f"sqlite:///{path}", create=True)
    db.ensure_schema()
    db.engine.dispose()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


_counter = itertools.count()


@pytest.fixture(autouse=True)
def fresh_db(tmp_path: Path, template_db: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Target]:
    """STEG2_DB points at a new database; STEG2_TODAY pins the date."""
    monkeypatch.setenv("STEG2_TODAY", TODAY)
    monkeypatch.delenv("STEG2_DEBUG", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    # Every test reads English unless it asks for Swedish, whatever the machine's locale (CI runs the suite
    # once more under LANG=sv_SE.UTF-8); LANGUAGE is what steg2 sets for Click's words, restored after.
    monkeypatch.setenv("STEG2_LANG", "en")
    monkeypatch.setenv("LANGUAGE", "")
    if SERVER is not None:
        name = f"steg2_test_{os.getpid()}_{next(_counter)}"
        _admin(f"CREATE DATABASE {name} TEMPLATE steg2_template")
        url = _server_url(name)
        monkeypatch.setenv("STEG2_DB", url)
        yield url
        _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        return
    path = tmp_path / "steg2.db"
    shutil.copy(template_db, path)
    monkeypatch.setenv("STEG2_DB", str(path))
    yield path


def query(target: Target, sql: str) -> list[tuple[Any, ...]]:
    """Rows of a plain SQL query on the test database, SQLite or PostgreSQL."""
    if isinstance(target, Path):
        with sqlite3.connect(target) as conn:
            return [tuple(row) for row in conn.execute(sql)]
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    engine = create_engine(target, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql))]
    finally:
        engine.dispose()


def run(*args: str, input: str | None = None) -> Any:
    """Run steg2 with these arguments."""
    return runner.invoke(app, list(args), input=input)


def ok(*args: str) -> Any:
    """Run steg2, expect exit 0; with --json return the parsed document."""
    result = run(*args)
    assert result.exit_code == 0, f"exit {result.exit_code}\nstdout: {result.stdout}\nstderr: {result.stderr}"
    if "--json" in args:
        return json.loads(result.stdout)
    return result


def refused(*args: str, contains: str = "") -> str:
    """Run steg2, expect a refusal: exit 1, one `Error:` line on stderr; returns that line."""
    result = run(*args)
    assert result.exit_code == 1, f"exit {result.exit_code}\nstdout: {result.stdout}\nstderr: {result.stderr}"
    lines = result.stderr.strip().splitlines()
    assert lines and lines[-1].startswith("Error: "), result.stderr
    assert "Traceback" not in result.stderr
    assert contains.lower() in lines[-1].lower(), lines[-1]
    return lines[-1]


def snapshot(target: Target) -> list[Any]:
    """Everything in the database, to prove a refusal wrote nothing."""
    if isinstance(target, Path):
        with sqlite3.connect(target) as conn:
            return list(conn.iterdump())
    from steg2cli.models import Base

    rows: list[Any] = []
    for table in Base.metadata.sorted_tables:
        rows.append((table.name, sorted(map(repr, query(target, f'SELECT * FROM "{table.name}"')))))
    return rows


@contextmanager
def nothing_written(path: Target) -> Iterator[None]:
    """The block may refuse, but must leave the database exactly as it was."""
    before = snapshot(path)
    yield
    assert snapshot(path) == before, "a refused command wrote to the database"


# ---- building blocks used by many tests -------------------------------------------------------


def register(
    name: str = "Anna Lind",
    email: str = "anna@example.se",
    municipality: str = "Gävle",
    programmes: Sequence[str] = (),
    **extra: str,
) -> dict[str, Any]:
    args = [
        "register-trainer",
        name,
        "--email",
        email,
        "--municipality",
        municipality,
        "--basic-training",
        extra.pop("basic_training", "2022-01-10"),
        "--series-held",
        extra.pop("series_held", "2022-06-01"),
        "--appointed-by",
        extra.pop("appointed_by", "Karin Ek, rektor"),
        "--json",
    ]
    for key, value in extra.items():
        args += [f"--{key.replace('_', '-')}", value]
    for code in programmes:
        args += ["--programme", code]
    return ok(*args)


def certify(*trainer_ids: int, date: str = "2023-03-01", kind: str = "open", municipality: str | None = None) -> int:
    args = ["course", "add", "--kind", kind, "--date", date, "--json"]
    if municipality:
        args += ["--municipality", municipality]
    course = ok(*args)
    ok("course", "enrol", str(course["id"]), *map(str, trainer_ids))
    ok("course", "complete", str(course["id"]), "--date", date)
    return int(course["id"])


def trainer_under_agreement(
    email: str = "anna@example.se", municipality: str = "Gävle", start: str = "2023-04-01"
) -> tuple[int, int]:
    trainer = register(email=email, municipality=municipality)
    certify(trainer["id"])
    agreement = ok("sign-agreement", str(trainer["id"]), "--start", start, "--json")
    return trainer["id"], agreement["id"]
