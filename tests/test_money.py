"""Money owed and money back (rules 40-42): reminders, late-payment interest, payments in parts, set-offs and
refunds, each rule both ways, and everything that leaves MÄN read back by something we did not write (the
Peppol rules, the strict SIE reader, pypdf)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from steg2cli import rules
from steg2cli.formats import sie
from tests.conftest import nothing_written, ok, refused, run, sqlite_only, trainer_under_agreement
from tests.sie_reader import read

D = date.fromisoformat
TERMS = rules.ReminderTerms(days_after_due=10, interval=14, most=2, payment_days=10, fee=6000)


def issue() -> dict[str, Any]:
    """Invoice 1 to Gävle: 30 000 kr (a course seat and the first year's fee), dated 2024-04-01, due 2024-05-01."""
    trainer_under_agreement(start="2024-04-01")
    [invoice] = ok("invoice", "run", "--date", "2024-04-01", "--json")["invoices"]
    return invoice  # type: ignore[no-any-return]


def invoice(number: int) -> dict[str, Any]:
    return ok("invoice", "show", str(number), "--json")  # type: ignore[no-any-return]


# ---- the rules -------------------------------------------------------------------------------------


def test_rule_40_reminder_timing_and_levels_across_a_month() -> None:
    due = D("2026-01-31")
    assert rules.next_reminder(due, 0, None, D("2026-01-31"), TERMS, False, 100)[0] is None  # not overdue yet
    level, why = rules.next_reminder(due, 0, None, D("2026-02-09"), TERMS, False, 100)
    assert level is None and "2026-02-10" in why
    assert rules.next_reminder(due, 0, None, D("2026-02-10"), TERMS, False, 100) == (1, "")
    level, why = rules.next_reminder(due, 1, D("2026-02-10"), D("2026-02-23"), TERMS, False, 100)
    assert level is None and "2026-02-24" in why
    assert rules.next_reminder(due, 1, D("2026-02-10"), D("2026-02-24"), TERMS, False, 100) == (2, "")
    level, why = rules.next_reminder(due, 2, D("2026-02-24"), D("2026-03-31"), TERMS, False, 100)
    assert level is None and "collection" in why
    assert rules.next_reminder(due, 0, None, D("2026-02-28"), TERMS, True, 100)[1] == "it is blocked"
    assert rules.next_reminder(due, 0, None, D("2026-02-28"), TERMS, False, 0)[0] is None  # paid
    assert rules.reminder_due_date(D("2026-02-24"), TERMS) == D("2026-03-06")
    assert rules.to_collection(2, D("2026-02-24"), D("2026-03-07"), TERMS, 100)
    assert not rules.to_collection(2, D("2026-02-24"), D("2026-03-06"), TERMS, 100)  # its own time to pay
    assert not rules.to_collection(1, D("2026-02-10"), D("2026-03-31"), TERMS, 100)
    assert not rules.to_collection(2, D("2026-02-24"), D("2026-03-31"), TERMS, 0)


def test_rule_40_the_fee_is_at_most_60_kr() -> None:
    assert rules.reminder_fee_setting(6000) == [] and rules.reminder_fee_setting(0) == []
    assert "60,00 kr" in rules.reminder_fee_setting(6001)[0]
    assert rules.reminder_fee_setting(-1)


def test_rule_41_interest_day_by_day_over_two_rate_periods_with_a_partial_payment() -> None:
    rates = [(D("2024-01-01"), 400), (D("2024-06-01"), 350)]  # + 8 points: 12 %, then 11.5 %
    # 30 000 kr due 2024-05-01; 10 000 kr paid 2024-05-21 (counted from the 22nd).
    found = rules.late_interest(
        3_000_000, D("2024-05-01"), [(D("2024-05-21"), 1_000_000)], rates, None, D("2024-07-01")
    )
    exact = Decimal(3_000_000 * 1200 * 20 + 2_000_000 * 1200 * 10 + 2_000_000 * 1150 * 31) / (10_000 * 365)
    assert found.amount == round(exact) == 45836
    assert (found.first, found.last, found.missing) == (D("2024-05-02"), D("2024-07-01"), None)
    # The days already charged are never charged again.
    later = rules.late_interest(
        3_000_000, D("2024-05-01"), [(D("2024-05-21"), 1_000_000)], rates, D("2024-07-01"), D("2024-07-01")
    )
    assert later.amount == 0
    # Paid late in full on 2024-07-11: interest up to and including that day, nothing after.
    paid = [(D("2024-05-21"), 1_000_000), (D("2024-07-11"), 2_000_000)]
    rest = rules.late_interest(3_000_000, D("2024-05-01"), paid, rates, D("2024-07-01"), D("2024-12-31"))
    assert rest.amount == round(Decimal(2_000_000 * 1150 * 10) / (10_000 * 365)) == 6301
    # Paid on time: nothing; a day no rate covers: nothing charged, the day named.
    assert (
        rules.late_interest(100_000, D("2024-05-01"), [(D("2024-05-01"), 100_000)], rates, None, D("2024-12-31")).amount
        == 0
    )
    missing = rules.late_interest(100_000, D("2023-05-01"), [], rates, None, D("2024-02-01"))
    assert (missing.amount, missing.missing) == (0, D("2023-05-02"))


def test_rule_41_a_negative_reference_rate_and_its_parsing() -> None:
    assert rules.parse_rate("2,25") == 225 and rules.parse_rate("-0.5 %") == -50
    for bad in ("abc", "NaN", "31", "1e3"):
        with pytest.raises(ValueError):
            rules.parse_rate(bad)


def test_rule_42_parts_set_offs_and_refunds_both_ways() -> None:
    assert rules.part_allowed(1000, 1000, "invoice", False) == []
    assert rules.part_allowed(1000, 1001, "invoice", False)  # more than is left of the payment
    assert rules.part_allowed(1000, 0, "invoice", False)
    assert rules.part_allowed(1000, 500, "credit", False) and rules.part_allowed(1000, 500, "invoice", True)
    assert rules.taking_off_allowed(500, 500, 0) == [] and rules.taking_off_allowed(499, 500, 0)
    assert rules.offset_allowed(True, True, 500, 800, 500) == []
    assert rules.offset_allowed(False, True, 500, 800, 500)  # across payers
    assert rules.offset_allowed(True, True, 500, 800, 501)  # more than is overpaid
    assert rules.offset_allowed(True, True, 500, 300, 400)  # more than is owed
    assert rules.offset_allowed(True, False, 500, 0, 100)  # nothing owed on the other
    assert rules.refund_allowed(500, 500, D("2026-01-01"), D("2026-01-01")) == []
    assert rules.refund_allowed(500, 501, D("2026-01-01"), D("2026-01-01"))
    assert rules.refund_allowed(500, 100, D("2026-01-02"), D("2026-01-01"))  # in the future
    assert rules.refund_allowed(500, 0, D("2026-01-01"), D("2026-01-01"))


def test_reminder_fees_and_interest_go_on_an_invoice_of_their_own() -> None:
    sale = rules.Charge("annual-fee:1:0", "annual-fee", D("2026-01-01"), 7, 100, 0, "", "", "")
    fee = rules.Charge("reminder-fee:1:1", "reminder-fee", D("2026-01-01"), 7, 6000, 0, "", "", "")
    other = rules.Charge("annual-fee:2:0", "annual-fee", D("2026-01-01"), 8, 100, 0, "", "", "")
    assert rules.invoice_groups([sale, fee, other], []) == [(7, [sale]), (7, [fee]), (8, [other])]
    assert rules.invoice_groups([fee], [fee.key]) == []


def test_sie_text_outside_cp437_is_transliterated() -> None:
    assert sie.cp437("MÄN – Män för jämställdhet") == "MÄN - Män för jämställdhet"
    assert sie.cp437("“Ålidhem” … Łódź") == '"Ålidhem" ... Lódz'
    assert sie.cp437("Gävle") == "Gävle" and sie.not_carried(["Gävle"]) == []
    assert sie.not_carried(["a – b"]) == [("a – b", "a - b")]


# ---- reminders ---------------------------------------------------------------------------------------


def test_reminders_follow_the_levels_and_the_fee_is_billed_once(tmp_path: Path) -> None:
    from tests.test_einvoices import seller

    issue()
    refused("invoice", "remind", "--date", "2024-05-11", "-o", str(tmp_path / "rem"), contains="seller lacks")
    seller()
    refused("config", "set", "reminder.fee", "61", contains="60,00 kr")
    ok("config", "set", "reminder.fee", "60")
    assert ok("invoice", "remind", "--date", "2024-05-10", "--json")["reminders"] == []
    refused("invoice", "remind", "--date", "2024-05-10", "--number", "1", contains="2024-05-11")
    first = ok("invoice", "remind", "--date", "2024-05-11", "--json")
    assert first["reminders"] == [
        {"invoice": 1, "internal_number": 1, "level": 1, "due_date": "2024-05-21", "fee": 6000}
    ]
    assert ok("invoice", "remind", "--date", "2024-05-24", "--json")["reminders"] == []
    second = ok("invoice", "remind", "--date", "2024-05-25", "-o", str(tmp_path / "rem"), "--json")
    assert [r["level"] for r in second["reminders"]] == [2]
    assert [Path(f).name for f in second["files"]] == ["paminnelse-1-2.pdf"]
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "rem" / "paminnelse-1-2.pdf").pages)
    for expected in ("Påminnelse 2", "2024-04-01", "2024-05-01", "2024-06-04", "30 000,00 kr", "bortse"):
        assert expected in text, expected
    assert ok("invoice", "remind", "--date", "2024-07-01", "--json")["reminders"] == []  # at most 2
    shown = invoice(1)
    assert [(r["level"], r["date"], r["fee"]) for r in shown["reminders"]] == [
        (1, "2024-05-11", 6000),
        (2, "2024-05-25", 6000),
    ]
    from steg2cli.services import followup
    from tests.test_followup import _database

    board = followup.status(_database(), D("2024-06-05"))
    assert [i["number"] for i in board["to_collection"]] == [1] and board["reminders_due"] == []
    # The fees: one invoice of their own, outside VAT, billed once.
    [fees] = ok("invoice", "run", "--date", "2024-06-05", "--json")["invoices"]
    assert [line["charge"] for line in fees["lines"]] == ["reminder-fee", "reminder-fee"] and fees["total"] == 12000
    assert ok("invoice", "run", "--date", "2024-06-06", "--json")["invoices"] == []
    # Credited, the fees are billed again by the next run; waived, never.
    ok("invoice", "credit", str(fees["number"]), "--reason", "fel", "--date", "2024-06-06")
    [again] = ok("invoice", "run", "--date", "2024-06-07", "--json")["invoices"]
    assert again["total"] == 12000
    ok("invoice", "credit", str(again["number"]), "--reason", "avstått", "--date", "2024-06-07", "--waive")
    assert ok("invoice", "run", "--date", "2024-06-08", "--json")["invoices"] == []


