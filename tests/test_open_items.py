"""The open-items mark (`open_invoices`): exactly the payable invoices still owed, kept right by every write
that changes what is owed on an invoice, so that reminders, interest and the overdue list read only those
(the benchmark's flat remind and interest runs stand on it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.conftest import ok, query, trainer_under_agreement


def marked(target: Any) -> set[int]:
    return {number for (number,) in query(target, "SELECT invoice_number FROM open_invoices")}


def owed() -> set[int]:
    """What `invoice list` says is still owed (open or overdue), by internal number."""
    return {
        i.get("internal_number") or i["number"]
        for i in ok("invoice", "list", "--json")
        if i["state"] in ("open", "overdue")
    }


def check(target: Any, expected: set[int]) -> None:
    assert marked(target) == expected == owed()


def test_the_mark_follows_payments_parts_unassigning_set_offs_refunds_and_credit_notes(
    fresh_db: Any, tmp_path: Path
) -> None:
    from tests.test_payments import bgmax_file

    trainer_under_agreement(start="2024-04-01")
    [one] = ok("invoice", "run", "--date", "2024-04-01", "--json")["invoices"]  # 30 000 kr
    check(fresh_db, {1})
    [two] = ok("invoice", "run", "--date", "2025-04-01", "--json")["invoices"]  # 10 000 kr
    check(fresh_db, {1, 2})
    # Due dates come along, for the index.
    found = sorted((n, str(d)[:10]) for n, d in query(fresh_db, "SELECT invoice_number, due_date FROM open_invoices"))
    assert found == [(1, one["due_date"]), (2, two["due_date"])]

    ok("payment", "add", "1", "--date", "2024-05-01", "--amount", "10000")  # partial: stays
    check(fresh_db, {1, 2})
    ok("payment", "add", "1", "--date", "2024-05-02", "--amount", "25500")  # in full and 5 500 kr over: gone
    check(fresh_db, {2})

    # A bank file's payment matched by OCR, in full: gone; taken off again: back.
    bank = tmp_path / "bg.txt"
    bank.write_bytes(bgmax_file([(two["ocr"], two["total"], "1")], day="20250410"))
    ok("payment", "import", str(bank))
    check(fresh_db, set())
    pid = str(next(p["id"] for p in ok("payment", "list", "--json") if p["invoice"] == 2))
    ok("payment", "unassign", pid)
    check(fresh_db, {2})
    # Parts: a part short of the total stays open; the rest of the payment on it closes it.
    ok("payment", "assign", pid, "2", "--amount", "4000")
    check(fresh_db, {2})
    ok("payment", "unassign", pid, "2")
    check(fresh_db, {2})

    # A set-off of the overpayment on 1 makes 2 partly paid (stays), a refund of the rest changes nothing.
    ok("payment", "offset", "1", "2", "--amount", "5000", "--date", "2025-04-05")
    check(fresh_db, {2})
    ok("payment", "refund", "1", "--amount", "500", "--date", "2025-05-01")
    check(fresh_db, {2})
    # The rest of the bank payment as a part, with the set-off: paid in full, gone.
    ok("payment", "assign", pid, "2", "--amount", "5000")
    check(fresh_db, set())
    ok("payment", "unassign", pid, "2")
    check(fresh_db, {2})

    # A credit note: gone, and the run after it issues a new open invoice.
    ok("invoice", "credit", "2", "--reason", "fel belopp", "--date", "2025-06-01")
    check(fresh_db, set())
    [three] = ok("invoice", "run", "--date", "2025-06-02", "--json")["invoices"]
    check(fresh_db, {three["number"]})
    # Whole on the new invoice (assign without an amount): gone.
    ok("payment", "assign", pid, str(three["number"]))
    assert marked(fresh_db) == ({three["number"]} if three["total"] > two["total"] else set()) == owed()


def test_old_invoices_moved_in_are_marked_as_what_is_left_to_pay(fresh_db: Any, tmp_path: Path) -> None:
    from tests.test_moving_in import INVOICE, workbook

    second = ["A-9", "2025-05-01", "2025-06-01", "Gävle", 500, 0, None]
    ok("import", "register", str(workbook(tmp_path / "r.xlsx", invoices=[INVOICE, second])))
    internal = {i["number"]: i["internal_number"] for i in ok("invoice", "list", "--json")}
    check(fresh_db, {internal["2025-117"], internal["A-9"]})
    ok("payment", "add", "A-9", "--date", "2026-06-03", "--amount", "500")
    check(fresh_db, {internal["2025-117"]})
    ok("payment", "add", "2025-117", "--date", "2026-06-01", "--amount", "7499")
    check(fresh_db, {internal["2025-117"]})
    ok("payment", "add", "2025-117", "--date", "2026-06-02", "--amount", "1")
    check(fresh_db, set())


def pending(target: Any) -> set[int]:
    return {number for (number,) in query(target, "SELECT invoice_number FROM interest_pending")}


def test_an_invoice_paid_late_waits_for_its_interest_and_then_leaves_the_interest_run(fresh_db: Any) -> None:
    trainer_under_agreement(start="2024-04-01")
    ok("invoice", "run", "--date", "2024-04-01")  # invoice 1: 30 000 kr, due 2024-05-01
    ok("rate", "set", "reference", "4", "--from", "2024-01-01")
    ok("payment", "add", "1", "--date", "2024-07-11", "--amount", "30000")  # in full, 71 days late
    assert (marked(fresh_db), pending(fresh_db)) == (set(), {1})
    # An earlier day's run cannot settle what was paid after it: it stays for the next run.
    early = ok("invoice", "interest", "--date", "2024-06-01", "--json")["charges"]
    assert [c["through"] for c in early] == ["2024-06-01"] and pending(fresh_db) == {1}
    late = ok("invoice", "interest", "--date", "2024-08-01", "--json")["charges"]
    assert [c["from"] for c in late] == ["2024-06-02"] and late[0]["amount"] > 0
    assert pending(fresh_db) == set()
    assert ok("invoice", "interest", "--date", "2024-09-01", "--json")["charges"] == []
    # Taken off again, it is owed (and open); put back, it waits once more; a credit note ends it.
    pid = str(ok("payment", "list", "--json")[0]["id"])
    ok("payment", "unassign", pid)
    assert (marked(fresh_db), pending(fresh_db)) == ({1}, set())
    ok("payment", "assign", pid, "1")
    assert (marked(fresh_db), pending(fresh_db)) == (set(), {1})
    ok("invoice", "credit", "1", "--reason", "fel", "--date", "2024-09-02")
    assert (marked(fresh_db), pending(fresh_db)) == (set(), set())
