"""The SQL a steg2 command runs, and SQLite's plan for each statement (EXPLAIN QUERY PLAN).

Used by `make bench` (the plans of the bounded commands in its report) and by the test that keeps those
commands on indexes. A statement "scans" a table when SQLite reads the whole table (SCAN, in key or index
order) rather than searching an index (SEARCH); on a big table that is what makes a command grow with
everything ever recorded. A scan in key order that stops after `LIMIT n` rows is bounded and not counted.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

#: Tables that grow with the years: a full scan of one of them is what a bounded command must not do.
GROWING = frozenset(
    {
        "trainees",
        "invoices",
        "invoice_lines",
        "charges",
        "charge_billings",
        "steps",
        "payments",
        "audit_log",
        "attendance_records",
        "course_participants",
        "school_programmes",
        "schools",
        "agreements",
        "trainers",
    }
)


def statements(db: Path, args: Sequence[str]) -> list[tuple[str, Any]]:
    """Every SQL statement (with its parameters) that `steg2 --db DB ARGS` runs, in order."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine
    from typer.testing import CliRunner

    from steg2cli.cli import app

    seen: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        if not executemany and statement.lstrip().upper().startswith(("SELECT", "WITH")):
            seen.append((statement, parameters))

    event.listen(Engine, "before_cursor_execute", record)
    try:
        result = CliRunner().invoke(app, ["--db", str(db), *args])
    finally:
        event.remove(Engine, "before_cursor_execute", record)
    if result.exit_code != 0:
        raise RuntimeError(f"steg2 {' '.join(args)} failed: {result.output}")
    return seen


def plan(db: Path, statement: str, parameters: Any) -> list[str]:
    """SQLite's query plan for one statement, a line per step."""
    with sqlite3.connect(db) as conn:
        return [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {statement}", parameters or ())]


def scans(db: Path, args: Sequence[str]) -> list[tuple[str, str]]:
    """(plan line, statement) for every full scan of a growing table the command does."""
    found = []
    for statement, parameters in statements(db, args):
        lines = plan(db, statement, parameters)
        # `ORDER BY id DESC LIMIT n` walks the table in key order and stops after n rows: bounded.
        limited = " LIMIT " in statement.upper() and not any("TEMP B-TREE" in line for line in lines)
        for line in lines:
            words = line.split()
            if words[:1] == ["SCAN"] and len(words) > 1 and words[1] in GROWING:
                if not limited:
                    found.append((line, " ".join(statement.split())[:200]))
    return found
