"""Migrations: a new database and one upgraded from every older schema end up the same."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from steg2cli import db as dbmod
from steg2cli.migrations.runner import alembic_config
from tests.conftest import ACTIVITY_FROM_RECORDS, SERVER, ok, register, run

pytestmark = pytest.mark.skipif(SERVER is not None, reason="migrations are compared on SQLite files")


def _schema(path: Path) -> dict[str, object]:
    with sqlite3.connect(path) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        shape: dict[str, object] = {}
        for table in tables:
            columns = [(c[1], c[2].upper(), c[3]) for c in conn.execute(f"PRAGMA table_info('{table}')")]
            keys = sorted((k[2], k[3], k[4]) for k in conn.execute(f"PRAGMA foreign_key_list('{table}')"))
            indexes = sorted((i[1], i[2]) for i in conn.execute(f"PRAGMA index_list('{table}')"))
            shape[table] = (columns, keys, indexes)
        return shape


def _database_at(path: Path, revision: str) -> None:
    engine = dbmod.make_engine(f"sqlite:///{path}", foreign_keys=False)
    with engine.begin() as conn:
        config = alembic_config()
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
    engine.dispose()


def test_upgrading_from_every_older_schema_gives_the_new_schema(tmp_path: Path, template_db: Path) -> None:
    for old in dbmod.REVISIONS[:-1]:
        path = tmp_path / f"at-{old}.db"
        _database_at(path, old)
        dbmod.Database(f"sqlite:///{path}", notify=lambda line: None).ensure_schema()
        assert _schema(path) == _schema(template_db), f"upgrade from {old} differs from a new database"


def test_an_old_database_is_upgraded_on_first_use_after_a_backup(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _database_at(path, "0001")
    engine = dbmod.make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO trainers (id, name, email, municipality_code, basic_training, series_held, appointed_by,"
                " programmes, registered_on) VALUES (1, 'Anna Lind', 'anna@x.se', '2180', '2022-01-01', '2022-06-01',"
                " 'K, rektor', '', '2022-07-01')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO agreements (id, trainer_id, start, municipality_code) VALUES (1, 1, '2023-01-01', '2180')"
            )
        )
    engine.dispose()

    result = run("--db", str(path), "agreement", "list", "--json")
    assert result.exit_code == 0, result.stderr
    assert f"upgrading the database schema 0001 → {dbmod.SCHEMA_HEAD}" in result.stderr
    backup = path.with_name("old.db.schema-0001.bak")
    assert backup.exists()
    with sqlite3.connect(backup) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == dbmod.SCHEMA_HEAD
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("SELECT id, trainer_id FROM agreements").fetchall() == [(1, 1)]
    assert '"school": null' in result.stdout
    second = run("--db", str(path), "trainer", "list")
    assert "upgrading" not in second.stderr


def test_db_upgrade_on_an_old_database(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _database_at(path, "0001")
    assert f"0001 → {dbmod.SCHEMA_HEAD}" in ok("--db", str(path), "db", "upgrade").stdout


def test_a_new_database_needs_no_alembic_import_once_it_exists(fresh_db: Path) -> None:
    import subprocess
    import sys

    register()
    code = (
        "import sys\n"
        "from steg2cli.cli import app\n"
        "try:\n    app(['trainer', 'list', '--json'], prog_name='steg2')\nexcept SystemExit:\n    pass\n"
        "print('ALEMBIC', 'alembic' in sys.modules, 'openpyxl' in sys.modules, 'pydantic' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**__import__("os").environ, "STEG2_DB": str(fresh_db)},
    ).stdout
    assert "ALEMBIC False False False" in out


RELEASE_0_1 = Path(__file__).parent / "data" / "release-0.1.0.db"


def _rows(path: Path, table: str, columns: list[str]) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as conn:
        listed = ", ".join(f'"{c}"' for c in columns)
        return sorted(conn.execute(f'SELECT {listed} FROM "{table}"').fetchall(), key=repr)


def _upgraded(table: str, column: str, value: object) -> object:
    """A value as the newest schema keeps it: a move's end reason became a code (0010)."""
    if (table, column) == ("agreements", "end_reason") and isinstance(value, str) and value.startswith("moved to "):
        return "moved:" + value.removeprefix("moved to ")
    return value