def test_a_blocked_invoice_is_never_reminded(fresh_db: Any) -> None:
    issue()
    ok("invoice", "block", "1", "--reason", "tvist om antalet")
    assert invoice(1)["blocked"] == {"reason": "tvist om antalet", "date": "2026-06-15"}
    assert ok("invoice", "remind", "--date", "2024-06-01", "--json")["reminders"] == []
    with nothing_written(fresh_db):
        refused("invoice", "remind", "--date", "2024-06-01", "--number", "1", contains="blocked")
        refused("invoice", "block", "1", "--reason", "igen", contains="blocked already")
    ok("invoice", "unblock", "1")
    assert invoice(1)["blocked"] is None
    assert [r["level"] for r in ok("invoice", "remind", "--date", "2024-06-01", "--json")["reminders"]] == [1]
    refused("invoice", "unblock", "1", contains="not blocked")


def test_the_compensation_invoice_passes_the_peppol_rules(tmp_path: Path) -> None:
    from tests.peppol_rules import PeppolRules
    from tests.test_einvoices import seller

    seller(vat=True)  # a VAT number, which a category O invoice must not carry (BR-O-02)
    ok(
        "payer",
        "set",
        "Gävle",
        "--org-number",
        "212000-2528",
        "--address",
        r"Box 1\n801 84 Gävle",
        "--reference",
        "BUN-1",
    )
    issue()
    ok("config", "set", "reminder.fee", "60")
    ok("invoice", "remind", "--date", "2024-05-11")
    ok("rate", "set", "reference", "4", "--from", "2024-01-01")
    ok("invoice", "interest", "--date", "2024-06-05")
    [fees] = ok("invoice", "run", "--date", "2024-06-05", "--json")["invoices"]
    assert {line["charge"] for line in fees["lines"]} == {"reminder-fee", "late-interest"}
    ok("invoice", "einvoice", "-o", str(tmp_path / "e"), "--number", str(fees["number"]), "--number", "1")
    peppol = PeppolRules()
    for path in sorted((tmp_path / "e").glob("*.xml")):
        assert peppol.check(path) == [], path
    xml = (tmp_path / "e" / f"faktura-{fees['number']}.xml").read_text()
    assert "<cbc:ID>O</cbc:ID>" in xml and "SE802000123901" not in xml


