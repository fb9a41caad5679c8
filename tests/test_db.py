"""The database target, its schema, and every way opening it can fail: one line, exit 1, no traceback."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from steg2cli import db as dbmod
from steg2cli.migrations.runner import alembic_config
from tests.conftest import nothing_written, ok, query, refused, register, run, sqlite_only


def test_schema_revisions_match_the_alembic_scripts() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert script.get_heads() == [dbmod.SCHEMA_HEAD]
    chain = [rev.revision for rev in script.walk_revisions()]
    assert list(reversed(chain)) == list(dbmod.REVISIONS)


@sqlite_only
def test_a_new_database_file_is_created_at_the_newest_schema(tmp_path: Path) -> None:
    target = tmp_path / "new.db"
    assert "Created a steg2 database" in ok("--db", str(target), "db", "init").stdout
    assert "already holds a steg2 database" in ok("--db", str(target), "db", "init").stdout
    ok("--db", str(target), "trainer", "list")
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == dbmod.SCHEMA_HEAD
        assert conn.execute("SELECT count(*) FROM municipalities").fetchone()[0] == 290
        assert conn.execute("SELECT name FROM municipalities WHERE code = '2180'").fetchone()[0] == "Gävle"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@sqlite_only
def test_db_option_takes_an_sqlalchemy_url(tmp_path: Path) -> None:
    target = tmp_path / "url.db"
    ok("--db", f"sqlite:///{target}", "db", "init")
    ok("--db", f"sqlite:///{target}", "trainer", "list")
    assert target.exists()


@sqlite_only
@pytest.mark.parametrize(
    "command",
    [
        ["invoice", "run"],
        ["trainer", "list"],
        ["db", "upgrade"],
        ["status"],
        ["invoice", "run", "--dry-run"],
        ["db", "backup", "copy.db"],
    ],
)
def test_rule_35_no_command_but_db_init_and_demo_creates_a_database(tmp_path: Path, command: list[str]) -> None:
    target = tmp_path / "typo.db"
    line = refused("--db", str(target), *command, contains="no steg2 database at")
    assert line == f"Error: no steg2 database at {target}; create one with: steg2 db init"
    assert not target.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["steg2.db"]  # the fixture's


@sqlite_only
def test_demo_may_create_a_database(tmp_path: Path) -> None:
    ok("--db", str(tmp_path / "demo.db"), "demo")
    assert ok("--db", str(tmp_path / "demo.db"), "trainer", "list", "--json")


@sqlite_only
def test_another_programs_sqlite_file_is_refused_before_anything_changes_in_it(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    before = other.read_bytes()
    for command in (["trainer", "list"], ["db", "init"], ["demo"]):
        refused("--db", str(other), *command, contains="not a steg2 database")
    assert other.read_bytes() == before  # not even switched to WAL
    with sqlite3.connect(other) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_default_file_lives_in_the_user_data_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STEG2_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    if sys.platform.startswith("linux"):
        assert dbmod.resolve_url(None) == f"sqlite:///{tmp_path / 'data' / 'steg2' / 'steg2.db'}"


@sqlite_only
def test_a_corrupt_database_file_is_refused_in_one_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"this is not a database at all" * 200)
    refused("--db", str(broken), "trainer", "list", contains="is not an SQLite database")


@sqlite_only
def test_a_folder_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    refused("--db", str(tmp_path / "nowhere" / "x.db"), "db", "init", contains="does not exist")
    refused("--db", str(tmp_path / "nowhere" / "x.db"), "trainer", "list", contains="no steg2 database")


@sqlite_only
def test_a_folder_given_as_database_is_refused(tmp_path: Path) -> None:
    refused("--db", str(tmp_path), "trainer", "list", contains="is a folder")


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True, reason="root ignores permissions")
def test_an_unwritable_folder_is_refused(tmp_path: Path) -> None:
    locked = tmp_path / "ro"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        refused("--db", str(locked / "x.db"), "trainer", "list", contains="not writable")
    finally:
        locked.chmod(0o700)


def _sqlite_error(name: str, message: str) -> sqlite3.Error:
    error = sqlite3.OperationalError(message)
    error.sqlite_errorname = name  # type: ignore[attr-defined]  # as the driver sets it
    return error


class _PsycopgLikeError(Exception):
    """What psycopg raises: the server's SQLSTATE in `sqlstate`."""

    def __init__(self, sqlstate: str, message: str) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    ("orig", "expected"),
    [
        # The words of the message are deliberately misleading: only the error code counts.
        (_sqlite_error("SQLITE_READONLY", "database is locked"), "cannot be written (read-only"),
        (_sqlite_error("SQLITE_BUSY", "attempt to write a readonly database"), "busy"),
        (_sqlite_error("SQLITE_BUSY_SNAPSHOT", "x"), "busy"),
        (_sqlite_error("SQLITE_NOTADB", "file is not a database"), "damaged"),
        (_sqlite_error("SQLITE_CORRUPT_INDEX", "something"), "damaged"),
        (_sqlite_error("SQLITE_CANTOPEN", "unable to open database file"), "cannot open the database"),
        (_sqlite_error("SQLITE_FULL", "database or disk is full"), "disk is full"),
        (_PsycopgLikeError("55P03", "canceling statement due to lock timeout"), "busy"),
        (_PsycopgLikeError("53100", "could not extend file"), "disk is full"),
        (_PsycopgLikeError("08006", "server closed the connection"), "cannot reach the database server"),
        (_PsycopgLikeError("42P01", "the database is locked"), "the database failed"),
    ],
)
def test_driver_errors_are_told_apart_by_their_error_codes(orig: Exception, expected: str) -> None:
    from sqlalchemy.exc import OperationalError

    error = dbmod.translate(OperationalError("stmt", {}, orig), "sqlite:////tmp/x.db")
    assert expected in str(error)
    assert "stmt" not in str(error)


