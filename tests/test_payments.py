"""Payments from the bank, what is owed and overdue, and the books (rules 32-34)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from steg2cli import rules
from steg2cli.formats import bgmax, camt054
from tests.conftest import SERVER, nothing_written, ok, refused, trainer_under_agreement
from tests.sie_reader import SieError, read

SAMPLES = Path(__file__).resolve().parent / "payments"  # vendored from ../shared/payments (see its SOURCES.md)
OCR_SAMPLE = SAMPLES / "bgmax" / "bankgiroinbetalningar_exempelfil_avtal-om-ocr-kontroll_checksiffra_langd_sv.txt"
FREE_SAMPLE = SAMPLES / "bgmax" / "bangiroinbetalningar_exempelfil_avtalutantillval_kontroller_sv.txt"
CAMT_FI = SAMPLES / "camt054" / "finance-finland_camt054.001.02_credit-notification.xml"
CAMT_CH = SAMPLES / "camt054" / "oca_test-camt054.001.04.xml"
D = date.fromisoformat


def bgmax_file(
    payments: list[tuple[str, int, str]], day: str = "20260110", bankgiro: str = "50501055", deposit: int | None = None
) -> bytes:
    """A BgMax file built to Bankgirot's layout: one section, `payments` as (reference, öre, serial)."""

    def record(text: str) -> str:
        assert len(text) <= 80, text
        return text.ljust(80)

    lines = [record("01BGMAX               0120260110120000000000P"), record(f"05{bankgiro.zfill(10)}          SEK")]
    for reference, amount, serial in payments:
        lines.append(record(f"20{'0' * 10}{reference.rjust(25)}{str(amount).zfill(18)}21{serial.zfill(12)}0"))
        lines.append(record("26Gävle kommun"))
    total = sum(a for _, a, _ in payments) if deposit is None else deposit
    lines.append(record(f"15{'0' * 35}{day}00001{str(total).zfill(18)}SEK{str(len(payments)).zfill(8)} "))
    lines.append(record(f"70{str(len(payments)).zfill(8)}{'0' * 8}{'0' * 8}00000001"))
    return "\r\n".join(lines).encode("latin-1") + b"\r\n"


def issue(start: str = "2024-04-01", run: str = "2024-04-01") -> dict[str, Any]:
    """One trainer under agreement and the invoice for the seat and the first year (30 000 kr, due +30 d)."""
    trainer_under_agreement(start=start)
    [invoice] = ok("invoice", "run", "--date", run, "--json")["invoices"]
    return invoice  # type: ignore[no-any-return]


# ---- the rules ---------------------------------------------------------------------------------------


def test_rule_33_the_state_of_an_invoice() -> None:
    due = D("2026-02-01")
    assert rules.invoice_state("invoice", 1000, due, False, 0, D("2026-02-01")).state == "open"
    late = rules.invoice_state("invoice", 1000, due, False, 400, D("2026-02-11"))
    assert (late.state, late.balance, late.days_late) == ("overdue", 600, 10)
    paid = rules.invoice_state("invoice", 1000, due, False, 1000, D("2026-03-01"))
    assert (paid.state, paid.balance, paid.overpaid) == ("paid", 0, 0)
    over = rules.invoice_state("invoice", 1000, due, False, 1500, D("2026-01-01"))
    assert (over.state, over.balance, over.overpaid) == ("paid", -500, 500)
    credited = rules.invoice_state("invoice", 1000, due, True, 300, D("2026-03-01"))
    assert (credited.state, credited.balance, credited.to_pay_back) == ("credited", 0, 300)
    assert rules.invoice_state("credit", -1000, due, False, 0, D("2026-03-01")).state == "credit"


def test_rule_32_a_payment_is_positive_not_in_the_future_and_on_an_invoice() -> None:
    today = D("2026-06-15")
    assert rules.payment_allowed("invoice", today, 1, today) == []
    assert "after today" in rules.payment_allowed("invoice", D("2026-06-16"), 1, today)[0]
    assert "credit note" in rules.payment_allowed("credit", today, 1, today)[0]
    assert "above zero" in rules.payment_allowed("invoice", today, 0, today)[0]