# ---- interest ----------------------------------------------------------------------------------------


def test_interest_is_charged_once_per_day_over_rate_changes_and_not_under_the_minimum() -> None:
    issue()
    with_no_rate = refused("invoice", "interest", "--date", "2024-07-01", contains="reference rate")
    assert "2024-05-02" in with_no_rate
    ok("rate", "set", "reference", "4", "--from", "2024-01-01")
    ok("rate", "set", "reference", "3,5", "--from", "2024-06-01")
    assert [r["interest_rate"] for r in ok("rate", "list", "--json")] == [12, 11.5]
    ok("payment", "add", "1", "--date", "2024-05-21", "--amount", "10000")
    assert ok("invoice", "interest", "--date", "2024-07-01", "--dry-run", "--json")["charges"][0]["amount"] == 45836
    result = ok("invoice", "interest", "--date", "2024-07-01", "--json")
    assert result["charges"] == [
        {"invoice": 1, "internal_number": 1, "from": "2024-05-02", "through": "2024-07-01", "amount": 45836}
    ]
    assert ok("invoice", "interest", "--date", "2024-07-01", "--json")["charges"] == []  # never the same days twice
    assert invoice(1)["interest_charged"] == 45836
    ok("payment", "add", "1", "--date", "2024-07-11", "--amount", "20000")  # paid in full, late
    late = ok("invoice", "interest", "--date", "2024-08-01", "--json")
    assert late["charges"] == [] and late["below_minimum"] == 1  # 63,01 kr < 100 kr
    ok("config", "set", "interest.minimum", "50")
    [rest] = ok("invoice", "interest", "--date", "2024-08-01", "--json")["charges"]
    assert (rest["from"], rest["amount"]) == ("2024-07-02", 6301)
    assert ok("invoice", "interest", "--date", "2024-12-31", "--json")["charges"] == []
    [billed] = ok("invoice", "run", "--date", "2024-12-31", "--json")["invoices"]
    assert [line["amount"] for line in billed["lines"]] == [45836, 6301]
    refused("invoice", "interest", "--date", "2026-06-16", contains="after today")


