"""Every test gets its own database (a copy of one migrated template) and a fixed today."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from steg2cli.cli import app

TODAY = "2026-06-15"

runner = CliRunner()


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One database migrated to the newest schema; tests start from copies of it."""
    from steg2cli.db import Database

    path = tmp_path_factory.mktemp("template") / "template.db"
    db = Database(f"sqlite:///{path}")
    db.ensure_schema()
    db.engine.dispose()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture(autouse=True)
def fresh_db(tmp_path: Path, template_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """STEG2_DB points at a new database; STEG2_TODAY pins the date."""
    path = tmp_path / "steg2.db"
    shutil.copy(template_db, path)
    monkeypatch.setenv("STEG2_DB", str(path))
    monkeypatch.setenv("STEG2_TODAY", TODAY)
    monkeypatch.delenv("STEG2_DEBUG", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    return path


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


def snapshot(path: Path) -> list[str]:
    """Everything in the database, as SQL text, to prove a refusal wrote nothing."""
    with sqlite3.connect(path) as conn:
        return list(conn.iterdump())


@contextmanager
def nothing_written(path: Path) -> Iterator[None]:
    """The block may refuse, but must leave the database exactly as it was."""
    before = snapshot(path)
    yield
    assert snapshot(path) == before, "a refused command wrote to the database"


# ---- building blocks used by many tests -------------------------------------------------------

def register(name: str = "Anna Lind", email: str = "anna@example.se", municipality: str = "Gävle",
             **extra: str) -> dict[str, Any]:
    args = ["register-trainer", name, "--email", email, "--municipality", municipality,
            "--basic-training", extra.pop("basic_training", "2022-01-10"),
            "--series-held", extra.pop("series_held", "2022-06-01"),
            "--appointed-by", extra.pop("appointed_by", "Karin Ek, rektor"), "--json"]
    for key, value in extra.items():
        args += [f"--{key.replace('_', '-')}", value]
    return ok(*args)


def certify(*trainer_ids: int, date: str = "2023-03-01", kind: str = "open",
            municipality: str | None = None) -> int:
    args = ["course", "add", "--kind", kind, "--date", date, "--json"]
    if municipality:
        args += ["--municipality", municipality]
    course = ok(*args)
    ok("course", "enrol", str(course["id"]), *map(str, trainer_ids))
    ok("course", "complete", str(course["id"]), "--date", date)
    return int(course["id"])


def trainer_under_agreement(email: str = "anna@example.se", municipality: str = "Gävle",
                            start: str = "2023-04-01") -> tuple[int, int]:
    trainer = register(email=email, municipality=municipality)
    certify(trainer["id"])
    agreement = ok("sign-agreement", str(trainer["id"]), "--start", start, "--json")
    return trainer["id"], agreement["id"]