def test_rule_32_references_are_compared_as_digits_without_blanks_and_leading_zeros() -> None:
    assert rules.ocr_candidates(["   655969", "0000133", "65 59 69", "abc", "RF74100978", ""]) == ["655969", "133"]


def test_rule_32_a_reference_with_a_wrong_check_digit_matches_no_invoice(fresh_db: Any, tmp_path: Path) -> None:
    invoice = issue()
    assert invoice["ocr"] == "133"
    path = tmp_path / "bg.txt"
    path.write_bytes(bgmax_file([("134", 100, "1"), ("0000133", 200, "2")]))
    result = ok("payment", "import", str(path), "--json")
    assert (result["matched"], result["unmatched"]) == (1, 1)
    assert [p["reference"] for p in ok("payment", "list", "--unmatched", "--json")] == ["134"]


# ---- the bank's files --------------------------------------------------------------------------------


def test_bankgirots_sample_without_ocr_check_is_read_record_by_record() -> None:
    parsed, problems = bgmax.parse(FREE_SAMPLE.read_bytes())
    assert problems == [] and parsed is not None
    payments = parsed.payments()
    assert [(p.amount, p.references(), p.reference_code) for _, p in payments] == [
        (10000, ["65598"], "3"),
        (20000, ["524963"], "3"),
        (30000, ["23554"], "3"),
        (10000, [], "1"),
        (15000, [], "1"),
    ]
    section, first = payments[0]
    assert (section.bankgiro, section.payment_date, first.payer_name) == ("9912346", D("2004-05-25"), "Kalles Plåt AB")
    assert section.deposit_amount == 85000


def test_bankgirots_ocr_sample_as_vendored_is_refused_with_every_problem() -> None:
    parsed, problems = bgmax.parse(OCR_SAMPLE.read_bytes())
    assert parsed is None
    assert (17, "the record holds a control character (a tab?)") in problems
    assert any(line == 50 and "EUR" in text for line, text in problems)


def _repaired_ocr_sample() -> bytes:
    """The OCR sample with its two flaws mended: the TABs in record 17 blanked, the EUR section in SEK."""
    return OCR_SAMPLE.read_bytes().replace(b"\t", b" ").replace(b"EUR", b"SEK")


def test_bankgirots_ocr_sample_imports_and_matches_by_ocr(fresh_db: Any, tmp_path: Path) -> None:
    ok("config", "set", "invoice.number-start", "6559")
    invoice = issue()
    assert invoice["ocr"] == "655969"  # the first reference of Bankgirot's sample
    path = tmp_path / "bgmax.txt"
    path.write_bytes(_repaired_ocr_sample())
    result = ok("payment", "import", str(path), "--json")
    assert (result["source"], result["payments"], result["added"], result["matched"]) == ("bgmax", 9, 9, 1)
    shown = ok("invoice", "show", "6559", "--json")
    assert shown["paid"] == 100000 and shown["state"] == "overdue"  # 1 000 kr of 30 000 kr, due 2024-05-01
    assert len(ok("payment", "list", "--unmatched", "--json")) == 8
    again = ok("payment", "import", str(path), "--json")
    assert (again["added"], again["already_imported"], again["matched"]) == (0, 9, 0)
    assert len(ok("payment", "list", "--json")) == 9


def test_camt054_samples_are_read_and_a_sek_copy_imports_and_matches(fresh_db: Any, tmp_path: Path) -> None:
    message, problems = camt054.parse(CAMT_FI.read_bytes(), currency_wanted="EUR")
    assert problems == [] and message is not None and message.version == "001.02"
    # Two booked credits, the first a batch of two transactions, each with a SCOR creditor reference.
    assert [(p.entry, p.amount, p.reference, p.bank_key) for p in message.payments] == [
        (1, 14700, "123", "1109168E0049198529"),
        (1, 3600, "RF74100978", "1109168E0049198530"),
        (2, 1000, "00000006450830029863", "1109158E0049179974"),
    ]
    assert {p.booked_on for p in message.payments} == {D("2011-09-16")}
    swiss, problems = camt054.parse(CAMT_CH.read_bytes(), currency_wanted="EUR")
    assert problems == [] and swiss is not None
    assert [(p.amount, p.reference, p.payer_name) for p in swiss.payments] == [
        (500, "000000000000000000000000003", "Test Customer")
    ]
    refused("payment", "import", str(CAMT_FI), contains="bad row")  # EUR: steg2 bills in SEK
    invoice = issue()
    copy = tmp_path / "camt.xml"
    copy.write_bytes(
        CAMT_FI.read_bytes()
        .replace(b'Ccy="EUR"', b'Ccy="SEK"')
        .replace(b"<Ref>123</Ref>", f"<Ref>{invoice['ocr']}</Ref>".encode())
    )
    result = ok("payment", "import", str(copy), "--json")
    assert result["source"] == "camt054" and result["matched"] == 1 and result["added"] == len(message.payments)
    assert ok("invoice", "show", str(invoice["number"]), "--json")["paid"] == 14700
    assert ok("payment", "import", str(copy), "--json")["already_imported"] == result["added"]