def test_interest_is_trued_up_when_money_moves_after_a_run() -> None:
    issue()  # invoice 1: 30 000 kr due 2024-05-01
    ok("invoice", "run", "--date", "2025-04-01")  # invoice 2: 10 000 kr due 2025-05-01
    ok("rate", "set", "reference", "4", "--from", "2024-01-01")  # 12 %
    ok("payment", "add", "1", "--date", "2025-05-20", "--amount", "10000")  # meant for invoice 2
    ok("invoice", "interest", "--date", "2025-06-30")
    assert invoice(2)["interest_charged"] == 19726  # 60 days on 10 000 kr
    ok("payment", "assign", "1", "2")
    result = run("invoice", "interest", "--date", "2025-07-31")
    assert result.exit_code == 0, result.stderr
    assert "Warning:" in result.stderr and "134,79 kr" in result.stderr
    # Invoice 1 owes 456 days on 30 000 kr in all; invoice 2 only 19 days on 10 000 kr.
    assert invoice(1)["interest_charged"] == round(Decimal(3_000_000 * 1200 * 456) / (10_000 * 365)) == 449753
    assert invoice(2)["interest_charged"] == 19726
    assert round(Decimal(1_000_000 * 1200 * 19) / (10_000 * 365)) == 6247
    again = ok("invoice", "interest", "--date", "2025-07-31", "--json")
    assert again["charges"] == []  # never the same money twice
    moved_back = ok("invoice", "interest", "--date", "2025-08-31", "--json")
    assert all(o["invoice"] != 1 for o in moved_back["overcharged"])


def test_interest_overcharged_is_reported_in_json() -> None:
    issue()
    ok("invoice", "run", "--date", "2025-04-01")
    ok("rate", "set", "reference", "4", "--from", "2024-01-01")
    ok("payment", "add", "1", "--date", "2025-05-20", "--amount", "10000")
    ok("invoice", "interest", "--date", "2025-06-30")
    ok("payment", "assign", "1", "2")
    result = ok("invoice", "interest", "--date", "2025-07-31", "--json")
    assert result["overcharged"] == [{"invoice": 2, "internal_number": 2, "amount": 19726 - 6247}]
    [charge] = result["charges"]
    assert (charge["invoice"], charge["from"], charge["through"]) == (1, "2025-07-01", "2025-07-31")
    assert rules.interest_true_up(6247, 19726) == (0, 13479)
    assert rules.interest_true_up(19726, 6247) == (13479, 0)
    # The coordinator credits the interest invoice, waived: the next run charges what is owed, once.
    [billed] = ok("invoice", "run", "--date", "2025-07-31", "--json")["invoices"]
    ok(
        "invoice",
        "credit",
        str(billed["number"]),
        "--reason",
        "ränta på fel faktura",
        "--date",
        "2025-08-01",
        "--waive",
    )
    ok("config", "set", "interest.minimum", "50")
    trued = ok("invoice", "interest", "--date", "2025-08-01", "--json")
    assert trued["overcharged"] == []
    owed_1 = round(Decimal(3_000_000 * 1200 * 457) / (10_000 * 365))
    assert {c["invoice"]: (c["from"], c["amount"]) for c in trued["charges"]} == {
        1: ("2024-05-02", owed_1),
        2: ("2025-05-02", 6247),
    }


