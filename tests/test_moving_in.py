"""Moving in and moving up (rules 37-38): the register workbook in and out, `Fakturerat t.o.m.`, old unpaid
invoices, and `db copy`; and trainee exports read back in after an erasure."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from steg2cli import rules
from steg2cli.services.register import SHEETS, WORKBOOK_ORDER
from tests.conftest import (
    SERVER,
    _admin,
    _server_url,
    nothing_written,
    ok,
    query,
    refused,
    register,
    run,
    trainer_under_agreement,
)
from tests.sie_reader import read

TRAINER = [
    "Anna Andersson",
    "anna@gavle.se",
    "070-1",
    "Gävle",
    "2021-09-01",
    "2022-05-20",
    "Per P, rektor",
    "2023-03-10",
    "steg2",
]
AGREEMENT = ["anna@gavle.se", "2023-04-01", None, None, "2025-03-31"]
SCHOOL = [
    "Vasaskolan",
    "Gävle",
    "mvp-hs",
    "2023-08-15",
    None,
    None,
    "Eva Ek",
    "eva@gavle.se",
    None,
    "anna@gavle.se",
    "2023-09-01",
    "2023-10-02",
    "2023-11-06",
    "2024-01-15",
    None,
    "2024-02-12, 2024-04-08",
]
TRAINEE = ["Karin Lund", "karin@gavle.se", "Vasaskolan", "Gävle", "mvp-hs", "2024-01-15", "anna@gavle.se"]
INVOICE = ["2025-117", "2025-04-01", "2025-05-01", "Gävle", 10000, 2500, "11700021"]


def workbook(path: Path, **sheets: list[list[Any]]) -> Path:
    """A register workbook with these rows (keyword: the sheet's position in WORKBOOK_ORDER's names)."""
    names = {
        "trainers": "Utbildare",
        "agreements": "Överenskommelser",
        "schools": "Skolor",
        "trained": "Utbildade",
        "invoices": "Obetalda fakturor",
    }
    book = Workbook()
    book.remove(book.active)
    for key, rows in sheets.items():
        sheet = book.create_sheet(names[key])
        sheet.append(list(SHEETS[names[key]]))
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def full(path: Path) -> Path:
    return workbook(
        path, trainers=[TRAINER], agreements=[AGREEMENT], schools=[SCHOOL], trained=[TRAINEE], invoices=[INVOICE]
    )


def test_the_template_has_every_sheet_and_header_and_imports_as_it_is(fresh_db: Any, tmp_path: Path) -> None:
    out = tmp_path / "mall.xlsx"
    ok("export", "register-template", "-o", str(out))
    book = load_workbook(out, read_only=True)
    assert book.sheetnames == list(WORKBOOK_ORDER)
    for name in WORKBOOK_ORDER:
        rows = list(book[name].iter_rows(values_only=True))
        assert list(rows[0]) == list(SHEETS[name]) and len(rows) == 2
    first = ok("import", "register", str(out), "--json")
    assert first["added"] == {
        "trainers": 1,
        "agreements": 1,
        "schools": 1,
        "programmes": 1,
        "steps": 6,
        "trainees": 1,
        "invoices": 1,
    }
    again = ok("import", "register", str(out), "--json")
    assert set(again["added"].values()) == {0}
    assert again["already_present"]["trainers"] == 1 and again["already_present"]["steps"] == 6


def test_a_workbook_imports_whole_references_within_it_and_audit_names_the_file(fresh_db: Any, tmp_path: Path) -> None:
    path = full(tmp_path / "register.xlsx")
    with nothing_written(fresh_db):
        dry = ok("import", "register", str(path), "--dry-run", "--json")
    assert dry["dry_run"] and dry["added"]["trainees"] == 1
    ok("import", "register", str(path))
    [trainer] = ok("trainer", "list", "--json")
    assert trainer["certified_on"] == "2023-03-10" and trainer["agreement"]["start"] == "2023-04-01"
    [school] = ok("school", "list", "--json")
    steps = ok("school", "show", str(school["id"]), "--json")["programmes"][0]["steps"]
    assert [s["step"] for s in steps].count("handledning") == 2 and len(steps) == 6
    [(command, touched)] = query(fresh_db, "SELECT command, touched FROM audit_log WHERE command = 'import register'")
    assert json.loads(touched)["imported-from"] == ["register.xlsx"]
    assert query(fresh_db, "SELECT kind FROM courses") == [("imported",)]


@pytest.mark.parametrize(
    ("sheets", "sheet", "column"),
    [
        ({"trainers": [[*TRAINER[:1], "not-an-address", *TRAINER[2:]]]}, "Utbildare", "E-post"),
        ({"trainers": [[*TRAINER[:4], "2022-05-20", "2021-09-01", *TRAINER[6:]]]}, "Utbildare", "Programserie hållen"),
        ({"trainers": [[*TRAINER[:7], "2030-01-01", "steg2"]]}, "Utbildare", "Certifierad"),
        (
            {"trainers": [TRAINER], "agreements": [AGREEMENT, ["anna@gavle.se", "2024-01-01", None, None, None]]},
            "Överenskommelser",
            "Start",
        ),
        ({"agreements": [["nobody@gavle.se", "2024-01-01", None, None, None]]}, "Överenskommelser", "Utbildare"),
        (
            {"trainers": [TRAINER], "schools": [[*SCHOOL[:12], None, "2024-01-15", *SCHOOL[14:]]]},
            "Skolor",
            "Grundutbildning del 2",
        ),
        ({"trainers": [TRAINER], "schools": [[*SCHOOL[:6], "", *SCHOOL[7:]]]}, "Skolor", "Kontaktperson"),
        (
            {"trainers": [TRAINER], "schools": [[*SCHOOL[:10], "2027-01-01", *SCHOOL[11:]]]},
            "Skolor",
            "Förankringssamtal",
        ),
        (
            {"trainers": [TRAINER], "schools": [SCHOOL], "trained": [[*TRAINEE[:5], "2023-01-01", TRAINEE[6]]]},
            "Utbildade",
            "Datum",
        ),
        ({"invoices": [[*INVOICE[:5], 10000, INVOICE[6]]]}, "Obetalda fakturor", "Betalt"),
        ({"invoices": [[*INVOICE[:3], "Ingenstans", *INVOICE[4:]]]}, "Obetalda fakturor", "Betalare"),
        ({"invoices": [INVOICE, INVOICE]}, "Obetalda fakturor", "Fakturanummer"),
    ],
)
def test_every_sheet_refuses_a_bad_row_and_writes_nothing(
    fresh_db: Any, tmp_path: Path, sheets: dict[str, Any], sheet: str, column: str
) -> None:
    path = workbook(tmp_path / "bad.xlsx", **sheets)
    with nothing_written(fresh_db):
        refused("import", "register", str(path), contains="nothing was written")
        result = run("import", "register", str(path), "--json")
    assert result.exit_code == 1
    errors = json.loads(result.stdout)
    assert {"sheet", "row", "column", "reason"} <= set(errors[0])
    assert (sheet, column) in {(e["sheet"], e["column"]) for e in errors}, errors


def test_a_wrong_header_is_a_row_error_of_its_sheet(fresh_db: Any, tmp_path: Path) -> None:
    book = Workbook()
    book.active.title = "Utbildare"
    book.active.append(["Namn", "Epost"])
    book.save(tmp_path / "x.xlsx")
    result = run("import", "register", str(tmp_path / "x.xlsx"), "--json")
    assert result.exit_code == 1 and json.loads(result.stdout)[0]["sheet"] == "Utbildare"
    refused("import", "register", str(tmp_path / "missing.xlsx"), contains="no such file")


def test_billed_until_keeps_earlier_years_out_of_every_invoice_run(fresh_db: Any, tmp_path: Path) -> None:
    ok("import", "register", str(workbook(tmp_path / "r.xlsx", trainers=[TRAINER], agreements=[AGREEMENT])))
    run_one = ok("invoice", "run", "--date", "2026-06-15", "--json")["invoices"]
    periods = sorted(line["description"] for i in run_one for line in i["lines"])
    assert len(periods) == 2 and all("år 3" in p or "år 4" in p for p in periods), periods
    [invoice] = run_one
    ok("invoice", "credit", str(invoice["number"]), "--reason", "fel", "--date", "2026-06-15")
    again = ok("invoice", "run", "--date", "2026-06-15", "--json")["invoices"]
    assert sorted(line["description"] for i in again for line in i["lines"]) == periods


def test_rule_37_billed_until_in_the_billing_rules() -> None:
    agreement = rules.AgreementForBilling(1, date(2023, 4, 1), None, 1, "A", billed_until=date(2025, 3, 31))
    assert [k for k, _f, _l in rules.fee_years_due(agreement, date(2026, 6, 15))] == [2, 3]
    assert rules.next_fees_from(agreement, date(2026, 6, 15), set()) == date(2025, 4, 1)
    bare = rules.AgreementForBilling(1, date(2023, 4, 1), None, 1, "A")
    assert [k for k, _f, _l in rules.fee_years_due(bare, date(2026, 6, 15))] == [0, 1, 2, 3]
    assert rules.invoice_state("imported", 100, date(2025, 1, 1), False, 0, date(2025, 2, 1)).state == "overdue"
    assert rules.payment_allowed("imported", date(2025, 1, 1), 100, date(2025, 1, 2)) == []
    assert rules.payment_allowed("credit", date(2025, 1, 1), 100, date(2025, 1, 2)) != []
    assert rules.is_erased_email("raderad-15@invalid") and not rules.is_erased_email("anna@gavle.se")


def test_old_invoices_take_payments_become_overdue_and_stay_out_of_einvoices_and_sie(
    fresh_db: Any, tmp_path: Path
) -> None:
    second = ["A-9", "2025-05-01", "2025-06-01", "Gävle", 500, 0, None]
    ok("import", "register", str(workbook(tmp_path / "r.xlsx", invoices=[INVOICE, second])))
    listed = {i["number"]: i for i in ok("invoice", "list", "--json")}
    assert listed["2025-117"]["kind"] == "imported" and listed["2025-117"]["balance"] == 750000
    assert listed["2025-117"]["state"] == "overdue" and listed["2025-117"]["internal_number"] < 0
    assert {i["number"] for i in ok("invoice", "list", "--overdue", "--json")} == {"2025-117", "A-9"}
    ok("payment", "add", "2025-117", "--date", "2026-06-01", "--amount", "5000")
    ok("payment", "add", "11700021", "--date", "2026-06-02", "--amount", "2500")
    ok("payment", "add", "A-9", "--date", "2026-06-03", "--amount", "500")
    assert {i["state"] for i in ok("invoice", "list", "--json")} == {"paid"}
    shown = ok("invoice", "show", "2025-117", "--json")
    assert shown["kind"] == "imported" and [p["amount"] for p in shown["payments"]] == [250000, 500000, 250000]
    refused("invoice", "einvoice", "-o", str(tmp_path / "e"), contains="no invoices")
    out = tmp_path / "b.se"
    ok("export", "sie", "-o", str(out), "--from", "2025-01-01", "--to", "2026-12-31")
    books = read(out.read_bytes())
    assert len(books.verifications) == 3  # the three payments; not the invoices, not what was paid before
    # the first steg2 invoice still gets number 1 of the gapless series
    ok(
        "import",
        "register",
        str(workbook(tmp_path / "t.xlsx", trainers=[TRAINER], agreements=[[*AGREEMENT[:4], None]])),
    )
    [first] = ok("invoice", "run", "--date", "2026-06-15", "--json")["invoices"]
    assert first["number"] == 1


def test_a_register_read_in_and_written_out_gives_the_same_rows(fresh_db: Any, tmp_path: Path) -> None:
    ok("import", "register", str(full(tmp_path / "in.xlsx")))
    ok("export", "register", "-o", str(tmp_path / "one.xlsx"))
    ok("db", "init", "--help")
    other = tmp_path / "other.db"
    ok("--db", str(other), "db", "init")
    ok("--db", str(other), "import", "register", str(tmp_path / "one.xlsx"))
    ok("--db", str(other), "export", "register", "-o", str(tmp_path / "two.xlsx"))

    def rows(path: Path) -> dict[str, list[Any]]:
        book = load_workbook(path, read_only=True)
        return {name: sorted(map(repr, book[name].iter_rows(values_only=True))) for name in book.sheetnames}

    one, two = rows(tmp_path / "one.xlsx"), rows(tmp_path / "two.xlsx")
    assert one == two and len(one["Utbildade"]) == 2 and len(one["Obetalda fakturor"]) == 2


def test_an_erased_persons_rows_in_a_trainee_export_are_skipped_on_reimport(fresh_db: Any, tmp_path: Path) -> None:
    ok(
        "import",
        "register",
        str(
            workbook(
                tmp_path / "r.xlsx",
                trainers=[TRAINER],
                agreements=[AGREEMENT],
                schools=[SCHOOL],
                trained=[TRAINEE, ["Olle Ny", "olle@gavle.se", *TRAINEE[2:]]],
            )
        ),
    )
    ok("person", "erase", "karin@gavle.se", "--yes")
    out = tmp_path / "utbildade.xlsx"
    ok("export", "trainees", "-o", str(out))
    assert any("raderad-" in str(r) for r in load_workbook(out).active.iter_rows(values_only=True))
    result = ok("report-trainees", "--file", str(out), "--json")
    assert result["erased"] == 1 and result["already_reported"] == 1 and result["added"] == 0


# ---- db copy ---------------------------------------------------------------------------------------

ALL_PROGRAMMES = ("mvp-ms", "mvp-hs", "mvp-gy", "at", "pool-environment", "encounters")


def _register_with_money(tmp_path: Path) -> None:
    ok("import", "register", str(full(tmp_path / "r.xlsx")))
    [invoice] = ok("invoice", "run", "--date", "2026-06-15", "--json")["invoices"]
    ok("payment", "add", str(invoice["number"]), "--date", "2026-06-15", "--amount", "100")
    ok("invoice", "credit", str(invoice["number"]), "--reason", "fel", "--date", "2026-06-15")
    ok("payment", "add", "2025-117", "--date", "2026-06-15", "--amount", "100")


@pytest.mark.skipif(SERVER is not None, reason="copies an SQLite file")
def test_db_copy_into_an_empty_sqlite_file_copies_every_row_and_refuses_a_register(
    fresh_db: Any, tmp_path: Path
) -> None:
    _register_with_money(tmp_path)
    target = tmp_path / "copy.db"
    result = ok("db", "copy", str(target), "--json")
    assert result["schema"] == query(fresh_db, "SELECT version_num FROM alembic_version")[0][0]
    for table, count in result["tables"].items():
        assert query(target, f'SELECT count(*) FROM "{table}"')[0][0] == count
        assert sorted(query(target, f'SELECT * FROM "{table}"')) == sorted(query(fresh_db, f'SELECT * FROM "{table}"'))
    assert result["tables"]["invoices"] == 3 and result["tables"]["payments"] == 3
    assert ok("--db", str(target), "invoice", "list", "--json") == ok("invoice", "list", "--json")
    with nothing_written(target):
        refused("db", "copy", str(target), contains="already holds")
    refused("db", "copy", str(tmp_path / "no" / "x.db"), contains="does not exist")
    with sqlite3.connect(target) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


@pytest.mark.skipif(SERVER is not None, reason="copies an SQLite file")
def test_a_copy_that_comes_out_different_keeps_nothing(fresh_db: Any, tmp_path: Path, monkeypatch: Any) -> None:
    """The check after copying is what stands between a register and a silently damaged copy: a target
    that stores one money column as text (its rows then differ from the register's) is removed whole."""
    from steg2cli.services import dbcopy

    _register_with_money(tmp_path)
    real = dbcopy._into_target

    def damaged(kind: str, sql: str) -> str:
        if sql.startswith("CREATE TABLE payments "):
            sql = sql.replace("amount_ore BIGINT", "amount_ore TEXT")
        return real(kind, sql)

    monkeypatch.setattr(dbcopy, "_into_target", damaged)
    target = tmp_path / "copy.db"
    refused("db", "copy", str(target), contains="the copy of table payments differs")
    assert not target.exists() and not Path(f"{target}-wal").exists()


@pytest.mark.skipif(SERVER is None, reason="needs the PostgreSQL server of the CI's PostgreSQL run")
def test_a_copy_to_the_server_that_comes_out_different_leaves_the_database_empty(
    fresh_db: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    from steg2cli.services import dbcopy

    source = tmp_path / "source.db"
    monkeypatch.setenv("STEG2_DB", str(source))
    ok("db", "init")
    _register_with_money(tmp_path)
    real = dbcopy._fingerprint

    def damaged(conn: Any, table: Any) -> Any:
        count, digest, sums = real(conn, table)
        if conn.dialect.name == "postgresql" and table.name == "payments":
            digest = "0" * 64
        return count, digest, sums

    monkeypatch.setattr(dbcopy, "_fingerprint", damaged)
    _admin("DROP DATABASE IF EXISTS steg2_copy_target")
    _admin("CREATE DATABASE steg2_copy_target")
    url = _server_url("steg2_copy_target")
    try:
        refused("db", "copy", url, contains="the copy of table payments differs")
        assert query(url, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == [(0,)]
    finally:
        _admin("DROP DATABASE IF EXISTS steg2_copy_target WITH (FORCE)")


@pytest.mark.skipif(SERVER is None, reason="needs the PostgreSQL server of the CI's PostgreSQL run")
def test_db_copy_into_an_empty_postgresql_database(fresh_db: Any, tmp_path: Path, monkeypatch: Any) -> None:
    source = tmp_path / "source.db"
    monkeypatch.setenv("STEG2_DB", str(source))
    ok("db", "init")
    _register_with_money(tmp_path)
    # A loaded definition: step kinds name the step they come after, which may sort later than they do;
    # and a trainer for six programmes (a list longer than the old 40-character column).
    examples = Path(__file__).parent.parent / "examples"
    ok("programme", "load", str(examples / "pool-programme.toml"))
    ok("programme", "load", str(examples / "three-level-supervisors.toml"))
    many = register(name="Sam Many", email="sam@many.se", programmes=ALL_PROGRAMMES)["id"]
    _admin("DROP DATABASE IF EXISTS steg2_copy_target")
    _admin("CREATE DATABASE steg2_copy_target")
    url = _server_url("steg2_copy_target")
    try:
        result = ok("db", "copy", url, "--json")
        for table, count in result["tables"].items():
            assert query(url, f'SELECT count(*) FROM "{table}"')[0][0] == count
        assert ok("--db", url, "invoice", "list", "--json") == ok("invoice", "list", "--json")
        refused("db", "copy", url, contains="already holds")
        ok("--db", url, "payment", "add", "2025-117", "--date", "2026-06-15", "--amount", "1")  # sequences moved on
        assert sorted(ok("--db", url, "trainer", "show", str(many), "--json")["programmes"]) == sorted(ALL_PROGRAMMES)
        assert ok("--db", url, "programme", "list", "--json") == ok("programme", "list", "--json")
    finally:
        _admin("DROP DATABASE IF EXISTS steg2_copy_target WITH (FORCE)")


def test_a_register_with_erased_people_moves_in_with_the_same_rows(fresh_db: Any, tmp_path: Path) -> None:
    ok("import", "register", str(full(tmp_path / "in.xlsx")))
    ok("agreement", "end", "1", "--date", "2026-06-01", "--reason", "slutar")
    for address in ("karin@gavle.se", "eva@gavle.se", "anna@gavle.se"):
        ok("person", "erase", address, "--yes")
    ok("export", "register", "-o", str(tmp_path / "one.xlsx"))
    other = tmp_path / "other.db"
    ok("--db", str(other), "db", "init")
    moved = ok("--db", str(other), "import", "register", str(tmp_path / "one.xlsx"), "--json")
    assert moved["added"]["trainees"] == 1 and moved["added"]["trainers"] == 1
    ok("--db", str(other), "export", "register", "-o", str(tmp_path / "two.xlsx"))
    one, two = (load_workbook(tmp_path / name, read_only=True) for name in ("one.xlsx", "two.xlsx"))
    for name in one.sheetnames:
        assert sorted(map(repr, one[name].iter_rows(values_only=True))) == sorted(
            map(repr, two[name].iter_rows(values_only=True))
        ), name


def test_an_old_invoice_is_blocked_unblocked_and_reminded_by_its_old_number(fresh_db: Any, tmp_path: Path) -> None:
    """An invoice from before steg2 is named by its own number in `invoice block|unblock` and `invoice remind
    --number` (its internal number is negative, which a terminal would read as an option)."""
    ok("import", "register", str(workbook(tmp_path / "r.xlsx", invoices=[INVOICE])))
    ok("invoice", "block", "2025-117", "--reason", "bestridd")
    assert ok("invoice", "remind", "--date", "2026-06-15", "--dry-run", "--json")["reminders"] == []
    assert ok("invoice", "show", "2025-117", "--json")["blocked"]["reason"] == "bestridd"
    ok("invoice", "unblock", "2025-117")
    reminded = ok("invoice", "remind", "--date", "2026-06-15", "--number", "2025-117", "--json")["reminders"]
    assert [r["level"] for r in reminded] == [1]
    assert [r["level"] for r in ok("invoice", "show", "2025-117", "--json")["reminders"]] == [1]
    refused("invoice", "block", "2025-999", "--reason", "x", contains="2025-999")


def test_a_sheet_the_workbook_does_not_know_is_refused_and_nothing_is_written(fresh_db: Any, tmp_path: Path) -> None:
    """A sheet named `Skolor ` (a trailing space) was skipped while the rest imported: its rows were lost."""
    path = workbook(tmp_path / "r.xlsx", trainers=[TRAINER], schools=[SCHOOL])
    book = load_workbook(path)
    book["Skolor"].title = "Skolor "
    book.create_sheet("Blad1")  # an empty sheet of Excel's loses nothing
    book.save(path)
    with nothing_written(fresh_db):
        line = refused("import", "register", str(path))
        refused("import", "register", str(path), "--dry-run")
    assert "'Skolor ' (did you mean 'Skolor'?)" in line and "Blad1" not in line
    assert "Utbildare, Överenskommelser, Skolor, Övriga steg, Utbildade, Obetalda fakturor" in line
    book["Skolor "].title = "Skolorna"
    book.create_sheet("Anteckningar").append(["något"])
    book.save(path)
    with nothing_written(fresh_db):
        line = refused("import", "register", str(path))
    assert "the sheets 'Skolorna' (did you mean 'Skolor'?), 'Anteckningar' are not" in line
    book["Skolorna"].title = "Skolor"
    del book["Anteckningar"]
    book.save(path)
    assert ok("import", "register", str(path), "--json")["added"]["schools"] == 1


def test_fakturerat_tom_is_shown_and_a_second_import_with_another_is_refused(fresh_db: Any, tmp_path: Path) -> None:
    ok("import", "register", str(workbook(tmp_path / "r.xlsx", trainers=[TRAINER], agreements=[AGREEMENT])))
    [agreement] = ok("agreement", "list", "--json")
    assert agreement["billed_until"] == "2025-03-31"
    shown = ok("trainer", "show", "anna@gavle.se", "--json")
    assert [a["billed_until"] for a in shown["agreements"]] == ["2025-03-31"]
    text = ok("trainer", "show", "anna@gavle.se").stdout
    assert "invoiced before steg2 until" in text and "2025-03-31" in text
    ended = ok("agreement", "end", "1", "--date", "2026-06-01", "--reason", "slutar", "--json")
    assert ended["billed_until"] == "2025-03-31"
    for other in ("2025-09-30", None):
        again = workbook(tmp_path / "again.xlsx", trainers=[TRAINER], agreements=[[*AGREEMENT[:4], other]])
        with nothing_written(fresh_db):
            result = run("import", "register", str(again), "--json")
        assert result.exit_code == 1
        [error] = json.loads(result.stdout)
        assert (error["sheet"], error["column"]) == ("Överenskommelser", "Fakturerat t.o.m.")
        assert "the register has this agreement with Fakturerat t.o.m. 2025-03-31" in error["reason"]
    same = ok("import", "register", str(workbook(tmp_path / "same.xlsx", agreements=[AGREEMENT])), "--json")
    assert same["already_present"]["agreements"] == 1
    # an agreement signed in steg2 was never invoiced before it
    trainer_id, agreement_id = trainer_under_agreement(email="bo@gavle.se", start="2026-06-01")
    assert {a["id"]: a["billed_until"] for a in ok("agreement", "list", "--json")}[agreement_id] is None
    assert "invoiced before steg2" not in ok("trainer", "show", str(trainer_id)).stdout


def test_the_audit_trail_names_an_old_invoice_by_its_old_number(fresh_db: Any, tmp_path: Path) -> None:
    """`log` shows an invoice from before steg2 as the payer knows it, never by its hidden negative number."""
    from tests.test_payments import bgmax_file

    second = ["A-9", "2025-05-01", "2025-06-01", "Gävle", 500, 0, None]
    ok("import", "register", str(workbook(tmp_path / "r.xlsx", invoices=[INVOICE, second])))
    ok("invoice", "remind", "--date", "2026-06-15", "--number", "2025-117")
    bank = tmp_path / "bg.txt"
    bank.write_bytes(bgmax_file([("9999", 50_000, "1")], day="20260610"))
    ok("payment", "import", str(bank))
    payment = max(p["id"] for p in ok("payment", "list", "--json"))
    ok("payment", "assign", str(payment), "A-9")
    text = ok("log").stdout
    assert not re.search(r"(?<![\w-])-\d", text), text
    assert "invoice 2025-117, A-9" in text and "invoice 2025-117" in text
    assert "invoice: — → A-9" in text
    entries = ok("log", "--json")
    assert {n for e in entries for n in e["touched"].get("invoice", [])} == {"2025-117", "A-9"}


def test_a_refused_trainer_row_names_the_cell_and_its_value_and_piles_nothing_on_rows_referring_to_it(
    fresh_db: Any, tmp_path: Path
) -> None:
    future = [*TRAINER[:4], "2030-01-01", "2030-02-01", *TRAINER[6:]]
    result = run("import", "register", str(workbook(tmp_path / "a.xlsx", trainers=[future])), "--json")
    errors = [(e["column"], e["value"]) for e in json.loads(result.stdout)]
    assert ("Grundutbildning", "2030-01-01") in errors and ("Programserie hållen", "2030-02-01") in errors, errors
    assert all(value for _column, value in errors), errors
    unnamed = [*TRAINER[:6], "Per", *TRAINER[7:]]  # no role: rule 1 refuses the appointment
    path = workbook(
        tmp_path / "b.xlsx", trainers=[unnamed], agreements=[AGREEMENT], schools=[SCHOOL], trained=[TRAINEE]
    )
    with nothing_written(fresh_db):
        result = run("import", "register", str(path), "--json")
    assert result.exit_code == 1
    errors = json.loads(result.stdout)
    assert [(e["sheet"], e["column"], e["value"]) for e in errors] == [("Utbildare", "Utsedd av", "Per")], errors
    # a trainer on no sheet and not in the register is still unknown
    path = workbook(
        tmp_path / "c.xlsx", trainers=[unnamed], agreements=[["bo@gavle.se", "2024-01-01", None, None, None]]
    )
    errors = json.loads(run("import", "register", str(path), "--json").stdout)
    assert ("Överenskommelser", "Utbildare") in {(e["sheet"], e["column"]) for e in errors}, errors


@pytest.mark.skipif(SERVER is not None, reason="damages an SQLite file")
def test_a_copy_of_a_damaged_register_names_the_register_not_the_copy(fresh_db: Any, tmp_path: Path) -> None:
    ok("demo")
    size = fresh_db.stat().st_size
    with fresh_db.open("r+b") as damaged:
        damaged.seek(size // 2)
        damaged.write(b"\xff" * 4096)
    target = tmp_path / "copy.db"
    line = refused("db", "copy", str(target))
    assert "damaged" in line and str(fresh_db) in line and str(target) not in line
    assert not target.exists()


def test_a_folder_that_cannot_be_written_is_refused_plainly(
    fresh_db: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the right to write in the folder: one plain line, not "failed unexpectedly" (the check runs
    before any work, so a half-made workbook is never thrown away)."""
    import tempfile

    from tests.test_einvoices import seller

    ok("demo")
    seller()

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    for command in (
        ["export", "register", "-o", str(tmp_path / "r.xlsx")],
        ["export", "register-template", "-o", str(tmp_path / "t.xlsx")],
        ["report", "--year", "2025", "-o", str(tmp_path / "r.pdf")],
        ["invoice", "pdf", "-o", str(tmp_path / "pdf")],
    ):
        line = refused(*command)
        assert "cannot write" in line and "Permission denied" in line and "unexpectedly" not in line, command