def test_a_damaged_file_is_refused_whole_listing_every_problem(fresh_db: Any, tmp_path: Path) -> None:
    invoice = issue()
    path = tmp_path / "bgmax.txt"
    path.write_bytes(bgmax_file([(invoice["ocr"], 100000, "1"), ("x", 5, "2")], deposit=99))
    with nothing_written(fresh_db):
        from typer.testing import CliRunner

        from steg2cli.cli import app

        result = CliRunner().invoke(app, ["payment", "import", str(path)])
        assert result.exit_code == 1
        assert "add up to 1 000,05 kr, the deposit says 0,99 kr" in result.stderr
        assert result.stderr.strip().splitlines()[-1].startswith("Error: 1 bad row in the bank file")
        cut = tmp_path / "cut.txt"
        cut.write_bytes(path.read_bytes()[:-84])
        refused("payment", "import", str(cut), contains="bad row")
        refused("payment", "import", str(tmp_path / "nothing.txt"), contains="no such file")
        other = tmp_path / "other.txt"
        other.write_text("Datum;Belopp\n2026-01-01;100\n", encoding="utf-8")
        refused("payment", "import", str(other), contains="neither Bankgirot BgMax nor ISO 20022 camt.054")
        refused("payment", "import", str(tmp_path), contains="folder")


def test_a_dry_run_matches_but_writes_nothing(fresh_db: Any, tmp_path: Path) -> None:
    invoice = issue()
    path = tmp_path / "bgmax.txt"
    path.write_bytes(bgmax_file([(invoice["ocr"], 3000000, "7")]))
    with nothing_written(fresh_db):
        result = ok("payment", "import", str(path), "--dry-run", "--json")
    assert (result["dry_run"], result["added"], result["matched"]) == (True, 1, 1)


# ---- what is owed ------------------------------------------------------------------------------------


def test_partial_full_over_and_late_payments_give_state_and_balance(fresh_db: Any, tmp_path: Path) -> None:
    invoice = issue()  # 30 000 kr, due 2024-05-01
    number = str(invoice["number"])
    ok("payment", "add", number, "--date", "2024-04-20", "--amount", "10 000")
    state = ok("invoice", "show", number, "--json")
    assert (state["paid"], state["balance"]) == (1_000_000, 2_000_000)
    assert ok("invoice", "list", "--on", "2024-04-30", "--unpaid", "--json")[0]["state"] == "open"
    assert ok("invoice", "list", "--on", "2024-04-30", "--overdue", "--json") == []
    late = ok("invoice", "list", "--on", "2024-05-11", "--overdue", "--json")
    assert [(i["number"], i["days_late"], i["balance"]) for i in late] == [(1, 10, 2_000_000)]
    assert "Gävle kommun: invoice 1, 10 days late, 20 000,00 kr" in ok("status", "--date", "2024-05-11").stdout
    ok("payment", "add", invoice["ocr"], "--date", "2024-05-20", "--amount", "20 000")  # late, by OCR
    paid = ok("invoice", "show", number, "--json")
    assert (paid["state"], paid["balance"], paid["overpaid"]) == ("paid", 0, 0)
    assert ok("invoice", "list", "--unpaid", "--json") == []
    ok("payment", "add", number, "--date", "2024-05-21", "--amount", "500")
    over = ok("invoice", "show", number, "--json")
    assert (over["state"], over["balance"], over["overpaid"]) == ("paid", -50_000, 50_000)
    assert "overpaid by 500,00 kr" in ok("invoice", "list").stdout


