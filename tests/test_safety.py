"""Safe by default: strict values, hostile input, interrupts, shared files (issue 14)."""

from __future__ import annotations

import os
import sqlite3
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from steg2cli import rules
from tests.conftest import (
    nothing_written,
    ok,
    query,
    refused,
    register,
    run,
    sqlite_only,
    trainer_under_agreement,
)
from tests.test_schools import start

HEADER = ["Namn", "E-post", "Skola", "Kommun", "Program", "Datum", "Utbildare"]


# ---- strict values ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "1e3",
        "1_000",
        "Infinity",
        "NaN",
        "sNaN",
        "-5",
        "1e309",
        "10,001",
        "1 0",
        "1000000000000000000000",
        "10 000 000 000",
        "",
        "１０",
    ],
)
def test_an_amount_is_digits_with_at_most_two_decimals(typed: str) -> None:
    with pytest.raises(ValueError):
        rules.parse_kr(typed)


def test_amounts_as_swedes_type_them() -> None:
    assert [rules.parse_kr(t) for t in ("10000", "10 000", "10 000,50", "10000.5", "10 000 kr", "0,05")] == [
        1_000_000,
        1_000_000,
        1_000_050,
        1_000_050,
        1_000_000,
        5,
    ]


def test_a_price_set_again_for_the_same_day_needs_replace(fresh_db: Any) -> None:
    ok("price", "set", "annual-fee", "12 000", "--from", "2026-01-01")
    with nothing_written(fresh_db):
        line = refused("price", "set", "annual-fee", "13 000", "--from", "2026-01-01", contains="--replace")
        assert "12 000,00 kr" in line
        refused("price", "set", "annual-fee", "1e3", "--from", "2026-02-01", contains="not an amount")
    assert ok("price", "set", "annual-fee", "13 000", "--from", "2026-01-01", "--replace", "--json")["amount"] == (
        1_300_000
    )


@pytest.mark.parametrize("address", [".anna@x.se", "a..b@x.se", "a@-x.se", "anna.@x.se", "a@x", "a b@x.se"])
def test_malformed_email_addresses_are_refused_when_entered(fresh_db: Any, address: str) -> None:
    with nothing_written(fresh_db):
        refused(
            "register-trainer",
            "Anna Lind",
            "--email",
            address,
            "--municipality",
            "Gävle",
            "--basic-training",
            "2022-01-10",
            "--series-held",
            "2022-06-01",
            "--appointed-by",
            "K E, rektor",
            contains="e-mail",
        )


def test_an_excel_day_number_is_read_in_the_workbooks_own_date_system(fresh_db: Any, tmp_path: Path) -> None:
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    trainer_under_agreement(start="2023-04-01")
    start()
    book = Workbook()
    book.epoch = CALENDAR_MAC_1904
    sheet = book.active
    sheet.title = "Utbildade"
    sheet.append(HEADER)
    # 2024-03-01 in the 1904 system is day 43890 (the 1900 system would read it as 2020-02-29).
    sheet.append(["Kim Ek", "kim@skola.se", "Nordhemsskolan", "Gävle", "mvp-hs", 43890, "anna@example.se"])
    path = tmp_path / "mac.xlsx"
    book.save(path)
    assert ok("report-trainees", "--file", str(path), "--json")["added"] == 1
    assert query(fresh_db, "SELECT trained_on FROM trainees")[0][0] in (
        "2024-03-01",
        __import__("datetime").date(2024, 3, 1),
    )


# ---- files people share ------------------------------------------------------------------------------


