"""The newest features' screens in the coordinator's language: the audit trail of money moved, rates,
refunds and deliveries; the dashboard's gathering kinds; charge names on an invoice; a negative reference
rate typed as it is written; settings that cannot stop reminders; help that says what a rule says."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ok, refused, run, trainer_under_agreement

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


@pytest.fixture
def swedish(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STEG2_LANG", "sv")


def _two_invoices_and_a_payment_spread(tmp_path: Path) -> None:
    """Invoice 1 (30 000 kr, 2024-04-01) and 2 (10 000 kr, 2025-04-01) to Gävle; 40 000 kr from the bank
    on no reference, 30 000 kr put on invoice 1 and 5 000 kr on invoice 2, 5 000 kr on no invoice."""
    from tests.test_payments import bgmax_file

    trainer_under_agreement(start="2024-04-01")
    ok("invoice", "run", "--date", "2024-04-01")
    ok("invoice", "run", "--date", "2025-04-01")
    bank = tmp_path / "bg.txt"
    bank.write_bytes(bgmax_file([("9999", 4_000_000, "1")], day="20250410"))
    ok("payment", "import", str(bank))
    ok("payment", "assign", "1", "1", "--amount", "30000")
    ok("payment", "assign", "1", "2", "--amount", "5000")


# ---- 1. the audit trail ----------------------------------------------------------------------------


def _money_moved_and_delivered(tmp_path: Path) -> None:
    from tests.test_einvoices import seller

    seller()
    _two_invoices_and_a_payment_spread(tmp_path)
    ok("rate", "set", "reference", "2", "--from", "2024-01-01")
    ok("rate", "set", "reference", "2,5", "--from", "2024-01-01")
    ok("price", "set", "annual-fee", "12000", "--from", "2027-01-01")
    ok("price", "set", "annual-fee", "12500", "--from", "2027-01-01", "--replace")
    ok("config", "set", "reminder.fee", "60")
    ok("payment", "add", "1", "--date", "2025-04-20", "--amount", "1000")  # 1 000 kr too much on invoice 1
    ok("payment", "offset", "1", "2", "--amount", "400", "--date", "2025-04-21")
    ok("payment", "refund", "1", "--amount", "600", "--date", "2025-04-22")
    ok("invoice", "block", "2", "--reason", "tvist")
    ok("payer", "set", "Gävle", "--delivery", "print", "--address", r"Box 1\n801 84 Gävle")
    ok("config", "set", "delivery.print-folder", str(tmp_path))
    ok("invoice", "send", "--number", "1")
    ok("programme", "load", str(EXAMPLES / "pool-programme.toml"))
    ok("cohort", "add", "Pool 1", "--programme", "pool-environment", "--start", "2025-01-01", "--months", "24")


def test_the_audit_trail_shows_money_in_kronor_rates_in_percent_and_every_newer_record_in_swedish(
    swedish: None, tmp_path: Path
) -> None:
    _money_moved_and_delivered(tmp_path)
    text = ok("log", "--limit", "100").stdout
    assert "betalning 1 belopp utan faktura: 40 000,00 kr → 10 000,00 kr" in text
    assert "betalning 1 belopp utan faktura: 10 000,00 kr → 5 000,00 kr" in text
    assert "referensränta 1 ränta: 2 % → 2,5 %" in text
    assert "pris 4 belopp: 12 000,00 kr → 12 500,00 kr" in text
    assert "inställning reminder.fee värde: 0,00 kr → 60,00 kr" in text
    for touched in ("återbetalning 1", "kvittning 1", "leverans 1", "kohort 1", "programdefinition", "referensränta 1"):
        assert touched in text, touched
    words = "\n".join("\t".join(line.split("\t")[3:]) for line in text.splitlines())  # what was touched, changed
    words = re.sub(r"\b[a-z]+\.[a-z.-]+", "", words)  # setting keys (`delivery.print-folder`) are typed as they are
    for raw in ("unallocated", "rate_bp", "amount_ore", "refund", "payment-offset", "delivery", "cohort", "rate "):
        assert raw not in words, raw
    assert not re.search(r"[:→] \d{3,}\b", text), text  # no öre left anywhere


def test_the_audit_trail_in_english_reads_kronor_and_percent_too(tmp_path: Path) -> None:
    _two_invoices_and_a_payment_spread(tmp_path)
    ok("rate", "set", "reference", "2", "--from", "2024-01-01")
    ok("rate", "set", "reference", "2,5", "--from", "2024-01-01")
    text = ok("log").stdout
    assert "payment 1 amount on no invoice: 10 000,00 kr → 5 000,00 kr" in text
    assert "reference rate 1 rate: 2 % → 2.5 %" in text


def test_every_record_and_field_the_services_write_to_the_audit_trail_has_a_name() -> None:
    """Whatever kind of record a service notes in the audit trail (`touched`, `changed`), and whatever
    field it records the change of, `log` names it in words, in English and in Swedish."""
    from steg2cli.commands import people
    from steg2cli.i18n import catalogue

    kinds: set[str] = set()
    fields: set[str] = set()
    for path in sorted((ROOT / "steg2cli" / "services").glob("*.py")):
        source = path.read_text(encoding="utf-8")
        kinds |= set(re.findall(r"\btouched\(\s*[a-z.]*session,\s*\"([a-z-]+)\"", source))
        for kind, field in re.findall(r"\bchanged\(\s*session,\s*\"([a-z-]+)\",\s*[^,]+,\s*\"([a-z_]+)\"", source):
            kinds.add(kind)
            fields.add(field)
    assert {"refund", "rate", "payment-offset", "delivery", "cohort", "definition"} <= kinds
    assert {"unallocated", "rate_bp", "amount_ore"} <= fields
    # Fields edited through a dictionary of wanted values (trainer edit, payer set).
    fields |= {"name", "email", "phone", "appointed_by", "level", "inactive_from", "inactive_reason"}
    fields |= {"org_number", "peppol_id", "address", "reference", "delivery"}
    swedish = catalogue("sv")
    for kind in kinds - {"trainee-report"}:  # a trainee list is told by its number of rows
        assert kind in people.AUDIT_WORDS, kind
        assert swedish.gettext(people.AUDIT_WORDS[kind]) != people.AUDIT_WORDS[kind], kind
    for field in fields:
        assert field in people.FIELD_WORDS, field


# ---- 2. the dashboard's trainers short of meetings ----------------------------------------------------


def test_status_names_gathering_kinds_and_counts_meetings_in_real_plurals(swedish: None) -> None:
    trainer_under_agreement(start="2023-04-01")
    first = ok("meeting", "add", "--kind", "network", "--date", "2026-02-01", "--json")["id"]
    ok("meeting", "attend", str(first), "1")
    for day in ("2026-05-01", "2026-09-01"):
        ok("meeting", "add", "--kind", "network", "--date", day)
    text = ok("status", "--date", "2026-03-10").stdout
    assert "Anna Lind (1): 1 nätverksträff, 0 konferenser; Nätverksträff: 1 av 2 hittills, nästa den 2026-05-01" in text
    for english in ("network", "conference", "(ar)", "(er)"):
        assert english not in text, english
    ok("meeting", "add", "--kind", "network", "--date", "2026-02-02")
    ok("meeting", "attend", "4", "1")
    assert "Anna Lind (1): 2 nätverksträffar, 0 konferenser" in ok("status", "--date", "2026-03-10").stdout


def test_status_in_english_names_the_kinds_of_a_loaded_definition() -> None:
    ok("programme", "load", str(EXAMPLES / "three-level-supervisors.toml"))
    from tests.conftest import certify, register

    trainer = register(level="leader")
    certify(trainer["id"])
    ok("sign-agreement", str(trainer["id"]), "--start", "2023-04-01")
    ok("meeting", "add", "--kind", "leader-support", "--date", "2026-09-01")
    text = ok("status", "--date", "2026-06-15").stdout
    assert "Anna Lind (1): Leader support gathering 0/3" in text
    assert "leader-support" not in text


# ---- 3. charges on an invoice by name -----------------------------------------------------------------


def _invoice_and_its_fees() -> None:
    """Invoice 1: an open-course seat and an annual fee; invoice 2: a reminder fee and late interest."""
    from tests.test_einvoices import seller

    seller()
    trainer_under_agreement(start="2024-04-01")
    ok("invoice", "run", "--date", "2024-04-01")
    ok("config", "set", "reminder.fee", "60")
    ok("invoice", "remind", "--date", "2024-05-11")
    ok("rate", "set", "reference", "4", "--from", "2024-01-01")
    ok("invoice", "interest", "--date", "2024-06-05")
    ok("invoice", "run", "--date", "2024-06-05")


def _charges(number: str) -> list[str]:
    """The charge column of an invoice's lines as `invoice show` prints them (tab-separated when piped)."""
    lines = ok("invoice", "show", number).stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.count("\t") >= 4)
    return [line.split("\t")[0] for line in lines[start + 1 :] if line.count("\t") >= 4]