@pytest.mark.parametrize("waive", [True, False])
def test_a_credit_note_waives_the_fees_and_interest_not_yet_invoiced(waive: bool) -> None:
    issue()
    ok("config", "set", "reminder.fee", "60")
    ok("invoice", "remind", "--date", "2024-05-15")
    ok("rate", "set", "reference", "4", "--from", "2024-01-01")
    ok("invoice", "interest", "--date", "2024-06-30")
    ok("invoice", "credit", "1", "--reason", "x", "--date", "2024-07-01", *(["--waive"] if waive else []))
    run_ = ok("invoice", "run", "--date", "2024-07-01", "--json")
    billed = [line["charge"] for i in run_["invoices"] for line in i["lines"]]
    assert "reminder-fee" not in billed and "late-interest" not in billed
    assert bool(billed) is not waive  # without --waive the sale alone is invoiced again


def test_fees_and_interest_already_invoiced_stay_when_the_invoice_is_credited() -> None:
    issue()
    ok("config", "set", "reminder.fee", "60")
    ok("invoice", "remind", "--date", "2024-05-15")
    [fees] = ok("invoice", "run", "--date", "2024-05-16", "--json")["invoices"]
    assert [line["amount"] for line in fees["lines"]] == [6000]
    ok("invoice", "credit", "1", "--reason", "x", "--date", "2024-07-01")
    assert invoice(fees["number"])["state"] != "credited"
    again = ok("invoice", "run", "--date", "2024-07-01", "--json")["invoices"]
    assert "reminder-fee" not in [line["charge"] for i in again for line in i["lines"]]


def test_the_interest_period_ends_on_the_day_the_last_of_the_balance_was_paid() -> None:
    rates = [(D("2025-01-01"), 200)]
    found = rules.late_interest(100_000, D("2025-10-02"), [(D("2026-01-15"), 100_000)], rates, None, D("2026-03-02"))
    assert (found.first, found.last) == (D("2025-10-03"), D("2026-01-15"))
    assert found.amount == round(Decimal(100_000 * 1000 * 105) / (10_000 * 365))
    issue()  # 30 000 kr due 2024-05-01
    ok("rate", "set", "reference", "4", "--from", "2024-01-01")
    ok("payment", "add", "1", "--date", "2024-06-15", "--amount", "30000")
    [line] = ok("invoice", "interest", "--date", "2024-07-31", "--json")["charges"]
    assert (line["from"], line["through"]) == ("2024-05-02", "2024-06-15")
    [billed] = ok("invoice", "run", "--date", "2024-07-31", "--json")["invoices"]
    assert billed["lines"][0]["period"] == "2024-05-02 – 2024-06-15"


def test_an_invoice_of_fees_and_interest_is_reminded_without_a_fee_and_bears_no_interest() -> None:
    issue()
    ok("config", "set", "reminder.fee", "60")
    ok("rate", "set", "reference", "4", "--from", "2024-01-01")
    ok("invoice", "remind", "--date", "2024-05-15")
    ok("invoice", "interest", "--date", "2024-05-15")
    [fees] = ok("invoice", "run", "--date", "2024-05-16", "--json")["invoices"]
    assert {line["charge"] for line in fees["lines"]} == {"reminder-fee", "late-interest"}
    later = D(fees["due_date"]) + (D("2024-02-12") - D("2024-02-01"))
    reminded = ok("invoice", "remind", "--number", str(fees["number"]), "--date", later.isoformat(), "--json")
    assert [r["fee"] for r in reminded["reminders"]] == [0]
    charged = ok("invoice", "interest", "--date", "2024-12-31", "--json")["charges"]
    assert [c["invoice"] for c in charged] == [1]  # the sale only
    assert (
        ok("invoice", "run", "--date", "2024-12-31", "--json")["invoices"][0]["lines"][0]["charge"] == "late-interest"
    )
    assert rules.is_compensation_invoice(["reminder-fee", "late-interest"])
    assert not rules.is_compensation_invoice(["annual-fee", "reminder-fee"]) and not rules.is_compensation_invoice([])
    assert rules.reminder_fee_for(6000, True) == 0 and rules.reminder_fee_for(6000, False) == 6000