def test_exports_are_written_with_the_users_umask(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        ok("export", "template", "-o", str(tmp_path / "mall.xlsx"))
        trainer_under_agreement(start="2024-04-01")
        ok("invoice", "run", "--date", "2024-04-01")
        ok("export", "sie", "-o", str(tmp_path / "bok.se"), "--year", "2024")
    finally:
        os.umask(previous)
    for name in ("mall.xlsx", "bok.se"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o644, name


# ---- interrupts and errors ------------------------------------------------------------------------------


def test_ctrl_c_exits_130_and_says_nothing_was_written(fresh_db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from steg2cli.services import courses

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(courses, "add", interrupted)
    with nothing_written(fresh_db):
        result = run("course", "add", "--kind", "open", "--date", "2026-09-01")
    assert result.exit_code == 130
    assert result.stderr.strip() == "Error: interrupted; nothing was written"


def test_an_error_after_the_commit_never_claims_nothing_was_written(
    fresh_db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from steg2cli.commands import common

    def broken(message: str) -> None:
        raise RuntimeError("the terminal went away")

    monkeypatch.setattr(common, "done", broken)
    result = run("course", "add", "--kind", "open", "--date", "2026-09-01")
    assert result.exit_code == 1
    line = result.stderr.strip().splitlines()[-1]
    assert "after the change was saved" in line and "nothing was written" not in line
    assert query(fresh_db, "SELECT count(*) FROM courses") == [(1,)]


# ---- hostile input -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Bo [/] Berg", "[bold]Bo[/bold] Berg", "Bo [red]Berg", "=1+1 Berg"])
def test_user_text_is_never_markup(fresh_db: Any, name: str) -> None:
    trainer_under_agreement(start="2023-04-01")
    created = run(
        "register-trainer",
        name,
        "--email",
        "bo@x.se",
        "--municipality",
        "Gävle",
        "--basic-training",
        "2022-01-10",
        "--series-held",
        "2022-06-01",
        "--appointed-by",
        f"{name}, rektor",
    )
    assert created.exit_code == 0 and name in created.stdout
    for command in (["trainer", "list"], ["trainer", "show", "bo@x.se"], ["status"], ["log"]):
        result = run(*command)
        assert result.exit_code == 0, result.stderr
    assert name in run("trainer", "list").stdout
    start("Skolan " + name)
    ok("school", "problem", "1", "--date", "2024-03-01", "--note", name)
    for command in (["school", "list"], ["school", "show", "1"]):
        assert name in run(*command).stdout


@pytest.mark.parametrize("value", ["Bo\x1b[31mBerg", "Bo\x00Berg", "Bo\tBerg", "Bo\nBerg", "Bo\x07Berg"])
def test_control_characters_are_refused_at_the_door(fresh_db: Any, value: str) -> None:
    with nothing_written(fresh_db):
        refused(
            "register-trainer",
            value,
            "--email",
            "bo@x.se",
            "--municipality",
            "Gävle",
            "--basic-training",
            "2022-01-10",
            "--series-held",
            "2022-06-01",
            "--appointed-by",
            "K E, rektor",
            contains="control character",
        )
        refused(
            "meeting",
            "add",
            "--kind",
            "network",
            "--date",
            "2026-09-01",
            "--title",
            value,
            contains="control character",
        )


def test_a_note_and_an_address_may_span_lines(fresh_db: Any) -> None:
    trainer_under_agreement(start="2023-04-01")
    start()
    ok("school", "problem", "1", "--date", "2024-03-01", "--note", "Rad ett\nRad två")
    ok("payer", "set", "Gävle", "--address", "Box 1\n801 84 Gävle")
    refused("school", "problem", "1", "--date", "2024-03-01", "--note", "Rad\x1bett", contains="control character")


def test_control_characters_in_a_list_file_are_row_errors(fresh_db: Any, tmp_path: Path) -> None:
    trainer_under_agreement(start="2023-04-01")
    start()
    listing = tmp_path / "lista.csv"
    listing.write_text(
        ",".join(HEADER) + "\nKim\x00Ek,kim@skola.se,Nordhemsskolan,Gävle,mvp-hs,2024-03-01,1\n"
        "Bo\x1bEk,bo@skola.se,Nordhemsskolan,Gävle,mvp-hs,2024-03-01,1\n",
        encoding="utf-8",
    )
    with nothing_written(fresh_db):
        result = run("report-trainees", "--file", str(listing))
    assert result.exit_code == 1 and "2 bad rows" in result.stderr and "control character" in result.stderr
    ok("export", "trainees", "-o", str(tmp_path / "ut.xlsx"))  # nothing stored that openpyxl refuses


@pytest.mark.parametrize(
    "command",
    [
        ["trainer", "show", "99999999999999999999"],
        ["invoice", "show", "99999999999999999999"],
        ["course", "show", "99999999999999999999"],
        ["school", "show", "99999999999999999999"],
        ["meeting", "attend", "99999999999999999999", "1"],
        ["payer", "show", "99999999999999999999"],
        ["void", "step", "99999999999999999999", "--reason", "x"],
        ["payment", "assign", "99999999999999999999", "1"],
        ["payment", "add", "99999999999999999999", "--date", "2026-01-01", "--amount", "1"],
        ["sign-agreement", "99999999999999999999", "--start", "2026-01-01"],
    ],
)
def test_an_id_beyond_64_bits_is_an_unknown_record(fresh_db: Any, command: list[str]) -> None:
    with nothing_written(fresh_db):
        result = run(*command)
    assert result.exit_code == 1, result.stderr
    assert result.stderr.startswith("Error: ") and "unexpectedly" not in result.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["compliance", "--year", "0"],
        ["meeting", "list", "--year", "9999"],
        ["invoice", "list", "--year", "0"],
        ["export", "trainees", "--year", "0", "-o", "x.xlsx"],
        ["status", "--date", "9999-12-31"],
        ["invoice", "run", "--dry-run", "--date", "9999-12-31"],
        ["export", "sie", "-o", "x.se", "--year", "10000"],
        ["course", "add", "--kind", "open", "--date", "0001-01-01"],
        ["price", "set", "annual-fee", "1000000000000000000000", "--from", "2026-01-01"],
    ],
)
def test_dates_and_years_outside_the_range_and_absurd_amounts_are_refused_plainly(
    fresh_db: Any, command: list[str]
) -> None:
    with nothing_written(fresh_db):
        result = run(*command)
    assert result.exit_code == 1, result.stderr
    assert result.stderr.startswith("Error: ") and "unexpectedly" not in result.stderr


def _damaged(tmp_path: Path, name: str, change: Any) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "Utbildade"
    sheet.append(HEADER)
    sheet.append(["Kim Ek", "kim@skola.se", "Nordhemsskolan", "Gävle", "mvp-hs", "2024-03-01", "1"])
    good = tmp_path / "good.xlsx"
    book.save(good)
    target = tmp_path / name
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(target, "w") as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = change(data)
            out.writestr(item, data)
    return target


@pytest.mark.parametrize(
    ("name", "change"),
    [
        ("truncated.xlsx", lambda data: data[: len(data) // 2]),
        (
            "text-in-number.xlsx",
            lambda data: data.replace(b'<c r="A2" t="inlineStr"', b'<c r="A2" t="n"', 1).replace(
                b"<is><t>Kim Ek</t></is>", b"<v>abc</v>", 1
            ),
        ),
        (
            "bad-shared-string.xlsx",
            lambda data: data.replace(
                b'<c r="A2" t="inlineStr"><is><t>Kim Ek</t></is>', b'<c r="A2" t="s"><v>999</v>', 1
            ),
        ),
        (
            "junk-date.xlsx",
            lambda data: data.replace(
                b'<c r="F2" t="inlineStr"><is><t>2024-03-01</t></is>', b'<c r="F2" t="d"><v>junk</v>', 1
            ),
        ),
    ],
)
def test_a_damaged_workbook_is_refused_naming_the_file(fresh_db: Any, tmp_path: Path, name: str, change: Any) -> None:
    trainer_under_agreement(start="2023-04-01")
    start()
    path = _damaged(tmp_path, name, change)
    with nothing_written(fresh_db):
        result = run("report-trainees", "--file", str(path))
    assert result.exit_code == 1, result.stdout
    assert "unexpectedly" not in result.stderr
    assert name in result.stderr or "bad row" in result.stderr


def test_a_csv_field_of_200_000_characters_is_refused_naming_the_file_and_row(fresh_db: Any, tmp_path: Path) -> None:
    listing = tmp_path / "lista.csv"
    listing.write_text(
        ",".join(HEADER) + "\n" + "x" * 200_000 + ",a@b.se,S,Gävle,mvp-hs,2024-03-01,1\n", encoding="utf-8"
    )
    with nothing_written(fresh_db):
        line = refused("report-trainees", "--file", str(listing), contains="lista.csv")
    assert "row 2" in line


@sqlite_only
def test_erasure_while_another_process_reads_says_that_db_compact_must_follow(fresh_db: Path) -> None:
    register(name="Ana Lind", email="ana@x.se")
    reader = sqlite3.connect(fresh_db, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM trainers").fetchone()
    try:
        result = run("person", "erase", "ana@x.se", "--yes")
    finally:
        reader.execute("ROLLBACK")
        reader.close()
    assert result.exit_code == 0
    assert "steg2 db compact" in result.stderr
    assert "Compacted" in ok("db", "compact").stdout
    assert b"ana@x.se" not in fresh_db.read_bytes()


@sqlite_only
def test_a_reader_that_stops_early_ends_the_list_quietly(fresh_db: Path) -> None:
    """`steg2 school list | head -1`: the pipe closes after one line; steg2 stops with the shell's 141 and
    says nothing, rather than reporting an unexpected failure."""
    import subprocess
    import sys

    ok("demo", "--scale", "30", "--schools", "3000", "--trainees", "10")
    process = subprocess.Popen(
        [sys.executable, "-m", "steg2cli", "--db", str(fresh_db), "school", "list"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.readline() == b"Schools\n"
    process.stdout.close()  # more than a pipe's buffer is still to come
    errors = process.stderr.read()
    assert process.wait(timeout=60) == 141
    assert errors == b""


# ---- every numeric option, fuzzed ----------------------------------------------------------------------

#: Values that are numbers to Python (float('nan'), Decimal('sNaN'), int('１２３')) but never to a person
#: typing an amount, a rate, a year or an id at the terminal.
FUZZ = ["NaN", "sNaN", "nan", "Infinity", "-inf", "1e9999", "-0", "１２３", "99999999999999999999", "1_000", "0x10", ""]
#: Text options whose value is a number by meaning.
NUMERIC_TEXT = {"amount", "amount_kr", "vat", "percent", "rate", "value"}
#: A plausible value for every other required parameter, by name, so that the fuzzed one is the one read.
PLAUSIBLE = {
    "date": "2026-01-01",
    "start": "2026-01-01",
    "basic_training": "2022-01-10",
    "series_held": "2022-06-01",
    "valid_from": "2026-01-01",
    "first": "2026-01-01",
    "last": "2026-12-31",
    "year": "2026",
    "email": "anna@example.se",
    "contact_email": "lisa@example.se",
    "municipality": "Gävle",
    "appointed_by": "Karin Ek, rektor",
    "programme": "mvp-hs",
    "kind": "network",
    "code": "annual-fee",
    "key": "invoice.payment-days",
    "output": "out.xlsx",
    "reason": "fel",
    "note": "anteckning",
    "name": "Anna Lind",
    "contact_name": "Lisa Berg",
    "org_number": "802000-1239",
    "step": "forankring",
    "people": "Eva Ek <eva@example.se>",
}


def _numeric_options() -> list[tuple[list[str], str, list[str]]]:
    """(command path, the numeric parameter's name, the arguments with `{}` where its value goes) for every
    numeric parameter of every command; every other required parameter has a plausible value."""
    import typer.main

    from steg2cli import cli

    found: list[tuple[list[str], str, list[str]]] = []

    def plausible(path: list[str], name: str) -> str:
        if name == "kind" and path[0] == "void":
            return "step"
        return PLAUSIBLE.get(name, "1")

    def walk(command: Any, path: list[str]) -> None:
        for name in command.list_commands(None) if hasattr(command, "list_commands") else []:
            walk(command.get_command(None, name), [*path, name])
        if hasattr(command, "list_commands"):
            return
        params = [p for p in command.params if p.name not in ("help", "json", "as_json")]
        for target in params:
            annotation = getattr(getattr(target, "type_descriptor", None), "annotation", None)
            numeric = "int" in str(annotation) or target.name in NUMERIC_TEXT
            if not numeric or getattr(target, "is_flag", False):
                continue
            args: list[str] = []
            for other in params:
                if other is not target and not (other.required or other.param_type_name == "argument"):
                    continue
                value = "{}" if other is target else plausible(path, other.name or "")
                args += [value] if other.param_type_name == "argument" else [other.opts[0], value]
            found.append((path, target.name or "", args))

    walk(typer.main.get_command(cli.app), [])
    return found


def test_every_numeric_option_refuses_what_is_not_a_plain_number_without_failing(fresh_db: Any) -> None:
    """Issue 27, point 7: NaN, Infinity, 1e9999, -0, full-width digits, 20-digit numbers … in every numeric
    option and argument: a plain refusal (exit 1, or 2 for Typer's own conversion), never "failed unexpectedly"."""
    options = _numeric_options()
    assert len(options) >= 20
    names = {name for _path, name, _args in options}
    assert {"vat", "amount", "amount_kr", "limit", "year", "value"} <= names
    for path, _name, template in options:
        for value in FUZZ:
            args = [*path, *(value if part == "{}" else part for part in template)]
            result = run(*args)
            shown = f"steg2 {' '.join(args)} → exit {result.exit_code}: {result.output[-300:]}"
            assert "unexpectedly" not in result.output and "Traceback" not in result.output, shown
            assert result.exit_code in ((0, 1, 2) if value in ("-0", "") else (1, 2)), shown


def test_a_vat_rate_of_snan_is_refused_plainly() -> None:
    refused("price", "set", "annual-fee", "10000", "--from", "2024-01-01", "--vat", "sNaN", contains="percentage")
    refused("price", "set", "annual-fee", "10000", "--from", "2024-01-01", "--vat", "１２", contains="percentage")
    refused("config", "set", "invoice.payment-days", "１２", contains="whole number")