def test_invoice_show_names_every_charge_in_swedish(swedish: None) -> None:
    _invoice_and_its_fees()
    assert _charges("1") == ["kursplats, öppen kurs", "årsavgift"]
    assert _charges("2") == ["påminnelseavgift", "dröjsmålsränta"]


def test_invoice_show_names_every_charge_in_english() -> None:
    _invoice_and_its_fees()
    assert _charges("1") == ["open course seat", "annual fee"]
    assert _charges("2") == ["reminder fee", "late-payment interest"]
    assert [line["charge"] for line in ok("invoice", "show", "2", "--json")["lines"]] == [
        "reminder-fee",
        "late-interest",
    ]  # the JSON keeps the codes


# ---- 4. a negative reference rate as typed ------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["reference", "-0,5", "--from", "2016-01-01"],
        ["--from", "2016-01-01", "reference", "-0,5"],
        ["reference", "--from", "2016-01-01", "-0,5"],
    ],
    ids=["rate-then-from", "from-then-rate", "from-between"],
)
def test_a_negative_reference_rate_is_taken_as_typed(args: list[str], swedish: None) -> None:
    result = ok("rate", "set", *args)
    assert "Referensränta -0,5 % från 2016-01-01: dröjsmålsränta 7,5 %." in result.stdout
    assert [(r["rate"], r["interest_rate"]) for r in ok("rate", "list", "--json")] == [(-0.5, 7.5)]