def test_money_received_on_a_credited_invoice_is_to_be_paid_back(fresh_db: Any) -> None:
    invoice = issue()
    ok("payment", "add", "1", "--date", "2024-04-10", "--amount", "30000")
    ok("invoice", "credit", "1", "--reason", "fel mottagare", "--date", "2024-04-11")
    shown = ok("invoice", "show", "1", "--json")
    assert (shown["state"], shown["balance"], shown["to_pay_back"]) == ("credited", 0, invoice["total"])
    assert "pay back 30 000,00 kr" in ok("invoice", "list").stdout
    assert ok("invoice", "show", "2", "--json")["state"] == "credit"


def test_payment_add_and_assign_refuse_what_cannot_be(fresh_db: Any, tmp_path: Path) -> None:
    issue()
    ok("invoice", "credit", "1", "--reason", "fel", "--date", "2024-04-02")
    with nothing_written(fresh_db):
        refused("payment", "add", "1", "--date", "2026-06-16", "--amount", "1", contains="after today")
        refused("payment", "add", "2", "--date", "2024-05-01", "--amount", "1", contains="credit note")
        refused("payment", "add", "1", "--date", "2024-05-01", "--amount", "0", contains="above zero")
        refused("payment", "add", "1", "--date", "2024-05-01", "--amount", "1e3", contains="amount")
        refused("payment", "add", "99", "--date", "2024-05-01", "--amount", "1", contains="no invoice")
        refused("payment", "assign", "1", "1", contains="no payment")
    path = tmp_path / "bg.txt"
    path.write_bytes(bgmax_file([("4242", 500, "9")]))  # a valid OCR of no invoice
    assert ok("payment", "import", str(path), "--json")["unmatched"] == 1
    [waiting] = ok("payment", "list", "--unmatched", "--json")
    assert (waiting["invoice"], waiting["source"], waiting["reference"]) == (None, "bgmax", "4242")
    assert "payment 1, 2026-01-10: 5,00 kr from Gävle kommun" in ok("status").stdout
    with nothing_written(fresh_db):
        refused("payment", "assign", str(waiting["id"]), "2", contains="credit note")
    assert ok("payment", "assign", str(waiting["id"]), "1", "--json")["invoice"] == 1
    assert ok("payment", "list", "--unmatched", "--json") == []


# ---- the books ---------------------------------------------------------------------------------------


def test_sie_verifications_balance_and_receivables_net_to_what_is_owed(fresh_db: Any, tmp_path: Path) -> None:
    ok("config", "set", "seller.org-number", "802000-1239")
    ok("config", "set", "seller.vat-number", "SE802000123901")
    issue()  # invoice 1: 30 000 kr, VAT-free
    ok("price", "set", "annual-fee", "10 000", "--from", "2025-01-01", "--vat", "25")
    [second] = ok("invoice", "run", "--date", "2025-04-01", "--json")["invoices"]  # 12 500 kr, 25 % VAT
    ok("payment", "add", "1", "--date", "2024-05-01", "--amount", "25000")
    ok("payment", "add", "2", "--date", "2025-04-20", "--amount", "12500")
    ok("invoice", "credit", "2", "--reason", "dubbel", "--date", "2025-04-21")  # 12 500 kr to pay back
    bank = tmp_path / "bg.txt"
    bank.write_bytes(bgmax_file([("4242", 700, "3")], day="20250501"))  # unmatched
    ok("payment", "import", str(bank))
    out = tmp_path / "bok.se"
    ok("export", "sie", "-o", str(out), "--from", "2024-01-01", "--to", "2025-12-31")
    books = read(out.read_bytes())
    assert books.header["#SIETYP"] == ["4"] and books.header["#ORGNR"] == ["802000-1239"]
    assert books.header["#GEN"] == ["20260615"]  # the day the file is made (STEG2_TODAY), not the period's end
    assert len(books.verifications) == 3 + 3  # invoices 1 and 2, credit note 3, three payments
    receivables = sum(a for v in books.verifications for account, a in v.transactions if account == "1510")
    invoices = ok("invoice", "list", "--json")
    owed = sum(i["balance"] for i in invoices) - sum(i["to_pay_back"] for i in invoices) - 700
    assert receivables * 100 == owed == 3_000_000 - 2_500_000 - 1_250_000 - 700
    by_account: dict[str, Decimal] = {}
    for verification in books.verifications:
        for account, amount in verification.transactions:
            by_account[account] = by_account.get(account, Decimal(0)) + amount
    assert by_account["3001"] == Decimal("-30000.00")  # VAT-free sales
    assert by_account["3041"] == Decimal("0.00") and by_account["2611"] == Decimal("0.00")  # credited in full
    first_year = tmp_path / "2025.se"
    ok("export", "sie", "-o", str(first_year), "--year", "2025")
    vat_invoice = next(v for v in read(first_year.read_bytes()).verifications if v.text.startswith("Faktura 2"))
    assert sorted(vat_invoice.transactions) == [
        ("1510", Decimal("12500.00")),
        ("2611", Decimal("-2500.00")),
        ("3041", Decimal("-10000.00")),
    ]
    assert second["total"] == 1_250_000


