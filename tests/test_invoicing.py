"""The invoice run, credit notes, prices and the Excel invoice basis (rules 16-20)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.conftest import (
    certify,
    nothing_written,
    ok,
    query,
    refused,
    register,
    run,
    sqlite_only,
    trainer_under_agreement,
)


def invoice_run(date: str, *extra: str) -> list[dict[str, Any]]:
    result = ok("invoice", "run", "--date", date, *extra, "--json")
    return result["invoices"]  # type: ignore[no-any-return]


def charges(invoices: list[dict[str, Any]]) -> list[tuple[str, str, int]]:
    return [(i["payer"]["code"], line["charge"], line["amount"]) for i in invoices for line in i["lines"]]


def periods(invoices: list[dict[str, Any]]) -> list[str]:
    return [line["period"] for i in invoices for line in i["lines"] if line["charge"] == "annual-fee"]


def test_the_first_agreement_year_is_invoiced_on_its_first_day_and_the_next_a_year_later() -> None:
    trainer_under_agreement(start="2024-04-01")
    first = invoice_run("2024-04-01")
    [invoice] = first
    assert invoice["number"] == 1 and invoice["kind"] == "invoice"
    assert {key: invoice["payer"][key] for key in ("code", "name")} == {"code": "2180", "name": "Gävle kommun"}
    assert ("2180", "annual-fee", 1_000_000) in charges(first)
    assert periods(first) == ["2024-04-01 – 2025-03-31"]
    assert invoice_run("2025-03-31") == []
    assert periods(invoice_run("2025-04-01")) == ["2025-04-01 – 2026-03-31"]


def test_the_invoice_object_has_the_fields_of_the_contract() -> None:
    trainer_under_agreement(start="2024-04-01")
    result = ok("invoice", "run", "--date", "2024-04-01", "--json")
    assert result["dry_run"] is False
    invoice = result["invoices"][0]
    assert set(invoice) >= {"number", "kind", "date", "due_date", "payer", "lines", "total", "credited_by"}
    assert invoice["date"] == "2024-04-01" and invoice["due_date"] == "2024-05-01"
    assert set(invoice["lines"][0]) >= {"charge", "description", "amount"}
    assert invoice["total"] == sum(line["amount"] for line in invoice["lines"])
    assert invoice["credited_by"] is None
    shown = ok("invoice", "show", "1", "--json")
    changing = {
        "state",
        "days_late",
        "payments",
        "parts",
        "offsets",
        "refunds",
    }  # show adds the history; the state is today's (2026-06-15), the run's was on its date
    assert {k: v for k, v in shown.items() if k not in changing} == {
        k: v for k, v in invoice.items() if k not in changing
    }
    assert (invoice["state"], shown["state"], shown["days_late"]) == ("open", "overdue", 775)
    assert (shown["paid"], shown["balance"], shown["payments"]) == (0, invoice["total"], [])
    assert [i["number"] for i in ok("invoice", "list", "--json")] == [1]


def test_open_course_seats_are_due_on_the_course_date_and_paid_by_each_participants_municipality() -> None:
    a = register(email="a@x.se")
    b = register(email="b@x.se", municipality="Umeå")
    course = ok("course", "add", "--kind", "open", "--date", "2025-03-10", "--json")["id"]
    ok("course", "enrol", str(course), str(a["id"]), str(b["id"]))
    assert invoice_run("2025-03-09") == []
    found = charges(invoice_run("2025-03-10"))
    assert sorted(found) == [("2180", "open-course-seat", 2_000_000), ("2480", "open-course-seat", 2_000_000)]


def test_a_purchased_course_is_one_charge_to_its_municipality_on_the_course_date() -> None:
    trainers = [register(email=f"t{i}@x.se")["id"] for i in range(3)]
    course = ok("course", "add", "--kind", "purchased", "--date", "2025-05-05", "--municipality", "Gävle", "--json")[
        "id"
    ]
    ok("course", "enrol", str(course), *map(str, trainers))
    assert invoice_run("2025-05-04") == []
    assert charges(invoice_run("2025-05-05")) == [("2180", "purchased-course", 10_000_000)]


def test_an_agreement_ended_mid_year_keeps_the_started_year_and_adds_no_more() -> None:
    _, agreement = trainer_under_agreement(start="2023-04-01")
    ok("agreement", "end", str(agreement), "--date", "2024-10-01", "--reason", "slutar")
    # The year it ended in is billed whole, and its line says when it ended (issue 27, 11).
    assert periods(invoice_run("2026-06-01")) == [
        "2023-04-01 – 2024-03-31",
        "2024-04-01 – 2025-03-31 (upphörde 2024-10-01)",
    ]


def test_an_agreement_ended_on_the_first_day_of_a_year_is_not_charged_that_year() -> None:
    _, agreement = trainer_under_agreement(start="2023-04-01")
    ok("agreement", "end", str(agreement), "--date", "2024-04-01", "--reason", "slutar")
    assert periods(invoice_run("2026-06-01")) == ["2023-04-01 – 2024-03-31"]


def test_an_agreement_ended_on_its_start_date_is_never_charged() -> None:
    _, agreement = trainer_under_agreement(start="2023-04-01")
    ok("agreement", "end", str(agreement), "--date", "2023-04-01", "--reason", "fel")
    assert [c for c in charges(invoice_run("2026-06-01")) if c[1] == "annual-fee"] == []


def test_a_start_on_29_february_renews_on_28_february() -> None:
    trainer = register()
    certify(trainer["id"], date="2024-02-01")
    ok("sign-agreement", "1", "--start", "2024-02-29")
    assert [p.split(" ")[0] for p in periods(invoice_run("2026-06-01"))] == ["2024-02-29", "2025-02-28", "2026-02-28"]


def test_two_missed_years_are_caught_up_in_one_run() -> None:
    trainer_under_agreement(start="2023-04-01")
    invoices = invoice_run("2025-03-31")
    assert len(invoices) == 1
    assert periods(invoices) == ["2023-04-01 – 2024-03-31", "2024-04-01 – 2025-03-31"]
    assert invoices[0]["total"] == 2 * 1_000_000 + 2_000_000  # two years and the course seat


@pytest.mark.parametrize(("valid_from", "second_year"), [("2024-04-01", 1_200_000), ("2024-04-02", 1_000_000)])
def test_a_price_change_applies_from_its_date_by_due_date(valid_from: str, second_year: int) -> None:
    ok("price", "set", "annual-fee", "12 000", "--from", valid_from)
    trainer_under_agreement(start="2023-04-01")
    amounts = [
        line["amount"] for i in invoice_run("2025-03-31") for line in i["lines"] if line["charge"] == "annual-fee"
    ]
    assert amounts == [1_000_000, second_year]
    listed = [(p["code"], p["valid_from"], p["amount"]) for p in ok("price", "list", "--json")]
    assert ("annual-fee", valid_from, 1_200_000) in listed


def test_vat_is_computed_per_rate_in_whole_ore() -> None:
    ok("config", "set", "seller.vat-number", "SE802000123901")
    ok("price", "set", "annual-fee", "10 000,01", "--from", "2000-01-01", "--vat", "25", "--replace")
    trainer_under_agreement(start="2023-04-01")
    invoice = invoice_run("2023-04-01")[0]
    fee = [line for line in invoice["lines"] if line["charge"] == "annual-fee"][0]
    assert fee["amount"] == 1_000_001 and fee["vat_rate"] == 25
    assert invoice["vat"] == 250_000  # 25 % of 10 000,01 kr rounds to 2 500,00 kr
    assert invoice["total"] == invoice["net"] + invoice["vat"]
    assert {r["rate"] for r in invoice["vat_by_rate"]} == {0, 25}


def test_a_dry_run_writes_nothing_and_a_second_run_writes_nothing_new(fresh_db: Path) -> None:
    trainer_under_agreement(start="2023-04-01")
    with nothing_written(fresh_db):
        preview = ok("invoice", "run", "--date", "2024-01-01", "--dry-run", "--json")
    assert preview["dry_run"] is True and len(preview["invoices"]) == 1
    issued = invoice_run("2024-01-01")
    assert charges(issued) == charges(preview["invoices"])
    with nothing_written(fresh_db):
        assert invoice_run("2024-01-01") == []
    assert "Nothing to invoice" in ok("invoice", "run", "--date", "2024-01-01").stdout


def test_an_invoice_run_cannot_be_dated_after_today_or_before_the_newest_invoice(fresh_db: Path) -> None:
    trainer_under_agreement(start="2023-04-01")
    invoice_run("2024-01-01")
    with nothing_written(fresh_db):
        refused("invoice", "run", "--date", "2026-06-16", contains="after today")
        refused("invoice", "run", "--date", "2023-12-31", contains="cannot be dated before it")


def test_a_credit_note_cancels_the_invoice_and_the_next_run_bills_again() -> None:
    trainer_under_agreement(start="2023-04-01")
    ok("payer", "set", "Gävle", "--address", "Gävle kommun\\nBox 1\\n801 84 Gävle", "--reference", "FEL-REF")
    invoice_run("2024-01-01")
    note = ok("invoice", "credit", "1", "--reason", "fel referens", "--date", "2024-01-05", "--json")
    assert note["number"] == 2 and note["kind"] == "credit" and note["credits"] == 1
    assert note["total"] == -ok("invoice", "show", "1", "--json")["total"]
    assert ok("invoice", "show", "1", "--json")["credited_by"] == 2
    ok("payer", "set", "2180", "--reference", "RÄTT-REF")
    again = invoice_run("2024-01-05")
    assert [i["number"] for i in again] == [3]
    assert again[0]["payer_reference"] == "RÄTT-REF"
    assert ok("invoice", "show", "1", "--json")["payer_reference"] == "FEL-REF"  # issued invoices never change
    assert sorted(charges(again)) == sorted(charges([ok("invoice", "show", "1", "--json")]))
    assert invoice_run("2024-01-05") == []


def test_crediting_twice_or_crediting_a_credit_note_is_refused(fresh_db: Path) -> None:
    trainer_under_agreement(start="2023-04-01")
    invoice_run("2024-01-01")
    ok("invoice", "credit", "1", "--reason", "fel", "--date", "2024-01-02")
    with nothing_written(fresh_db):
        refused("invoice", "credit", "1", "--reason", "igen", "--date", "2024-01-03", contains="already credited")
        refused("invoice", "credit", "2", "--reason", "x", "--date", "2024-01-03", contains="cannot itself")
        refused("invoice", "credit", "9", "--reason", "x", contains="no invoice number 9")
        refused("invoice", "show", "9", contains="no invoice number 9")


def test_a_credit_note_cannot_predate_its_invoice(fresh_db: Path) -> None:
    trainer_under_agreement(start="2023-04-01")
    invoice_run("2024-01-01")
    with nothing_written(fresh_db):
        refused("invoice", "credit", "1", "--reason", "x", "--date", "2023-12-31", contains="before the invoice")
        refused("invoice", "credit", "1", "--reason", " ", contains="reason")


def test_numbers_form_one_gapless_series_from_the_configured_start() -> None:
    ok("config", "set", "invoice.number-start", "1001")
    trainer_under_agreement(start="2023-04-01")
    trainer_under_agreement(email="u@x.se", municipality="Umeå", start="2023-04-01")
    assert [i["number"] for i in invoice_run("2024-01-01")] == [1001, 1002]
    ok("invoice", "credit", "1001", "--reason", "fel", "--date", "2024-01-01")
    assert [i["number"] for i in invoice_run("2024-05-01")] == [1004, 1005]
    assert [i["number"] for i in ok("invoice", "list", "--json")] == [1001, 1002, 1003, 1004, 1005]
    refused("config", "set", "invoice.number-start", "1", contains="gapless")


def test_payment_terms_and_seller_details_go_on_the_invoice() -> None:
    ok("config", "set", "invoice.payment-days", "20")
    ok("config", "set", "seller.org-number", "802000-1239")
    trainer_under_agreement(start="2023-04-01")
    invoice = invoice_run("2024-01-01")[0]
    assert invoice["due_date"] == "2024-01-21"
    assert invoice["seller"]["org-number"] == "8020001239"
    assert invoice["vat_note"]
    refused("config", "set", "seller.colour", "blue", contains="unknown setting")
    refused("config", "set", "invoice.payment-days", "soon", contains="whole number")


def test_price_set_refusals(fresh_db: Path) -> None:
    with nothing_written(fresh_db):
        refused("price", "set", "coffee", "10", "--from", "2025-01-01", contains="unknown price code")
        refused("price", "set", "annual-fee", "ten", "--from", "2025-01-01", contains="not an amount")
        refused("price", "set", "annual-fee", "10,001", "--from", "2025-01-01", contains="at most two decimals")
        refused("price", "set", "annual-fee", "10", "--from", "2025-01-01", "--vat", "120", contains="VAT")
        refused(
            "price", "set", "annual-fee", "10", "--from", "2025-01-01", "--vat", "0", "--vat-note", " ", contains="note"
        )


def test_a_school_scoped_agreement_is_paid_by_the_schools_payer() -> None:
    trainer_under_agreement(start="2023-04-01")
    ok(
        "start-school",
        "Nordhemsskolan",
        "--municipality",
        "Gävle",
        "--programme",
        "mvp-hs",
        "--start",
        "2023-05-01",
        "--trainer",
        "1",
        "--contact-name",
        "Lisa",
        "--contact-email",
        "lisa@s.se",
    )
    teacher = register(name="Per Holm", email="per@x.se")
    certify(teacher["id"], date="2023-05-01")
    ok("sign-agreement", "per@x.se", "--start", "2023-06-01", "--school", "Nordhemsskolan")
    lines = [
        (i["payer"]["code"], line["who"])
        for i in invoice_run("2023-06-01")
        for line in i["lines"]
        if line["charge"] == "annual-fee"
    ]
    assert ("2180", "Per Holm") in lines


def test_invoice_lines_carry_a_name_but_never_an_email_address() -> None:
    trainer_under_agreement(start="2023-04-01")
    invoice = invoice_run("2024-01-01")[0]
    text = str(invoice)
    assert "Anna Lind" in text and "@" not in text.replace(invoice["seller"].get("email", ""), "")


def test_export_writes_a_readable_invoice_basis(tmp_path: Path) -> None:
    ok("config", "set", "seller.name", '=HYPERLINK("http://x")')
    trainer_under_agreement(start="2023-04-01")
    ok("payer", "set", "Gävle", "--address", "=1+1\\n801 84 Gävle", "--reference", "R-1")
    invoice_run("2024-01-01")
    ok("invoice", "credit", "1", "--reason", "=cmd|x", "--date", "2024-01-02")
    target = tmp_path / "underlag.xlsx"
    ok("invoice", "export", "-o", str(target), "--year", "2024")
    book = load_workbook(target)
    assert book.sheetnames == ["Fakturor", "Betalare", "Rader", "Säljare"]
    summary = list(book["Fakturor"].iter_rows(values_only=True))
    assert summary[0][0] == "Fakturanummer"
    assert [row[0] for row in summary[1:]] == [1, 2]
    header = list(summary[0])
    assert summary[1][header.index("Att betala")] == 30000 and summary[2][header.index("Att betala")] == -30000
    assert book["Fakturor"].cell(2, header.index("Att betala") + 1).number_format == '#,##0.00 "kr"'
    address = header.index("Fakturaadress")
    assert summary[1][address] == "=1+1\n801 84 Gävle" and book["Fakturor"].cell(2, address + 1).data_type == "s"
    assert book["Fakturor"].cell(2, address + 1).alignment.wrap_text
    assert summary[1][header.index("OCR-nummer")] == "133"
    assert book["Fakturor"].freeze_panes == "A2"
    assert book["Fakturor"].auto_filter.ref == "A1:N3"
    assert book["Fakturor"].page_setup.orientation == "landscape" and book["Fakturor"].page_setup.paperSize == 9
    assert book["Fakturor"].print_title_rows == "$1:$1"
    assert book["Fakturor"].cell(2, 3).number_format == "yyyy-mm-dd"
    payers = list(book["Betalare"].iter_rows(values_only=True))
    assert payers[0][:3] == ("Fakturanummer", "Kommunkod", "Betalare") and payers[1][1] == "2180"
    lines = list(book["Rader"].iter_rows(values_only=True))
    assert len(lines) == 1 + 4
    assert "Årsavgift Steg 2-utbildare" in {row[1] for row in lines} and lines[1][8] == 0  # Swedish kinds, VAT a number
    # The period is two real dates (issue 27, 11), the exemption note stands beside the 0 % line.
    fee = next(row for row in lines[1:] if row[1] == "Årsavgift Steg 2-utbildare")
    assert (fee[4].date(), fee[5].date(), fee[6]) == (date(2023, 4, 1), date(2024, 3, 31), None)
    assert fee[9]
    for ws in book.worksheets:
        for row in ws.iter_rows():
            assert all(cell.data_type != "f" for cell in row)
    only = tmp_path / "one.xlsx"
    ok("invoice", "export", "-o", str(only), "--number", "2")
    assert [r[0] for r in list(load_workbook(only)["Fakturor"].iter_rows(values_only=True))[1:]] == [2]
    refused("invoice", "export", "-o", str(tmp_path / "x.csv"), contains=".xlsx")
    refused("invoice", "export", "-o", str(tmp_path / "x.xlsx"), "--number", "77", contains="no invoice number 77")


def test_concurrent_runs_never_invoice_a_charge_twice(fresh_db: Any) -> None:
    for i in range(8):
        trainer_under_agreement(
            email=f"t{i}@x.se", municipality=["Gävle", "Umeå", "Malmö", "Luleå"][i % 4], start="2023-04-01"
        )
    env = {**os.environ, "STEG2_DB": str(fresh_db), "STEG2_TODAY": "2026-06-15"}
    command = [sys.executable, "-m", "steg2cli", "invoice", "run", "--date", "2026-06-15"]
    processes = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(6)]
    outcomes = [p.wait(timeout=120) for p in processes]
    assert outcomes == [0] * 6, [p.stderr.read() for p in processes if p.stderr]
    numbers = [n for (n,) in query(fresh_db, "SELECT number FROM invoices ORDER BY number")]
    per_charge = query(fresh_db, "SELECT charge_id, count(*) FROM invoice_lines GROUP BY charge_id HAVING count(*) > 1")
    fees = query(fresh_db, "SELECT count(*) FROM invoice_lines WHERE kind = 'annual-fee'")[0][0]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) == 4
    assert per_charge == []
    assert fees == 8 * 4  # eight agreements, four started years each (2023-2026)


@pytest.mark.parametrize("table", ["charges", "charge_billings"])
def test_the_schema_refuses_a_second_live_billing_of_a_charge(fresh_db: Any, table: str) -> None:
    trainer_under_agreement(start="2023-04-01")
    invoice_run("2024-01-01")
    from sqlalchemy.exc import IntegrityError

    with pytest.raises((sqlite3.IntegrityError, IntegrityError)):
        if table == "charges":
            query(
                fresh_db,
                "INSERT INTO charges (key, kind, due_date, payer_id, amount_ore, vat_bp, description,"
                " who, period) SELECT key, kind, due_date, payer_id, amount_ore, vat_bp, description,"
                " who, period FROM charges LIMIT 1",
            )
        else:
            query(
                fresh_db,
                "INSERT INTO charge_billings (charge_id, invoice_number)"
                " SELECT charge_id, invoice_number FROM charge_billings LIMIT 1",
            )


# ---- the billing marks (issue 17): the run reads only what may still owe ----------------------------


def _seat_and_purchased_course_billed() -> tuple[int, int]:
    trainer = register(email="a@x.se")["id"]
    open_course = ok("course", "add", "--kind", "open", "--date", "2025-03-10", "--json")["id"]
    ok("course", "enrol", str(open_course), str(trainer))
    bought = ok("course", "add", "--kind", "purchased", "--date", "2025-03-10", "--municipality", "Gävle", "--json")
    ok("course", "enrol", str(bought["id"]), str(trainer))
    [invoice] = invoice_run("2025-03-10")
    assert {"open-course-seat", "purchased-course"} <= {line["charge"] for line in invoice["lines"]}
    return invoice["number"], bought["id"]


def _marks(target: Any, course: int) -> tuple[int, list[int]]:
    """The purchased course's billing mark, and its seats' and the open course's seats' marks, by seat id."""
    [(own,)] = query(target, f"SELECT CAST(billed AS INTEGER) FROM courses WHERE id = {course}")
    seats = query(target, "SELECT CAST(billed AS INTEGER) FROM course_participants ORDER BY id")
    return own, [seat for (seat,) in seats]


def test_a_credited_seat_and_purchased_course_are_billed_again_and_then_never(fresh_db: Path) -> None:
    number, course = _seat_and_purchased_course_billed()
    assert _marks(fresh_db, course) == (1, [1, 1])
    ok("invoice", "credit", str(number), "--reason", "fel kommun", "--date", "2025-03-11")
    assert _marks(fresh_db, course) == (0, [0, 1])  # the purchased course's own seat never owes
    [again] = invoice_run("2025-03-11")
    assert sorted(line["charge"] for line in again["lines"]) == ["open-course-seat", "purchased-course"]
    assert invoice_run("2025-03-12") == []


def test_a_waived_seat_stays_marked_billed(fresh_db: Path) -> None:
    number, course = _seat_and_purchased_course_billed()
    ok("invoice", "credit", str(number), "--reason", "bjuder", "--waive", "--date", "2025-03-11")
    assert _marks(fresh_db, course) == (1, [1, 1])
    assert invoice_run("2025-03-12") == []


def test_the_run_moves_each_agreement_past_the_years_it_billed(fresh_db: Path) -> None:
    trainer_under_agreement(start="2023-04-01")
    assert query(fresh_db, "SELECT fees_from FROM agreements") == [(None,)]
    invoice_run("2024-05-01")  # years 1 and 2
    assert query(fresh_db, "SELECT CAST(fees_from AS VARCHAR(10)) FROM agreements") == [("2025-04-01",)]
    ok("agreement", "end", "1", "--date", "2025-01-01", "--reason", "flyttar")
    assert invoice_run("2025-06-01") == []  # the third year starts after the end
    assert periods(invoice_run("2025-06-01")) == []


@sqlite_only
def test_marks_that_were_never_set_bill_nothing_twice(fresh_db: Path) -> None:
    """A register upgraded from before the marks (every agreement NULL, every seat 0) bills nothing again,
    and the first run records where it got to."""
    trainer_under_agreement(start="2023-04-01")
    _seat_and_purchased_course_billed()  # with the agreement's first two years

    with sqlite3.connect(fresh_db) as conn:
        conn.execute("UPDATE agreements SET fees_from = NULL")
        conn.execute("UPDATE course_participants SET billed = 0 WHERE course_id = 1")
        conn.execute("UPDATE courses SET billed = 0 WHERE kind = 'purchased'")
    assert ok("status", "--date", "2025-03-10", "--json")["not_invoiced"]["charges"] == 0
    assert invoice_run("2025-03-10") == []
    assert query(fresh_db, "SELECT fees_from FROM agreements") == [("2025-04-01",)]
    unbilled = (
        "SELECT count(*) FROM courses WHERE NOT billed"
        " UNION ALL SELECT count(*) FROM course_participants WHERE NOT billed"
    )
    assert query(fresh_db, unbilled) == [(0,), (0,)]


def _marks_never_too_late(target: Any) -> None:
    """The invariant the billing marks keep: a mark may lie too early, never too late. Every agreement year
    starting before `fees_from`, every seat and purchased course marked billed, is on a live invoice or
    waived (a seat on a purchased course owes nothing itself; an open course neither)."""
    from datetime import date

    from steg2cli import rules

    closed = {
        key
        for (key,) in query(
            target,
            "SELECT c.key FROM charges c LEFT JOIN charge_billings b ON b.charge_id = c.id"
            " WHERE b.charge_id IS NOT NULL OR c.waived_by IS NOT NULL",
        )
    }
    for agreement_id, start, fees_from in query(
        target, "SELECT id, CAST(start AS VARCHAR(10)), CAST(fees_from AS VARCHAR(10)) FROM agreements"
    ):
        if fees_from is None:
            continue
        years = rules.Span(date.fromisoformat(start), None).periods_started(date.fromisoformat(fees_from))
        for k, first, _last in years:
            if first < date.fromisoformat(fees_from):
                assert rules.annual_fee_key(agreement_id, k) in closed, (agreement_id, k, fees_from)
    for course_id, trainer_id, kind in query(
        target,
        "SELECT p.course_id, p.trainer_id, c.kind FROM course_participants p JOIN courses c ON c.id = p.course_id"
        " WHERE p.billed",
    ):
        assert kind == "purchased" or rules.seat_key(course_id, trainer_id) in closed, (course_id, trainer_id)
    for course_id, kind in query(target, "SELECT id, kind FROM courses WHERE billed"):
        assert kind == "open" or rules.course_key(course_id) in closed, course_id


def test_the_marks_never_lie_too_late_through_runs_and_credit_notes(fresh_db: Any) -> None:
    ok("demo")
    _marks_never_too_late(fresh_db)
    issued = invoice_run("2026-06-15")
    _marks_never_too_late(fresh_db)
    numbers = [i["number"] for i in ok("invoice", "list", "--json") if i["kind"] == "invoice" and not i["credited_by"]]
    assert len(numbers) >= 2 and issued
    ok("invoice", "credit", str(numbers[0]), "--reason", "fel", "--date", "2026-06-15")
    ok("invoice", "credit", str(numbers[1]), "--reason", "bjuder", "--waive", "--date", "2026-06-15")
    _marks_never_too_late(fresh_db)
    again = invoice_run("2026-06-15")
    assert again  # the first credit's charges come back; the waived ones do not
    _marks_never_too_late(fresh_db)
    assert invoice_run("2026-06-15") == []


def test_the_invoice_table_counts_the_lines_the_json_lists() -> None:
    """The table reads no invoice line, only counts them (issue 17); the counts and sums are the JSON's."""
    from steg2cli.rules import format_kr

    ok("demo")
    ok("invoice", "credit", "1", "--reason", "fel belopp")
    whole = {i["number"]: i for i in ok("invoice", "list", "--json")}
    rows = [line.split("\t") for line in ok("invoice", "list").stdout.splitlines()[2:]]
    assert len(rows) == len(whole) >= 3
    for row in rows:
        invoice = whole[int(row[0])]
        assert int(row[4]) == len(invoice["lines"]) > 0
        assert row[5] == format_kr(invoice["total"])


def test_a_price_with_vat_warns_without_a_vat_number_and_the_run_refuses_until_it_is_set(fresh_db: Path) -> None:
    """Issue 27, point 9 (rules 28 and 30): no invoice charging VAT without the seller's VAT number."""
    result = run("price", "set", "annual-fee", "10 000", "--from", "2023-01-01", "--vat", "25")
    assert result.exit_code == 0
    assert "Warning: the run would charge VAT (25 %) but seller.vat-number is not set" in result.stderr
    trainer_under_agreement(start="2023-04-01")
    preview = ok("invoice", "run", "--date", "2023-04-01", "--dry-run", "--json")
    assert preview["warnings"] and preview["invoices"]
    with nothing_written(fresh_db):
        refused("invoice", "run", "--date", "2023-04-01", contains="seller.vat-number is not set")
    ok("config", "set", "seller.vat-number", "SE802000123901")
    assert "Warning" not in run("price", "set", "annual-fee", "10 000", "--from", "2024-01-01", "--vat", "25").stderr
    [invoice] = invoice_run("2023-04-01")
    assert {r["rate"] for r in invoice["vat_by_rate"]} == {0, 25}