def test_a_database_written_by_release_0_1_keeps_every_row_when_upgraded(tmp_path: Path) -> None:
    """tests/data/release-0.1.0.db was written by steg2 0.1.0 (schema 0006): invoices, a credit note,
    steps, trainees, attendance, a move (tests/data/make-release-0.1.0.sh made it)."""
    path = tmp_path / "register.db"
    path.write_bytes(RELEASE_0_1.read_bytes())
    with sqlite3.connect(path) as conn:
        old_tables = {
            name: [c[1] for c in conn.execute(f"PRAGMA table_info('{name}')")]
            for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if name != "alembic_version"
        }
    before = {table: _rows(path, table, columns) for table, columns in old_tables.items()}
    assert before["invoices"] and before["invoice_lines"] and before["attendance"]

    invoices = ok("--db", str(path), "invoice", "list", "--json")
    assert [i["number"] for i in invoices] == [1, 2, 3, 4, 5]
    moved = {("schools", "payer_code"), ("charges", "payer_code")}  # now payer ids: checked below
    for table, columns in old_tables.items():
        if table == "payer_details":
            continue
        new_table = "attendance_records" if table == "attendance" else table
        kept = [c for c in columns if (table, c) not in moved]
        old_rows = sorted(
            (tuple(_upgraded(table, c, row[columns.index(c)]) for c in kept) for row in before[table]), key=repr
        )
        assert _rows(path, new_table, kept) == old_rows, f"rows of {table} changed"
    with sqlite3.connect(path) as conn:
        # Every municipality is a payer; the details recorded for a municipality moved onto its payer.
        assert conn.execute("SELECT count(*) FROM payers WHERE code IS NOT NULL").fetchone()[0] == 290
        for code, address, reference, email in before["payer_details"]:
            assert conn.execute(
                "SELECT address, reference, email, name FROM payers WHERE code = ?", (code,)
            ).fetchone()[:3] == (address, reference, email)
        assert conn.execute("SELECT name FROM payers WHERE code = '2180'").fetchone() == ("Gävle kommun",)
        # Schools paid by their own municipality; charges and invoices keep their payer.
        assert conn.execute("SELECT count(*) FROM schools WHERE payer_id IS NOT NULL").fetchone() == (0,)
        old_charges = {row[0]: row[4] for row in before["charges"]}  # id → payer_code
        for charge_id, payer_code in conn.execute(
            "SELECT c.id, p.code FROM charges c JOIN payers p ON p.id = c.payer_id"
        ):
            assert old_charges[charge_id] == payer_code
        assert conn.execute(
            "SELECT count(*) FROM invoices i JOIN payers p ON p.id = i.payer_id WHERE p.code = i.payer_code"
        ).fetchone() == (5,)
        assert [row[0] for row in conn.execute("SELECT ocr FROM invoices ORDER BY number")] == [
            "133",
            "232",
            "331",
            "430",
            "539",
        ]  # number, length digit, Luhn digit (worked by hand)
        assert conn.execute("SELECT count(*) FROM attendance_records WHERE void_on IS NULL").fetchone()[0] == 4
        assert conn.execute("SELECT count(*) FROM invoices WHERE waived").fetchone()[0] == 0
        assert conn.execute("SELECT end_reason FROM agreements WHERE id = 2").fetchone() == ("moved:Gävle",)
        # The billing marks (0012) start as "not yet looked at"; an open course owes nothing itself.
        assert conn.execute("SELECT count(*) FROM agreements WHERE fees_from IS NOT NULL").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM courses WHERE billed <> (kind = 'open')").fetchone() == (0,)
        # Each run's activity dates (0014) are worked out from its steps and its school's trainee reports.
        stored = conn.execute("SELECT id, last_activity_on, last_report_on FROM school_programmes ORDER BY id")
        assert stored.fetchall() == conn.execute(ACTIVITY_FROM_RECORDS).fetchall() != []
        assert conn.execute("SELECT count(*) FROM school_programmes WHERE last_activity_on IS NULL").fetchone() == (0,)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    # The upgraded register works: a step can be voided and recorded again, the invoice run adds nothing new.
    ok("--db", str(path), "void", "step", "3", "--reason", "fel datum", "--date", "2025-06-15")
    assert ok("--db", str(path), "invoice", "run", "--date", "2025-06-15", "--dry-run", "--json")["invoices"] == []
    # The first real run bills nothing again and records where each agreement got to.
    assert ok("--db", str(path), "invoice", "run", "--date", "2025-06-15", "--json")["invoices"] == []
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM agreements WHERE fees_from IS NULL").fetchone() == (0,)