@sqlite_only
def test_a_busy_database_is_refused_in_one_line(fresh_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STEG2_BUSY_TIMEOUT_MS", "200")
    holder = sqlite3.connect(fresh_db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        refused("course", "add", "--kind", "open", "--date", "2025-01-01", contains="busy")
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_an_unknown_database_url_is_refused(tmp_path: Path) -> None:
    refused("--db", "nosuchdb://x/y", "trainer", "list", contains="cannot use the database address")


@sqlite_only
def test_a_newer_schema_is_refused(fresh_db: Path) -> None:
    with sqlite3.connect(fresh_db) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    refused("trainer", "list", contains="newer than this steg2")


@sqlite_only
def test_a_foreign_sqlite_file_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE notes (x)")
    refused("--db", str(other), "trainer", "list", contains="not a steg2 database")


def test_backup_of_a_server_database_points_to_pg_dump(fresh_db: object, tmp_path: Path) -> None:
    if isinstance(fresh_db, Path):
        pytest.skip("PostgreSQL only")
    refused("db", "backup", str(tmp_path / "x.db"), contains="pg_dump")


def test_db_upgrade_says_there_is_nothing_to_do() -> None:
    assert "nothing to do" in ok("db", "upgrade").stdout


@sqlite_only
def test_db_backup_writes_a_consistent_copy(tmp_path: Path) -> None:
    register()
    copy = tmp_path / "copy.db"
    ok("db", "backup", str(copy))
    with sqlite3.connect(copy) as conn:
        assert conn.execute("SELECT email FROM trainers").fetchall() == [("anna@example.se",)]
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    refused("db", "backup", str(copy), contains="exists already")


def test_an_unexpected_failure_is_one_line_without_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    from steg2cli.services import trainers

    def boom(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(trainers, "each_trainer", boom)
    refused("trainer", "list", contains="unexpectedly (ZeroDivisionError)")


def test_every_write_is_in_the_audit_trail(fresh_db: Path) -> None:
    register()
    rows = query(fresh_db, "SELECT command, touched FROM audit_log")
    assert rows == [("register-trainer", '{"trainer": [1]}')]


def test_a_refused_command_writes_no_audit_entry(fresh_db: Path) -> None:
    with nothing_written(fresh_db):
        refused("course", "add", "--kind", "purchased", "--date", "2025-01-01", contains="municipality")


def test_version_and_usage_errors() -> None:
    result = run("--version")
    assert result.exit_code == 0 and result.stdout.startswith("steg2 ")
    assert run("trainer", "list", "--no-such-option").exit_code == 2
    # The wording is steg2's own with the Typer it is locked to, Click's with the lowest Typer it supports.
    kind = run("course", "add", "--kind", "online", "--date", "2025-01-01")
    assert kind.exit_code == 2 and "'online' is not one of" in kind.stderr and "purchased" in kind.stderr
    limit = run("log", "--limit", "0")
    assert limit.exit_code == 2 and ("below the minimum 1" in limit.stderr or ">=1" in limit.stderr)
    number = run("invoice", "show", "seven")
    assert number.exit_code == 2 and (
        "'seven' is not a whole number" in number.stderr or "'seven' is not a valid int" in number.stderr
    )


def test_help_imports_neither_sqlalchemy_alembic_nor_openpyxl() -> None:
    code = (
        "import sys\n"
        "from steg2cli.cli import app\n"
        "try:\n    app(['--help'], prog_name='steg2')\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('sqlalchemy', 'alembic', 'openpyxl') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "HEAVY []" in out


def test_rules_imports_only_the_standard_library_and_dateutil() -> None:
    """…and python-stdnum for the check digits (Luhn, organisation numbers), inside the functions that
    use them: a pure library, no I/O."""
    import ast

    import steg2cli.rules

    tree = ast.parse(Path(steg2cli.rules.__file__).read_text(encoding="utf-8"))
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            # steg2's own messages come from the i18n module (standard-library gettext, no I/O beyond
            # reading the catalogue); nothing else of steg2's is imported by the rules.
            modules.add(node.module if node.module == "steg2cli.i18n" else node.module.split(".")[0])
    allowed = set(sys.stdlib_module_names) | {"dateutil", "__future__", "stdnum", "steg2cli.i18n"}
    assert modules <= allowed, modules - allowed
    top_level = {
        node.names[0].name.split(".")[0] if isinstance(node, ast.Import) else (node.module or "")
        for node in tree.body
        if isinstance(node, ast.Import | ast.ImportFrom)
    }
    assert not any(name.startswith("stdnum") for name in top_level), "stdnum is imported where it is used"


def test_layout_imports_run_one_way() -> None:
    """Services, rules, models and db never import the command layer or Typer/Rich."""
    root = Path(dbmod.__file__).parent
    for path in [*root.glob("services/*.py"), root / "rules.py", root / "models.py", root / "db.py"]:
        text = path.read_text(encoding="utf-8")
        for banned in ("steg2cli.commands", "import typer", "from rich", "import rich"):
            assert banned not in text, f"{path.name} imports {banned}"


def _all_commands() -> list[tuple[str, object]]:
    from typer import Context
    from typer.main import get_command

    from steg2cli.cli import app

    found = []

    def walk(command: object, prefix: str) -> None:
        found.append((prefix, command))
        context = Context(command)  # type: ignore[arg-type]
        for name in getattr(command, "list_commands", lambda ctx: [])(context):
            walk(command.get_command(context, name), f"{prefix} {name}".strip())  # type: ignore[attr-defined]

    walk(get_command(app), "")
    return found


def test_the_command_table_matches_each_commands_own_help() -> None:
    from steg2cli.cli import COMMANDS

    commands = dict(_all_commands())
    for name, (_, _, short) in COMMANDS.items():
        own = " ".join((commands[name].help or "").split())  # type: ignore[attr-defined]
        assert own.startswith(short), f"steg2 {name}: table says {short!r}, the command says {own!r}"


def test_the_contract_commands_all_exist() -> None:
    names = {name for name, _ in _all_commands()}
    contract = [
        "register-trainer",
        "sign-agreement",
        "start-school",
        "report-trainees",
        "invoice run",
        "invoice list",
        "invoice show",
        "invoice credit",
        "invoice export",
        "course add",
        "course enrol",
        "course complete",
        "course list",
        "course show",
        "trainer list",
        "trainer show",
        "trainer move",
        "agreement list",
        "agreement end",
        "school list",
        "school show",
        "school step",
        "school stop",
        "school problem",
        "meeting add",
        "meeting attend",
        "meeting list",
        "compliance",
        "status",
        "export trainees",
        "export trainers",
        "export schools",
        "export template",
        "price list",
        "price set",
        "config show",
        "config set",
        "demo",
        "db upgrade",
        "db backup",
        "log",
        "person export",
        "person erase",
    ]
    assert [c for c in contract if c not in names] == []


def test_every_command_has_a_one_line_help_text() -> None:
    for name, command in _all_commands():
        text = (getattr(command, "help", None) or "").strip()
        assert text, f"'steg2 {name}' has no help text"
        for param in getattr(command, "params", []):
            if getattr(param, "param_type_name", "") == "option" or param.__class__.__name__.endswith("Option"):
                assert getattr(param, "help", None), f"'steg2 {name}' option {param.name} has no help"


def test_no_module_of_the_package_imports_itself_round_a_cycle() -> None:
    """Imports run one way (commands → services → rules, models, db): no cycle, not even through an import
    inside a function (db ↔ migrations.runner and services.agreements ↔ services.schools were untied)."""
    import ast

    import steg2cli

    root = Path(steg2cli.__file__).parent
    modules = {
        ".".join(("steg2cli", *p.relative_to(root).with_suffix("").parts)).removesuffix(".__init__"): p
        for p in root.rglob("*.py")
    }
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
            graph[name] |= {t for t in targets if t in modules and t != name}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for following in graph[start] - seen:
            seen.add(following)
            if following == goal or reaches(following, goal, seen):
                return True
        return False

    cycles = sorted(name for name in graph if reaches(name, name, set()))
    assert cycles == []


def test_make_says_plainly_that_python_3_11_is_needed(tmp_path: Path) -> None:
    import shutil
    import subprocess

    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    old = tmp_path / "python3.10"
    old.write_text('#!/bin/sh\n[ "$1" = "--version" ] && echo "Python 3.10.12" && exit 0\nexit 1\n')
    old.chmod(0o755)
    root = Path(__file__).resolve().parents[1]
    result = subprocess.run(
        ["make", "-s", "-C", str(root), f"PYTHON={old}", f"VENV={tmp_path / 'venv'}", "demo"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "steg2 needs Python 3.11 or newer" in result.stdout and "Python 3.10.12" in result.stdout
    assert not (tmp_path / "venv").exists()  # stopped before making anything
