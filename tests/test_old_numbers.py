"""Invoices from before steg2 (rule 37) go by their old number wherever a person sees or types them: the
dashboard, reminders, interest, payments, the charges billed for them; an old number never clashes with
steg2's own series; an old reference matches with or without its leading zeros; and such an invoice is
credited in the old system, not in steg2."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from steg2cli import rules
from tests.conftest import nothing_written, ok, refused, run, trainer_under_agreement
from tests.sie_reader import read
from tests.test_einvoices import seller
from tests.test_moving_in import AGREEMENT, INVOICE, TRAINER, workbook
from tests.test_payments import FREE_SAMPLE, bgmax_file


def old_invoice(tmp_path: Path, *rows: list[Any]) -> None:
    """The old system's invoice 2025-117 (10 000 kr to Gävle, 2 500 kr paid, due 2025-05-01) moved in."""
    ok("import", "register", str(workbook(tmp_path / "old.xlsx", invoices=list(rows) or [INVOICE])))


def no_internal_number(text: str) -> None:
    """The old invoice's internal number (-1) is nowhere in what a person reads."""
    assert not re.search(r"(?<![\d-])-1(?!\d)", text), text


# ---- 1. the old number wherever a person sees the invoice ------------------------------------------


def test_the_dashboard_lists_an_old_invoice_by_its_old_number(tmp_path: Path) -> None:
    old_invoice(tmp_path)
    text = ok("status", "--date", "2026-06-15").stdout
    assert "invoice 2025-117, 410 days late" in text and "invoice 2025-117, reminder 1" in text
    no_internal_number(text)
    status = ok("status", "--date", "2026-06-15", "--json")
    [overdue] = status["overdue"]
    [due] = status["reminders_due"]
    assert overdue["number"] == due["number"] == "2025-117"
    assert overdue["internal_number"] == due["internal_number"] == -1
    ok("config", "set", "reminder.max", "1")
    ok("invoice", "remind", "--date", "2026-06-01")
    later = ok("status", "--date", "2026-06-15", "--json")
    assert [i["number"] for i in later["to_collection"]] == ["2025-117"]
    no_internal_number(ok("status", "--date", "2026-06-15").stdout)


def test_a_reminder_of_an_old_invoice_names_it_and_bills_its_fee_by_its_old_number(tmp_path: Path) -> None:
    old_invoice(tmp_path)
    ok("config", "set", "reminder.fee", "60")
    dry = run("invoice", "remind", "--date", "2026-06-15", "--dry-run")
    assert dry.exit_code == 0 and "2025-117" in dry.stdout
    no_internal_number(dry.stdout)
    [reminder] = ok("invoice", "remind", "--date", "2026-06-15", "--json")["reminders"]
    assert reminder["invoice"] == "2025-117" and reminder["internal_number"] == -1 and reminder["level"] == 1
    ok("payer", "set", "Gävle", "--org-number", "212000-2528", "--address", r"Box 1\n801 84 Gävle")
    [fees] = ok("invoice", "run", "--date", "2026-06-15", "--json")["invoices"]
    [line] = fees["lines"]
    assert line["description"] == "Påminnelseavgift, faktura 2025-117 (påminnelse 1 av 2026-06-15)"
    refused("invoice", "remind", "--date", "2026-06-15", "--number", "2025-117", contains="invoice 2025-117")