def test_the_state_on_a_day_counts_only_money_and_credit_notes_dated_by_then() -> None:
    from steg2cli.services import reminders
    from tests.test_followup import _database

    issue()  # invoice 1: 30 000 kr due 2024-05-01
    ok("invoice", "run", "--date", "2025-04-01")  # invoice 2: 10 000 kr due 2025-05-01
    ok("invoice", "remind", "--date", "2024-05-15")
    ok("payment", "add", "1", "--date", "2024-05-20", "--amount", "10000")
    ok("payment", "add", "1", "--date", "2024-06-15", "--amount", "21000")  # 1 000 kr too much
    ok("payment", "refund", "1", "--amount", "400", "--date", "2024-07-01")
    ok("payment", "offset", "1", "2", "--amount", "600", "--date", "2025-04-02")
    ok("invoice", "credit", "2", "--reason", "fel kommun", "--date", "2025-05-10")

    def on(day: str) -> dict[int, tuple[str, int]]:
        listed = ok("invoice", "list", "--on", day, "--json")
        return {i["number"]: (i["state"], i["paid"]) for i in listed if i["kind"] == "invoice"}

    assert on("2024-05-31")[1] == ("overdue", 1_000_000)
    assert on("2024-06-30")[1] == ("paid", 3_100_000)
    assert on("2024-07-01")[1] == ("paid", 3_060_000)
    assert on("2025-04-05") == {1: ("paid", 3_000_000), 2: ("open", 60_000)}
    assert on("2025-05-09")[2] == ("overdue", 60_000)
    assert on("2025-05-10")[2][0] == "credited"
    letter = reminders.letter(_database(), 1, 1)
    assert (letter.paid, letter.balance) == (0, 3_000_000)


# ---- parts, set-offs, refunds ------------------------------------------------------------------------


def test_a_payment_spread_over_invoices_and_taken_off_again(fresh_db: Any, tmp_path: Path) -> None:
    from tests.test_payments import bgmax_file

    issue()  # invoice 1: 30 000 kr
    [second] = ok("invoice", "run", "--date", "2025-04-01", "--json")["invoices"]  # invoice 2: 10 000 kr
    bank = tmp_path / "bg.txt"
    bank.write_bytes(bgmax_file([("9999", 3_500_000, "1")], day="20250410"))
    ok("payment", "import", str(bank))
    [payment] = ok("payment", "list", "--unmatched", "--json")
    assert (payment["invoice"], payment["parts"], payment["unallocated"]) == (None, [], 3_500_000)
    pid = str(payment["id"])
    ok("payment", "assign", pid, "1", "--amount", "30000")
    with nothing_written(fresh_db):
        refused("payment", "assign", pid, "2", "--amount", "5000,01", contains="5 000,00 kr")
    spread = ok("payment", "assign", pid, "2", "--amount", "5000", "--json")
    assert spread["parts"] == [
        {"invoice": 1, "internal_number": 1, "amount": 3_000_000},
        {"invoice": 2, "internal_number": 2, "amount": 500_000},
    ]
    assert (spread["invoice"], spread["unallocated"]) == (1, 0)
    assert ok("payment", "list", "--unmatched", "--json") == []
    assert (invoice(1)["state"], invoice(2)["balance"]) == ("paid", second["total"] - 500_000)
    back = ok("payment", "unassign", pid, "2", "--json")
    assert back["parts"] == [{"invoice": 1, "internal_number": 1, "amount": 3_000_000}]
    assert back["unallocated"] == 500_000
    assert invoice(2)["paid"] == 0
    ok("payment", "unassign", pid)
    assert ok("payment", "list", "--unmatched", "--json")[0]["unallocated"] == 3_500_000
    assert invoice(1)["paid"] == 0
    refused("payment", "unassign", pid, contains="on no invoice")
    # Put whole on an invoice, as before.
    whole = ok("payment", "assign", pid, "1", "--json")
    assert whole["parts"] == [{"invoice": 1, "internal_number": 1, "amount": 3_500_000}]
    assert invoice(1)["overpaid"] == 500_000