def test_a_negative_rate_in_english_and_unknown_options_still_refused() -> None:
    assert ok("rate", "set", "reference", "-1", "--from", "2016-01-01", "--json")["rate"] == -1
    assert ok("rate", "set", "reference", "-0.25", "--from", "2017-01-01", "--json")["rate"] == -0.25
    for args in (
        ["reference", "2", "--from", "2016-01-01", "--bogus"],
        ["reference", "--bogus", "2", "--from", "2016-01-01"],
        ["--bogus", "reference", "2", "--from", "2016-01-01"],
        ["reference", "2", "--from", "2016-01-01", "-x"],
    ):
        result = run("rate", "set", *args)
        assert result.exit_code == 2, (args, result.output)
        assert "No such option: -" in result.stderr, (args, result.stderr)
    typo = run("rate", "set", "reference", "2", "--frm", "2016-01-01")
    assert typo.exit_code == 2 and "No such option: --frm" in typo.stderr and "--from" in typo.stderr
    assert ok("rate", "list", "--json")[-1]["from"] == "2017-01-01"  # nothing more was written


# ---- 5. settings that would stop reminders, and the help's example --------------------------------------


def test_reminder_max_below_one_is_refused(fresh_db: Any) -> None:
    from tests.conftest import nothing_written

    with nothing_written(fresh_db):
        refused("config", "set", "reminder.max", "0", contains="reminder.max must be a whole number of at least 1")
        refused("config", "set", "reminder.max", "-1", contains="at least 1")
    ok("config", "set", "reminder.max", "1")


def test_the_config_set_examples_in_the_help_run() -> None:
    import shlex

    from steg2cli.helptext import EXAMPLES

    for example in EXAMPLES["config set"]:
        assert example in ok("config", "set", "--help").stdout
        ok(*shlex.split(example)[1:])


# ---- 6. what a rule says, never its number ----------------------------------------------------------------