RELEASE_0_2 = Path(__file__).parent / "data" / "release-0.2.0.db"

#: Columns whose stored values a later migration converts on purpose: (table, column) → conversion of the
#: old value. Every other column of every table of release 0.2.0 must come through an upgrade unchanged.
CONVERTED_SINCE_0_2: dict[tuple[str, str], object] = {}


def test_a_database_written_by_release_0_2_keeps_every_row_when_upgraded(tmp_path: Path) -> None:
    """tests/data/release-0.2.0.db was written by steg2 after the second build (schema 0014): payers, a school
    with its own payer, invoices, a credit note and a waived one, payments by hand and from a BgMax file (one
    assigned by hand), voids, contact and lead changes (tests/data/make-release-0.2.0.sh made it)."""
    path = tmp_path / "register.db"
    path.write_bytes(RELEASE_0_2.read_bytes())
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0014",)
        old_tables = {
            name: [c[1] for c in conn.execute(f"PRAGMA table_info('{name}')")]
            for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if name != "alembic_version"
        }
    before = {table: _rows(path, table, columns) for table, columns in old_tables.items()}
    assert all(before[t] for t in ("invoices", "invoice_lines", "payments", "payment_imports", "charge_billings"))

    invoices = ok("--db", str(path), "invoice", "list", "--json", "--on", "2026-03-15")
    assert [(i["number"], i["state"], i["balance"]) for i in invoices] == [
        (1, "overdue", 3_876_550),
        (2, "credited", 0),
        (3, "paid", -500_000),
        (4, "credit", 0),
        (5, "credited", 0),
        (6, "credit", 0),
        (7, "overdue", 1_000_000),
        (8, "overdue", 2_000_000),
        (9, "overdue", 1_000_000),
        (10, "open", 1_100_000),
    ]
    # The open-items mark comes out of the old rows exactly: what is still owed, and nothing else.
    with sqlite3.connect(path) as conn:
        assert [n for (n,) in conn.execute("SELECT invoice_number FROM open_invoices ORDER BY 1")] == [1, 7, 8, 9, 10]
        # Invoice 3 was paid in full after its due date: the next interest run looks at it once more.
        assert [n for (n,) in conn.execute("SELECT invoice_number FROM interest_pending")] == [3]
    for table, columns in old_tables.items():
        after = _rows(path, table, columns)
        expected = before[table]
        converting = {c: f for (t, c), f in CONVERTED_SINCE_0_2.items() if t == table}
        if converting:
            expected = sorted(
                (
                    tuple(converting[c](v) if c in converting else v for c, v in zip(columns, row, strict=True))  # type: ignore[operator]
                    for row in expected
                ),
                key=repr,
            )
        assert after == expected, f"rows of {table} changed"
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    # The upgraded register bills nothing twice and takes new work.
    assert ok("--db", str(path), "invoice", "run", "--date", "2026-03-15", "--dry-run", "--json")["invoices"] == []
    ok("--db", str(path), "payment", "add", "7", "--date", "2026-03-15", "--amount", "10000")
    assert ok("--db", str(path), "invoice", "show", "7", "--json")["paid"] == 1_000_000


VERSIONS = Path(dbmod.__file__).parent / "migrations" / "versions"


def test_no_migration_depends_on_code_or_data_that_may_change() -> None:
    """A migration gives the same result for ever: it imports neither the rules nor the services (which change
    with the product), nor the models, and reads no package data outside its own frozen copies."""
    import ast

    allowed_data = "migrations/data/"
    for script in sorted(VERSIONS.glob("0*.py")):
        tree = ast.parse(script.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                names = []
            for name in names:
                assert not name.startswith("steg2cli"), f"{script.name} imports {name}"
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.endswith(".csv"):
                assert node.value.startswith(allowed_data), f"{script.name} reads {node.value}"