def test_set_off_within_a_payer_refunds_and_the_books(fresh_db: Any, tmp_path: Path) -> None:
    issue()  # invoice 1: Gävle, 30 000 kr
    ok("invoice", "run", "--date", "2025-04-01")  # invoice 2: Gävle, 10 000 kr
    trainer_under_agreement(email="bo@example.se", municipality="Umeå", start="2025-04-02")
    ok("invoice", "run", "--date", "2025-04-02")  # invoice 3: Umeå
    ok("payment", "add", "1", "--date", "2024-05-01", "--amount", "35500")  # 5 500 kr too much
    with nothing_written(fresh_db):
        refused("payment", "offset", "1", "3", contains="different payers")
        refused("payment", "offset", "1", "2", "--amount", "5600", contains="5 500,00 kr")
        refused("payment", "refund", "1", "--amount", "5600", "--date", "2025-05-01", contains="5 500,00 kr")
    moved = ok("payment", "offset", "1", "2", "--amount", "5000", "--date", "2025-04-05", "--json")
    assert (moved["from"], moved["to"], moved["amount"]) == (1, 2, 500_000)
    one, two = invoice(1), invoice(2)
    assert (one["overpaid"], two["paid"], two["balance"]) == (50_000, 500_000, 500_000)
    assert two["offsets"] == [{"from": 1, "to": 2, "date": "2025-04-05", "amount": 500_000}]
    refund = ok("payment", "refund", "1", "--amount", "500", "--date", "2025-05-01", "--note", "till Gävle", "--json")
    assert refund["to_pay_back"] == 0
    one = invoice(1)
    assert (one["refunded"], one["overpaid"], one["state"], one["balance"]) == (50_000, 0, "paid", 0)
    refused("payment", "refund", "1", "--amount", "1", "--date", "2025-05-02", contains="0,00 kr")
    # The money that was paid back cannot also be taken off the invoice.
    pid = str(ok("payment", "list", "--json")[0]["id"])
    refused("payment", "unassign", pid, contains="paid back or set off")
    # A credited invoice's payment is money to pay back: part set off, part refunded.
    ok("payment", "add", "3", "--date", "2025-04-20", "--amount", "10000")
    ok("invoice", "credit", "3", "--reason", "fel kommun", "--date", "2025-04-21")
    assert invoice(3)["to_pay_back"] == 1_000_000
    ok("payment", "refund", "3", "--amount", "10000", "--date", "2025-04-22")
    assert (invoice(3)["to_pay_back"], invoice(3)["refunded"]) == (0, 1_000_000)
    # The books: every verification balances, a set-off moves nothing, a refund is 1510 against 1930,
    # and receivables come to what is owed less what is to be paid back.
    out = tmp_path / "bok.se"
    ok("export", "sie", "-o", str(out), "--from", "2024-01-01", "--to", "2025-12-31")
    books = read(out.read_bytes())
    refunds = [v for v in books.verifications if v.text.startswith("Återbetalning")]
    assert [sorted(v.transactions) for v in refunds] == [
        [("1510", Decimal("10000.00")), ("1930", Decimal("-10000.00"))],
        [("1510", Decimal("500.00")), ("1930", Decimal("-500.00"))],
    ]
    assert set(books.years) == {0, -1}
    receivables = sum(a for v in books.verifications for account, a in v.transactions if account == "1510")
    listed = ok("invoice", "list", "--json")
    owed = sum(i["balance"] for i in listed if i["state"] in ("open", "overdue"))
    assert receivables * 100 == owed - sum(i["to_pay_back"] + i["overpaid"] for i in listed)


def test_set_offs_and_refunds_are_dated_after_the_money_they_move(fresh_db: Any) -> None:
    issue()  # invoice 1: Gävle, 30 000 kr, dated 2024-04-01
    ok("invoice", "run", "--date", "2025-04-01")  # invoice 2: Gävle, 10 000 kr
    ok("payment", "add", "1", "--date", "2024-05-01", "--amount", "35500")  # 5 500 kr too much
    with nothing_written(fresh_db):
        refused("payment", "offset", "1", "2", "--amount", "100", "--date", "2026-06-16", contains="after today")
        refused("payment", "offset", "1", "2", "--amount", "100", "--date", "2024-04-30", contains="2024-05-01")
        refused("payment", "offset", "1", "2", "--amount", "100", "--date", "2025-03-31", contains="2025-04-01")
        refused("payment", "refund", "1", "--amount", "100", "--date", "2024-04-30", contains="arrived")
    ok("payment", "offset", "1", "2", "--amount", "100", "--date", "2025-04-01")
    ok("payment", "refund", "1", "--amount", "100", "--date", "2024-05-01")
    # Money on a credited invoice is freed by the credit note, not before.
    ok("payment", "add", "2", "--date", "2025-04-20", "--amount", "9900")
    ok("invoice", "credit", "2", "--reason", "fel kommun", "--date", "2025-04-25")
    with nothing_written(fresh_db):
        refused("payment", "refund", "2", "--amount", "100", "--date", "2025-04-24", contains="credit note")
    ok("payment", "refund", "2", "--amount", "100", "--date", "2025-04-25")