def test_no_help_message_or_manual_page_cites_a_rule_by_number() -> None:
    """The rules are numbered in the team's own brief, which a user does not have: help, messages (in both
    languages) and the manual say what a rule says instead."""
    from babel.messages.pofile import read_po

    numbered = re.compile(r"\b(rules?|regel|regler)\s+\d", re.IGNORECASE)
    with (ROOT / "steg2cli" / "locale" / "sv" / "LC_MESSAGES" / "steg2.po").open("rb") as po:
        for message in read_po(po):
            texts = [*(message.id if isinstance(message.id, tuple) else [message.id])]
            texts += [*(message.string if isinstance(message.string, tuple) else [message.string])]
            for text in texts:
                assert not numbered.search(text or ""), text
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = page.read_text(encoding="utf-8")
        assert not numbered.search(text), (page.name, numbered.search(text))
        assert "DOMAIN" not in text and "shared/" not in text, page.name
    assert "rule 40" not in ok("invoice", "remind", "--help").stdout


# ---- 9. the books: what account 1510 comes to, and a payment's text ----------------------------------------


def _books(tmp_path: Path) -> Any:
    from tests.sie_reader import read

    out = tmp_path / "bok.se"
    ok("export", "sie", "-o", str(out), "--from", "2024-01-01", "--to", "2025-12-31")
    return read(out.read_bytes())


def test_receivables_come_to_what_is_owed_less_what_goes_back_less_money_on_no_invoice(tmp_path: Path) -> None:
    """docs/money-owed.md: summed over the books, 1510 is what the invoices still owe, less what is to be
    paid back or overpaid, less what of the payments sits on no invoice yet."""
    from decimal import Decimal

    _two_invoices_and_a_payment_spread(tmp_path)  # 40 000 kr in, 35 000 kr of it on invoices
    ok("payment", "add", "1", "--date", "2025-04-20", "--amount", "1000")  # 1 000 kr too much on invoice 1
    ok("payment", "refund", "1", "--amount", "600", "--date", "2025-04-22")

    def receivables() -> Decimal:
        books = _books(tmp_path)
        return sum((a for v in books.verifications for account, a in v.transactions if account == "1510"), Decimal(0))

    def statement() -> int:
        listed = ok("invoice", "list", "--json")
        owed = sum(i["balance"] for i in listed if i["state"] in ("open", "overdue"))
        back = sum(i["to_pay_back"] + i["overpaid"] for i in listed)
        unallocated = sum(p["unallocated"] for p in ok("payment", "list", "--json"))
        return int(owed - back - unallocated)

    assert receivables() * 100 == statement() == 500_000 - 40_000 - 500_000
    # What is outstanding less what is to be paid back alone is 4 600 kr: 5 000 kr sit on no invoice.
    listed = ok("invoice", "list", "--json")
    owed = sum(i["balance"] for i in listed if i["state"] in ("open", "overdue"))
    assert owed - sum(i["to_pay_back"] + i["overpaid"] for i in listed) == 460_000 != receivables() * 100
    ok("payment", "assign", "1", "2", "--amount", "5000")
    assert receivables() * 100 == statement() == -40_000


def test_a_payments_verification_text_follows_where_its_money_is(tmp_path: Path) -> None:
    from tests.test_payments import bgmax_file

    trainer_under_agreement(start="2024-04-01")
    ok("invoice", "run", "--date", "2024-04-01")
    ok("invoice", "run", "--date", "2025-04-01")
    bank = tmp_path / "bg.txt"
    bank.write_bytes(bgmax_file([("9999", 4_000_000, "1")], day="20250410"))
    ok("payment", "import", str(bank))

    def text() -> str:
        [payment] = [v.text for v in _books(tmp_path).verifications if v.text.startswith("Inbetalning")]
        return str(payment)

    assert text() == "Inbetalning 1, ej matchad, ref 9999"
    ok("payment", "assign", "1", "1", "--amount", "30000")
    assert text() == "Inbetalning 1, faktura 1 + 10 000,00 kr ej matchat, ref 9999"
    ok("payment", "assign", "1", "2", "--amount", "5000")
    assert text() == "Inbetalning 1, fakturor 1, 2 + 5 000,00 kr ej matchat, ref 9999"
    ok("payment", "assign", "1", "2", "--amount", "5000")
    assert text() == "Inbetalning 1, fakturor 1, 2, ref 9999"
    ok("payment", "unassign", "1")
    ok("payment", "assign", "1", "2")
    assert text() == "Inbetalning 1, faktura 2, ref 9999"


