"""Refusals found by trying to break the third build's commands: each is one plain line, nothing written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.conftest import nothing_written, ok, refused, run, trainer_under_agreement
from tests.test_moving_in import INVOICE, TRAINER, workbook


def test_a_text_longer_than_the_register_holds_is_a_bad_row_not_cut(fresh_db: Any, tmp_path: Path) -> None:
    long = workbook(tmp_path / "long.xlsx", trainers=[["A" * 201, *TRAINER[1:2], "0" * 41, *TRAINER[3:]]])
    with nothing_written(fresh_db):
        result = run("import", "register", str(long), "--json")
    assert result.exit_code == 1
    import json

    errors = {(e["sheet"], e["column"]): e["reason"] for e in json.loads(result.stdout)}
    assert errors[("Utbildare", "Namn")] == "longer than 200 characters"
    assert errors[("Utbildare", "Telefon")] == "longer than 40 characters"


def test_an_empty_sheet_of_the_workbook_is_ignored_like_one_left_out(fresh_db: Any, tmp_path: Path) -> None:
    path = workbook(tmp_path / "r.xlsx", invoices=[INVOICE])
    from openpyxl import load_workbook

    book = load_workbook(path)
    book.create_sheet("Utbildare")  # no header, no rows
    book.save(path)
    assert ok("import", "register", str(path), "--json")["added"]["invoices"] == 1


def test_a_paid_old_invoice_is_left_out_of_the_export_so_the_register_moves_again(
    fresh_db: Any, tmp_path: Path
) -> None:
    ok("import", "register", str(workbook(tmp_path / "r.xlsx", invoices=[INVOICE])))
    ok("payment", "add", "2025-117", "--date", "2026-06-01", "--amount", "7500")  # the rest of 10 000 kr
    out = tmp_path / "out.xlsx"
    ok("export", "register", "-o", str(out))
    other = tmp_path / "other.db"
    ok("--db", str(other), "db", "init")
    moved = ok("--db", str(other), "import", "register", str(out), "--json")
    assert moved["added"]["invoices"] == 0


def test_letters_dated_after_today_are_refused(fresh_db: Any, tmp_path: Path) -> None:
    trainer_under_agreement(start="2025-07-01")
    ok("config", "set", "delivery.mail-outbox", str(tmp_path / "ut"))
    with nothing_written(fresh_db):
        refused("mail", "trainers", "--about", "meetings", "--date", "2099-01-01", contains="2099-01-01")


def test_a_delivery_folder_that_is_a_file_is_refused(fresh_db: Any, tmp_path: Path) -> None:
    (tmp_path / "fil").write_text("x")
    with nothing_written(fresh_db):
        refused("config", "set", "delivery.mail-outbox", str(tmp_path / "fil"), contains="is a file")


def test_a_definition_nested_thousands_deep_is_not_toml_steg2_reads(fresh_db: Any, tmp_path: Path) -> None:
    path = tmp_path / "deep.toml"
    path.write_text("a = " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    with nothing_written(fresh_db):
        line = refused("programme", "load", str(path), contains="not a valid TOML file")
    assert "unexpectedly" not in line