def test_rule_42_money_is_moved_no_earlier_than_it_came() -> None:
    assert rules.money_move_dated("x", D("2025-05-01"), D("2025-05-01"), D("2025-04-01"), D("2025-05-01")) == []
    assert rules.money_move_dated("x", D("2025-04-30"), D("2025-05-01"))
    assert rules.money_move_dated("x", D("2025-04-30"), None, D("2025-05-01"))
    assert rules.money_move_dated("x", D("2025-04-30"), None, None, D("2025-05-01"))
    assert rules.money_move_dated("x", D("2025-04-30"), None) == []


def test_sie_books_fees_and_interest_on_their_accounts_and_warns_of_a_dash(tmp_path: Path) -> None:
    issue()
    ok("config", "set", "seller.name", "MÄN – Män för jämställdhet")
    ok("config", "set", "reminder.fee", "50")
    ok("invoice", "remind", "--date", "2024-05-11")
    ok("rate", "set", "reference", "4", "--from", "2024-01-01")
    ok("invoice", "interest", "--date", "2024-06-05")
    ok("invoice", "run", "--date", "2024-06-05")
    out = tmp_path / "bok.se"
    result = ok("export", "sie", "-o", str(out), "--from", "2023-12-01", "--to", "2024-12-31")
    assert "MÄN - Män för jämställdhet" in result.stderr and "Warning:" in result.stderr
    books = read(out.read_bytes())
    assert books.header["#FNAMN"] == ["MÄN - Män för jämställdhet"]
    assert set(books.years) == {0, -1}
    [fees] = [v for v in books.verifications if v.text.startswith("Faktura 2")]
    amounts = dict(fees.transactions)
    assert amounts["3590"] == Decimal("-50.00") and amounts["8313"] < 0
    assert amounts["1510"] == -(amounts["3590"] + amounts["8313"])
    assert books.accounts["3590"] and books.accounts["8313"]


def test_the_reminder_letter_is_there_for_delivery(tmp_path: Path) -> None:
    from steg2cli.documents.reminder import Reminder, reminder_pdf
    from steg2cli.services import reminders
    from tests.test_einvoices import seller
    from tests.test_followup import _database

    seller()
    issue()
    ok("payment", "add", "1", "--date", "2024-05-05", "--amount", "1000")
    ok("invoice", "remind", "--date", "2024-05-11")
    letter = reminders.letter(_database(), 1, 1)
    assert isinstance(letter, Reminder)
    assert (letter.invoice_number, letter.level, letter.paid, letter.balance) == (1, 1, 100_000, 2_900_000)
    assert (letter.original_due_date, letter.due_date, letter.ocr) == (D("2024-05-01"), D("2024-05-21"), "133")
    assert reminder_pdf(letter).startswith(b"%PDF")
    from steg2cli.errors import NotFound

    with pytest.raises(NotFound):
        reminders.letter(_database(), 1, 2)


@sqlite_only
def test_an_older_registers_payments_keep_where_they_were(tmp_path: Path) -> None:
    import shutil
    import sqlite3

    old = tmp_path / "old.db"
    shutil.copy(Path(__file__).resolve().parent / "data" / "release-0.2.0.db", old)
    with sqlite3.connect(old) as conn:
        before = dict(conn.execute("SELECT id, invoice_number FROM payments").fetchall())
    assert before
    listed = ok("--db", str(old), "payment", "list", "--json")
    assert {p["id"]: p["invoice"] for p in listed} == before
    for p in listed:
        whole = (
            [{"invoice": p["invoice"], "internal_number": p["invoice"], "amount": p["amount"]}] if p["invoice"] else []
        )
        assert (p["parts"], p["unallocated"]) == (whole, 0 if p["invoice"] else p["amount"])
