"""The figures that sum money owed and money back stay true after set-offs, refunds and payments spread over
invoices (rule 42): the year report's paid and outstanding add up to what was billed, and the dashboard lists
the invoices due a reminder."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.conftest import ok, trainer_under_agreement


def _figures(year: int) -> dict[str, int]:
    money = ok("report", "--year", str(year), "--json")["invoicing"]
    return {key: money[key] for key in ("billed", "credited", "paid", "outstanding", "to_pay_back")}


def test_the_year_report_adds_up_after_an_overpayment_a_set_off_and_a_refund(fresh_db: Any) -> None:
    trainer_under_agreement(start="2025-01-01")
    [first] = ok("invoice", "run", "--date", "2025-01-01", "--json")["invoices"]
    trainer_under_agreement(email="bo@example.se", start="2025-03-01")
    [second] = ok("invoice", "run", "--date", "2025-03-01", "--json")["invoices"]
    assert first["payer"]["id"] == second["payer"]["id"]
    billed = first["total"] + second["total"]
    too_much = 550_000
    ok(
        "payment",
        "add",
        str(first["number"]),
        "--date",
        "2025-02-01",
        "--amount",
        str((first["total"] + too_much) // 100),
    )
    # Overpaid: the report counts what the invoices kept, never more than was billed.
    figures = _figures(2025)
    assert (figures["paid"], figures["outstanding"], figures["to_pay_back"]) == (
        first["total"],
        second["total"],
        too_much,
    )
    ok("payment", "offset", str(first["number"]), str(second["number"]), "--amount", "5000", "--date", "2025-03-05")
    figures = _figures(2025)
    assert figures["to_pay_back"] == too_much - 500_000
    assert figures["paid"] == first["total"] + 500_000
    assert figures["paid"] + figures["outstanding"] == billed == figures["billed"]
    ok("payment", "refund", str(first["number"]), "--amount", "500", "--date", "2025-03-10")
    after = _figures(2025)
    # Paying the rest back changes neither what was billed nor what the invoices kept.
    assert after == {**figures, "to_pay_back": 0}


def test_a_payment_spread_over_two_invoices_counts_once_in_the_year_report(fresh_db: Any, tmp_path: Any) -> None:
    from tests.test_payments import bgmax_file

    trainer_under_agreement(start="2025-01-01")
    [first] = ok("invoice", "run", "--date", "2025-01-01", "--json")["invoices"]
    trainer_under_agreement(email="bo@example.se", start="2025-03-01")
    [second] = ok("invoice", "run", "--date", "2025-03-01", "--json")["invoices"]
    bank = tmp_path / "bg.txt"
    bank.write_bytes(bgmax_file([("9999", first["total"] + 500_000, "1")], day="20250410"))
    ok("payment", "import", str(bank))
    [payment] = ok("payment", "list", "--unmatched", "--json")
    assert _figures(2025)["paid"] == 0  # on no invoice yet
    ok("payment", "assign", str(payment["id"]), str(first["number"]), "--amount", str(first["total"] // 100))
    ok("payment", "assign", str(payment["id"]), str(second["number"]), "--amount", "5000")
    figures = _figures(2025)
    assert figures["paid"] == first["total"] + 500_000
    assert figures["paid"] + figures["outstanding"] == figures["billed"]
    ok("payment", "unassign", str(payment["id"]), str(second["number"]))
    assert _figures(2025)["paid"] == first["total"]


def test_the_dashboard_lists_the_invoices_due_a_reminder(fresh_db: Any) -> None:
    from steg2cli.services import followup
    from tests.test_followup import _database

    trainer_under_agreement(start="2024-04-01")
    [issued] = ok("invoice", "run", "--date", "2024-04-01", "--json")["invoices"]
    due = date.fromisoformat(issued["due_date"])
    before = followup.status(_database(), due)
    assert before["reminders_due"] == []
    board = followup.status(_database(), date(2024, 5, 11))
    assert [i["number"] for i in board["reminders_due"]] == [issued["number"]]
    screen = ok("status", "--date", "2024-05-11").stdout
    assert "invoice remind" in screen and str(issued["number"]) in screen
    ok("invoice", "remind", "--date", "2024-05-11")
    assert followup.status(_database(), date(2024, 5, 11))["reminders_due"] == []