# ---- 10. the README shows the documents -------------------------------------------------------------------


def test_the_readme_shows_an_invoice_and_a_report_page_and_how_lists_print() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Documents") : text.index("## Read on")]
    for picture in ("docs/images/faktura.png", "docs/images/arsrapport.png"):
        assert picture in section and (ROOT / picture).is_file(), picture
    assert "A4" in section and "width" in section and "(docs/documents.md)" in section
    assert len(text.splitlines()) < 150


# ---- 11. the audit trail shows no personal data ------------------------------------------------------------


def test_the_audit_trail_says_a_personal_field_changed_but_never_shows_its_values(swedish: None) -> None:
    from tests.conftest import register

    register(name="Anna Lind", phone="070-111")
    ok("trainer", "edit", "1", "--name", "Anna Lind-Berg", "--phone", "070-999", "--appointed-by", "Lars Lind, rektor")
    ok("trainer", "edit", "1", "--inactive", "--date", "2026-03-01", "--reason", "sjukskriven")
    ok("payer", "set", "Gävle", "--reference", "Eva Ek", "--email", "eva@gavle.se", "--address", r"Box 1\n801 84 Gävle")
    text = ok("log").stdout
    for personal in ("Anna", "Lind", "070-", "Lars", "rektor", "sjukskriven", "Eva", "eva@", "Box 1", "801 84"):
        assert personal not in text, personal
    for said in ("namn ändrat", "telefon ändrat", "utsedd av ändrat", "referens ändrat", "e-post ändrat"):
        assert said in text, said
    assert "inaktiv från: — → '2026-03-01'" in text  # a date is no personal data: shown as before
    entries = ok("log", "--json")
    shown = str(entries)
    for personal in ("Anna", "070-", "Lars", "sjukskriven", "Eva", "Box 1"):
        assert personal not in shown, personal
    [edit] = [e for e in entries if e["command"] == "trainer edit" and "name" in e["changes"]["trainer"]["1"]]
    assert edit["changes"]["trainer"]["1"]["name"] == "changed"


# ---- 12. no English code on a Swedish screen -------------------------------------------------------------


def test_moved_in_invoices_courses_and_payment_sources_are_named_in_swedish(swedish: None, tmp_path: Path) -> None:
    from tests.test_moving_in import INVOICE, TRAINER, workbook
    from tests.test_payments import bgmax_file

    ok("import", "register", str(workbook(tmp_path / "r.xlsx", trainers=[TRAINER], invoices=[INVOICE])))
    ok("payment", "add", "2025-117", "--date", "2026-01-10", "--amount", "100")
    bank = tmp_path / "bg.txt"
    bank.write_bytes(bgmax_file([("11700021", 20_000, "1")], day="20260111"))
    ok("payment", "import", str(bank))
    shown = ok("invoice", "show", "2025-117").stdout
    assert not re.search(r"^(none|inga)\s*$", shown, re.M), shown
    assert "(betalt före steg2, betalning 1)" in shown
    assert "(inlagd för hand, betalning 2)" in shown and "(BgMax-fil, betalning 3)" in shown
    screens = {
        "invoice list": ok("invoice", "list").stdout,
        "payment list": ok("payment", "list").stdout,
        "course list": ok("course", "list").stdout,
        "course show": ok("course", "show", "1").stdout,
        "trainer show": ok("trainer", "show", "1").stdout,
    }
    for name, text in screens.items():
        for code in ("imported", "manual", "bgmax"):
            assert not re.search(rf"\b{code}\b", text), (name, code, text)
    assert "importerad" in screens["invoice list"] and "importerad" in screens["course list"]