def test_the_same_period_gives_the_same_bytes_and_accounts_can_be_changed(fresh_db: Any, tmp_path: Path) -> None:
    issue()
    one, two = tmp_path / "a.se", tmp_path / "b.se"
    ok("export", "sie", "-o", str(one), "--year", "2024")
    ok("export", "sie", "-o", str(two), "--year", "2024")
    assert one.read_bytes() == two.read_bytes()
    assert "Gävle kommun".encode("cp437") in one.read_bytes()
    ok("config", "set", "account.revenue-exempt", "3004")
    ok("export", "sie", "-o", str(two), "--year", "2024")
    assert "3004" in read(two.read_bytes()).accounts
    with nothing_written(fresh_db):
        refused("config", "set", "account.bank", "19", contains="4-digit")
    refused("export", "sie", "-o", str(one), contains="--year")
    refused("export", "sie", "-o", str(one), "--year", "2024", "--from", "2024-01-01", contains="not both")
    refused("export", "sie", "-o", str(one), "--from", "2024-02-01", "--to", "2024-01-01", contains="after it ends")
    refused("export", "sie", "-o", str(tmp_path / "x.txt"), "--year", "2024", contains=".se")


def test_the_strict_reader_refuses_a_broken_file() -> None:
    good = (
        b'#FLAGGA 0\r\n#PROGRAM "x" "1"\r\n#FORMAT PC8\r\n#GEN 20260101\r\n#SIETYP 4\r\n#FNAMN "A"\r\n'
        b'#KONTO 1510 "K"\r\n#KONTO 1930 "B"\r\n#VER "" "" 20260101 "t"\r\n{\r\n   #TRANS 1930 {} 1.00\r\n'
        b"   #TRANS 1510 {} -1.00\r\n}\r\n"
    )
    assert len(read(good).verifications) == 1
    for broken in (
        good.replace(b"-1.00", b"-1.01"),
        good.replace(b"#TRANS 1930", b"#TRANS 1940"),
        good.replace(b"\r\n", b"\n"),
        good.replace(b"#FORMAT PC8", b"#FORMAT UTF8"),
        good.replace(b"1.00\r\n", b"1,00\r\n", 1),
        good[:-3],
    ):
        with pytest.raises(SieError):
            read(broken)


@pytest.mark.skipif(SERVER is not None, reason="one database is enough")
def test_bgmax_payment_date_and_amount_fields_are_read_from_the_layout() -> None:
    parsed, problems = bgmax.parse(bgmax_file([("133", 1234567, "42")], day="20260228"))
    assert problems == [] and parsed is not None
    [(section, payment)] = parsed.payments()
    assert (section.payment_date, payment.amount, payment.reference, payment.serial, section.bankgiro) == (
        D("2026-02-28"),
        1234567,
        "133",
        "000000000042",
        "50501055",
    )


def test_the_vendored_bank_samples_are_the_banks_files_byte_for_byte() -> None:
    """tests/payments holds copies of ../shared/payments; SOURCES.md gives each file's SHA-256 as published."""
    import hashlib
    import re

    sums = re.findall(r"^([0-9a-f]{64})  (\S+)$", (SAMPLES / "SOURCES.md").read_text(encoding="utf-8"), re.MULTILINE)
    assert len(sums) == 4
    for digest, name in sums:
        assert hashlib.sha256((SAMPLES / name).read_bytes()).hexdigest() == digest, name