def test_a_reminder_of_an_old_invoice_sent_by_print_names_it_by_its_old_number(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old_invoice(tmp_path)
    seller()
    ok("payer", "set", "Gävle", "--org-number", "212000-2528", "--address", r"Box 1\n801 84 Gävle")
    (tmp_path / "print").mkdir()
    ok("config", "set", "delivery.print-folder", str(tmp_path / "print"))
    result = ok("invoice", "remind", "--date", "2026-06-15", "--send", "--json")
    [sent] = result["send"]["delivered"]
    assert (sent["number"], sent["internal_number"], sent["level"]) == ("2025-117", -1, 1)
    monkeypatch.setenv("STEG2_TODAY", "2026-06-30")
    ok("invoice", "remind", "--date", "2026-06-30")  # the second reminder, recorded
    text = run("invoice", "send", "--reminders")
    assert text.exit_code == 0 and "reminder 2 of invoice 2025-117" in text.stdout, text.stdout
    no_internal_number(text.stdout)


def test_late_interest_on_an_old_invoice_names_it_by_its_old_number(tmp_path: Path) -> None:
    old_invoice(tmp_path)
    ok("rate", "set", "reference", "2", "--from", "2025-01-01")
    dry = run("invoice", "interest", "--date", "2026-06-15", "--dry-run")
    assert dry.exit_code == 0 and "2025-117" in dry.stdout
    no_internal_number(dry.stdout)
    [charge] = ok("invoice", "interest", "--date", "2026-06-15", "--json")["charges"]
    assert charge["invoice"] == "2025-117" and charge["internal_number"] == -1
    ok("payer", "set", "Gävle", "--org-number", "212000-2528", "--address", r"Box 1\n801 84 Gävle")
    [fees] = ok("invoice", "run", "--date", "2026-06-15", "--json")["invoices"]
    [line] = fees["lines"]
    assert line["description"] == "Dröjsmålsränta, faktura 2025-117"


def test_payments_on_an_old_invoice_name_it_by_its_old_number(tmp_path: Path) -> None:
    old_invoice(tmp_path, INVOICE, ["A-9", "2025-05-01", "2025-06-01", "Gävle", 500, 0, None])
    ok("payment", "add", "2025-117", "--date", "2026-06-01", "--amount", "1000")
    listed = ok("payment", "list", "--json")
    assert {p["invoice"] for p in listed} == {"2025-117"}
    assert {p["internal_number"] for p in listed} == {-1}
    assert {p["parts"][0]["invoice"] for p in listed} == {"2025-117"}
    text = ok("payment", "list").stdout
    assert "2025-117" in text
    no_internal_number(text)
    # a payment spread over two old invoices
    [spread] = [p for p in listed if p["source"] == "manual"]
    ok("payment", "unassign", str(spread["id"]))
    part = ok("payment", "assign", str(spread["id"]), "2025-117", "--amount", "600", "--json")
    assigned = run("payment", "assign", str(spread["id"]), "A-9", "--amount", "400")
    assert assigned.exit_code == 0, assigned.stderr
    assert "400,00 kr on invoice A-9" in assigned.stdout and "600,00 kr on invoice 2025-117" in assigned.stdout
    no_internal_number(assigned.stdout)
    assert part["parts"] == [{"invoice": "2025-117", "internal_number": -1, "amount": 60000}]
    [shown] = [p for p in ok("payment", "list", "--json") if p["id"] == spread["id"]]
    assert [p["invoice"] for p in shown["parts"]] == ["2025-117", "A-9"] and shown["invoice"] == "2025-117"
    no_internal_number(ok("payment", "list").stdout)
    refused("payment", "unassign", "1", "A-9", contains="invoice A-9")
    # an overpayment set off against the other old invoice, and one paid back
    ok("payment", "add", "A-9", "--date", "2026-06-02", "--amount", "700")
    offset = run("payment", "offset", "A-9", "2025-117", "--amount", "100", "--date", "2026-06-03")
    assert offset.exit_code == 0 and "from invoice A-9 against invoice 2025-117" in offset.stdout, offset.stderr
    shown_offsets = ok("invoice", "show", "2025-117", "--json")["offsets"]
    assert [(o["from"], o["to"]) for o in shown_offsets] == [("A-9", "2025-117")]
    refund = ok("payment", "refund", "A-9", "--amount", "100", "--date", "2026-06-04", "--json")
    assert refund["invoice"] == "A-9"
    no_internal_number(ok("invoice", "show", "2025-117").stdout)
    out = tmp_path / "b.se"
    ok("export", "sie", "-o", str(out), "--from", "2026-01-01", "--to", "2026-12-31")
    texts = [v.text for v in read(out.read_bytes()).verifications]
    assert any(t.startswith("Återbetalning 1, faktura A-9,") for t in texts), texts


# ---- 2. an old number never clashes with steg2's own series ------------------------------------------


def test_an_old_plain_number_in_steg2s_series_is_refused_until_the_series_starts_above_it(
    fresh_db: Any, tmp_path: Path
) -> None:
    plain = workbook(tmp_path / "plain.xlsx", invoices=[["117", *INVOICE[1:]]])
    with nothing_written(fresh_db):
        refused("import", "register", str(plain), contains="nothing was written")
        result = run("import", "register", str(plain), "--json")
    assert result.exit_code == 1
    [error] = json.loads(result.stdout)
    assert (error["sheet"], error["column"]) == ("Obetalda fakturor", "Fakturanummer")
    assert "steg2 config set invoice.number-start 118" in error["reason"], error
    ok("config", "set", "invoice.number-start", "118")
    ok("import", "register", str(plain))
    # the invoices moved in do not count as steg2's own: the series may still be set, but not at or below 117
    with nothing_written(fresh_db):
        refused("config", "set", "invoice.number-start", "117", contains="at least 118")
    ok("config", "set", "invoice.number-start", "500")
    ok("import", "register", str(workbook(tmp_path / "t.xlsx", trainers=[TRAINER], agreements=[AGREEMENT])))
    first = ok("invoice", "run", "--date", "2026-06-15", "--json")["invoices"][0]
    assert first["number"] == 500
    assert ok("invoice", "show", "117", "--json")["kind"] == "imported"
    assert ok("invoice", "show", "500", "--json")["kind"] == "invoice"
    refused("config", "set", "invoice.number-start", "1000", contains="cannot be restarted")
    # a second old invoice numbered within the series that has started is refused too
    late = workbook(tmp_path / "late.xlsx", invoices=[["600", *INVOICE[1:6], None]])
    with nothing_written(fresh_db):
        refused("import", "register", str(late), contains="nothing was written")


def test_rule_37_old_numbers_below_the_series() -> None:
    assert rules.old_number_allowed("2025-117", 1) == []
    assert rules.old_number_allowed("117", 118) == []
    assert rules.old_number_allowed("117", 117) and rules.old_number_allowed("0200", 117)
    assert rules.number_start_allowed(118, 0, 117) == [] and rules.number_start_allowed(5, 0, None) == []
    assert rules.number_start_allowed(117, 0, 117) and rules.number_start_allowed(500, 1, None)
    day = date(2026, 6, 15)
    assert "2025-117 was issued by the old system" in rules.credit_allowed("imported", day, None, day, "2025-117")[0]
    assert rules.credit_allowed("invoice", day, None, day, 1) == []


# ---- 3. an old reference matches with or without its leading zeros ------------------------------------


def test_an_old_reference_with_leading_zeros_is_paid_by_hand_and_by_bankgirots_sample(
    fresh_db: Any, tmp_path: Path
) -> None:
    # Bankgirot's sample pays the references 65598, 524963 and 23554 on 2004-05-25.
    old_invoice(
        tmp_path,
        ["2004-1", "2004-01-10", "2004-02-10", "Gävle", 500, 0, "0065598"],
        ["2004-2", "2004-01-10", "2004-02-10", "Gävle", 500, 0, "0012345"],
        ["2004-3", "2004-01-10", "2004-02-10", "Gävle", 500, 0, "23554"],
    )
    assert ok("invoice", "show", "2004-1", "--json")["ocr"] == "0065598"  # kept as typed
    ok("payment", "add", "12345", "--date", "2026-06-01", "--amount", "500")
    ok("payment", "add", "00023554", "--date", "2026-06-01", "--amount", "500")
    result = ok("payment", "import", str(FREE_SAMPLE), "--json")
    assert result["matched"] == 2, result
    paid = {i["number"]: i["paid"] for i in ok("invoice", "list", "--json")}
    assert paid == {"2004-1": 10000, "2004-2": 50000, "2004-3": 80000}
    # the same reference with other zeros is another invoice's reference: refused at import
    clash = workbook(tmp_path / "clash.xlsx", invoices=[["2004-4", "2004-01-10", "2004-02-10", "Gävle", 5, 0, "65598"]])
    with nothing_written(fresh_db):
        result = run("import", "register", str(clash), "--json")
    assert result.exit_code == 1 and json.loads(result.stdout)[0]["column"] == "Referens"


def test_a_reference_of_an_old_invoice_and_of_steg2s_own_matches_neither(fresh_db: Any, tmp_path: Path) -> None:
    ok("config", "set", "invoice.number-start", "6559")  # steg2's invoice 6559 has the OCR reference 655969
    old_invoice(tmp_path, ["2004-1", "2004-01-10", "2004-02-10", "Gävle", 500, 0, "00655969"])
    trainer_under_agreement(start="2024-04-01")
    [own] = ok("invoice", "run", "--date", "2024-04-01", "--json")["invoices"]
    assert own["ocr"] == "655969"
    refused("payment", "add", "655969", "--date", "2026-06-01", "--amount", "1", contains="2004-1, 6559")
    path = tmp_path / "bg.txt"
    path.write_bytes(bgmax_file([("655969", 100, "1")]))
    assert ok("payment", "import", str(path), "--json")["unmatched"] == 1


# ---- 4. an invoice from before steg2 is credited in the old system --------------------------------------


def test_crediting_an_old_invoice_is_refused_by_its_old_number_and_steg2s_own_are_credited_as_before(
    fresh_db: Any, tmp_path: Path
) -> None:
    old_invoice(tmp_path)
    with nothing_written(fresh_db):
        line = refused("invoice", "credit", "2025-117", "--reason", "fel", "--date", "2026-06-15")
        assert "invoice 2025-117 was issued by the old system before steg2: credit it there" in line
        refused("invoice", "credit", "11700021", "--reason", "fel", contains="issued by the old system")
        refused("invoice", "credit", "--reason", "fel", "--", "-1", contains="no invoice number -1")
        refused("invoice", "credit", "2025-999", "--reason", "fel", contains="no invoice number 2025-999")
    ok("import", "register", str(workbook(tmp_path / "t.xlsx", trainers=[TRAINER], agreements=[AGREEMENT])))
    [own] = ok("invoice", "run", "--date", "2026-06-15", "--json")["invoices"]
    assert own["number"] == 1
    done = ok("invoice", "credit", "1", "--reason", "fel", "--date", "2026-06-15")
    assert "Credit note 2 cancels invoice 1 (" in done.stdout
    assert ok("invoice", "show", "1", "--json")["credited_by"] == 2
    refused("invoice", "credit", "2", "--reason", "x", "--date", "2026-06-15", contains="cannot itself")