def test_rates_programme_levels_and_waiting_invoices_are_named_in_swedish(swedish: None, tmp_path: Path) -> None:
    ok("rate", "set", "reference", "2", "--from", "2024-01-01")
    assert not re.search(r"\breference\b", ok("rate", "list").stdout)
    assert "referensränta" in ok("rate", "list").stdout
    ok("programme", "load", str(EXAMPLES / "pool-programme.toml"))
    levels = ok("programme", "list").stdout
    assert "2 × Nätverksträff" in levels and not re.search(r"× (network|conference|national|county)\b", levels)
    from tests.test_einvoices import seller

    seller()
    trainer_under_agreement(start="2024-04-01")
    trainer_under_agreement(email="bo@example.se", municipality="Umeå", start="2024-04-01")
    ok("payer", "set", "Gävle", "--delivery", "email", "--email", "")
    ok("payer", "set", "Umeå", "--delivery", "print", "--address", "")
    ok("invoice", "run", "--date", "2024-04-01")
    ok("config", "set", "delivery.mail-outbox", str(tmp_path))
    ok("config", "set", "delivery.print-folder", str(tmp_path))
    result = run("invoice", "send")
    text = result.stdout + result.stderr
    assert "saknar e-post för e-post" in text and "saknar adress för utskrift" in text, text
    assert not re.search(r"för (email|print)\b", text), text


def test_a_mail_server_that_cannot_be_reached_or_takes_no_login_is_said_in_swedish(
    swedish: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aiosmtpd.controller import Controller

    from tests.test_delivery import Inbox, _free_port, _mail_to, _register

    _register(1)
    _mail_to(_free_port())
    line = refused("invoice", "send")
    assert "når inte e-postservern" in line and "anslutningen nekades" in line and "errno" in line, line
    assert "Connection refused" not in line
    port = _free_port()
    controller = Controller(Inbox(), hostname="127.0.0.1", port=port)  # offers no AUTH
    controller.start()
    try:
        _mail_to(port)
        ok("config", "set", "smtp.user", "man")
        monkeypatch.setenv("STEG2_SMTP_PASSWORD", "hemligt")
        line = refused("invoice", "send")
    finally:
        controller.stop()
    assert "svarade men erbjuder ingen inloggning (AUTH)" in line and "når inte" not in line, line
    assert "not supported" not in line


# ---- 13. plurals -------------------------------------------------------------------------------------------


def test_a_cohort_in_the_year_report_counts_one_gathering_in_the_singular(swedish: None) -> None:
    ok("programme", "load", str(EXAMPLES / "pool-programme.toml"))
    ok("cohort", "add", "Pool 1", "--programme", "pool-environment", "--start", "2025-01-01", "--months", "24")
    ok("meeting", "add", "--kind", "national", "--date", "2025-02-10", "--cohort", "Pool 1")
    text = ok("report", "--year", "2025").stdout
    assert "0 utbildade, 1 träff, 0 närvarande" in text, text
    assert "1 träffar" not in text
    ok("meeting", "add", "--kind", "county", "--date", "2025-03-10", "--cohort", "Pool 1")
    assert "0 utbildade, 2 träffar, 0 närvarande" in ok("report", "--year", "2025").stdout


# ---- 14. compliance columns by the obligations that apply ---------------------------------------------------


def test_compliance_shows_the_columns_of_the_obligations_the_levels_set() -> None:
    from tests.conftest import certify, register

    ok("programme", "load", str(EXAMPLES / "pool-programme.toml"))
    trainer = register(level="resource-person")
    certify(trainer["id"])
    ok("sign-agreement", "1", "--start", "2024-06-01")
    national = ok("meeting", "add", "--kind", "national", "--date", "2025-02-10", "--json")
    ok("meeting", "attend", str(national["id"]), "1")
    text = ok("compliance", "--year", "2025").stdout
    header = text.splitlines()[1].split("\t")
    assert header[3:-1] == ["National gathering", "County gathering"], header
    assert "\t1/1\t0/2\t" in text, text
    assert not re.search(r"\b(network|conference)\b", text), text
    # MÄN's own trainers: network meetings and the conference, by their names
    register(name="Bo Berg", email="bo@example.se", municipality="Umeå")
    certify(2)
    ok("sign-agreement", "2", "--start", "2024-06-01")
    text = ok("compliance", "--year", "2025").stdout
    header = text.splitlines()[1].split("\t")
    assert header[3:-1] == [
        "Nätverksträff",
        "En vecka fri från våld – konferens",
        "National gathering",
        "County gathering",
    ]
    assert "\t—\t—\t1/1\t0/2\t" in text and "\t0/2\t0/1\t—\t—\t" in text, text  # not obliged: a dash
    assert ok("compliance", "--year", "2025", "--json")[0]["required"]
