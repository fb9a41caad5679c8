"""Documents people hold (rule 39): invoices, credit notes, reminders, agreements and the year report as
PDF, each read back with tools we did not write (pypdf for the text, qpdf through pikepdf for the file,
its PDF/A metadata, fonts and attachments)."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from steg2cli import rules
from steg2cli.documents.common import DocumentError, Payer, Seller
from steg2cli.documents.invoice import Invoice, InvoiceLine, invoice_pdf
from steg2cli.documents.reminder import Reminder, reminder_pdf
from tests.conftest import nothing_written, ok, refused, register, trainer_under_agreement
from tests.pdf_check import assert_archival_a4, check, flat
from tests.test_einvoices import gavle_ready, seller

EXEMPT_NOTE = "Ingen moms: utbildning undantagen från skatteplikt"
SELLER = Seller(
    name="Män för jämställdhet",
    org_number="8020001239",
    address=("Box 1234", "118 20 Stockholm"),
    f_skatt=True,
    email="faktura@man.example",
    bankgiro="50501055",
)
PAYER = Payer("Gävle kommun", ("Fakturaservice", "Box 1", "801 84 Gävle"), "BUN-17", "2120002528")


def _mixed_rates_register() -> None:
    """Gävle: a course seat and an annual fee (0 %) and a purchased course (25 %); Umeå: a purchased course
    alone (25 %)."""
    seller(vat=True)
    gavle_ready()
    ok("price", "set", "annual-fee", "10000", "--from", "2020-01-01", "--vat", "0", "--vat-note", EXEMPT_NOTE)
    ok("price", "set", "open-course-seat", "20000", "--from", "2020-01-01", "--vat", "0", "--vat-note", EXEMPT_NOTE)
    ok("price", "set", "purchased-course", "100000", "--from", "2020-01-01", "--vat", "25")
    trainer_under_agreement(start="2023-04-01")
    ok("course", "add", "--kind", "purchased", "--date", "2024-02-01", "--municipality", "Gävle", "--place", "Rådhuset")
    ok("course", "add", "--kind", "purchased", "--date", "2024-02-02", "--municipality", "Umeå", "--place", "Väven")
    ok("invoice", "run", "--date", "2024-03-01")


def _pdfs(folder: Path, *extra: str) -> dict[str, Path]:
    result = ok("invoice", "pdf", "-o", str(folder), *extra, "--json")
    return {Path(p).name: Path(p) for p in result["files"]}


def test_an_invoice_pdf_carries_everything_an_invoice_must(tmp_path: Path) -> None:
    _mixed_rates_register()
    invoices = {i["payer"]["code"]: i for i in ok("invoice", "list", "--json")}
    gavle, umea = invoices["2180"], invoices["2480"]
    files = _pdfs(tmp_path / "fakturor")
    assert sorted(files) == [f"faktura-{gavle['number']}.pdf", f"faktura-{umea['number']}.pdf"]

    read = check(files[f"faktura-{gavle['number']}.pdf"])
    assert_archival_a4(read)
    text = flat(read.text)
    # The seller (rule 28), with the VAT number since VAT is charged (rule 30).
    for part in ("Män för jämställdhet", "Org.nr 802000-1239", "Momsreg.nr SE802000123901", "Godkänd för F-skatt"):
        assert part in text, part
    # The payer with its address and reference (rule 20).
    for part in ("Gävle kommun", "Fakturaservice", "801 84 Gävle", "Er referens BUN-17"):
        assert part in text, part
    # Number, dates, OCR reference and giro (rules 20, 31).
    assert f"Fakturanummer {gavle['number']}" in text
    assert f"Fakturadatum {gavle['date']}" in text and f"Förfallodatum {gavle['due_date']}" in text
    assert gavle["ocr"] == rules.ocr_reference(gavle["number"]) and f"OCR-nummer {gavle['ocr']}" in text
    assert "Bankgiro 5050-1055" in text
    # One line per charge, with its VAT rate; VAT per rate; the total (rule 16).
    for line in gavle["lines"]:
        assert flat(line["description"]) in text and rules.format_kr(line["amount"]) in text
    assert "0 %* 30 000,00 kr 0,00 kr" in text and "25 % 100 000,00 kr 25 000,00 kr" in text
    assert f"Att betala {rules.format_kr(gavle['total'])}" in text and rules.format_kr(gavle["total"]) == (
        "155 000,00 kr"
    )
    # The exemption note beside the 0 % amounts only (rule 30).
    assert f"* Momsfritt (0 %): {EXEMPT_NOTE}" in text
    assert text.count("0 %*") == 1 + 2  # the VAT row and the two 0 % lines
    # å, ä and ö come out as they went in.
    assert "Årsavgift Steg 2-utbildare" in text and "Köpt Steg 2-utbildning" in text

    only_vat = flat(check(files[f"faktura-{umea['number']}.pdf"]).text)
    assert "Umeå kommun" in only_vat and "25 % 100 000,00 kr 25 000,00 kr" in only_vat
    assert "Momsfritt" not in only_vat and EXEMPT_NOTE not in only_vat and "*" not in only_vat


def test_the_invoice_pdf_carries_its_e_invoice_when_the_payer_is_complete(tmp_path: Path) -> None:
    _mixed_rates_register()
    files = _pdfs(tmp_path / "fakturor")
    gavle = next(i for i in ok("invoice", "list", "--json") if i["payer"]["code"] == "2180")
    [xml] = ok("invoice", "einvoice", "-o", str(tmp_path / "e"), "--number", str(gavle["number"]), "--json")["files"]
    read = check(files[f"faktura-{gavle['number']}.pdf"])
    assert read.attachments == {f"faktura-{gavle['number']}.xml": Path(xml).read_bytes()}
    # Umeå has no organisation number, address or reference: its PDF is written all the same, without one.
    umea = next(i for i in ok("invoice", "list", "--json") if i["payer"]["code"] == "2480")
    assert check(files[f"faktura-{umea['number']}.pdf"]).attachments == {}


def test_a_credit_note_is_headed_kreditfaktura_and_names_the_invoice_it_cancels(tmp_path: Path) -> None:
    _mixed_rates_register()
    first = ok("invoice", "list", "--json")[0]
    note = ok("invoice", "credit", str(first["number"]), "--reason", "Fel betalare", "--date", "2024-03-05", "--json")
    files = _pdfs(tmp_path, "--number", str(note["number"]))
    assert list(files) == [f"kreditfaktura-{note['number']}.pdf"]
    read = check(files[f"kreditfaktura-{note['number']}.pdf"])
    assert_archival_a4(read)
    text = flat(read.text)
    assert text.count("Kreditfaktura") >= 1 and "Faktura " not in text.replace("Kreditfaktura", "")[:40]
    assert f"Krediterar faktura {first['number']} av {first['date']}" in text
    assert "Orsak: Fel betalare." in text
    assert f"Att kreditera {rules.format_kr(note['total'])}" in text
    assert "OCR-nummer" not in text  # nothing to pay


def test_user_text_is_printed_as_typed_never_read_as_markup(tmp_path: Path) -> None:
    seller()
    ok("payer", "set", "Gävle", "--name", "Bo [/] Berg #set text(red) =1+1 *fet*", "--address", r"Box 1\n801 84 Gävle")
    trainer_under_agreement(start="2024-04-01")
    ok("invoice", "run", "--date", "2024-04-01")
    [path] = _pdfs(tmp_path).values()
    assert "Bo [/] Berg #set text(red) =1+1 *fet*" in flat(check(path).text)


def test_pdf_invoices_are_refused_while_the_seller_lacks_what_an_invoice_must_carry(tmp_path: Path) -> None:
    trainer_under_agreement(start="2024-04-01")
    ok("invoice", "run", "--date", "2024-04-01")
    target = tmp_path / "fakturor"
    refused("invoice", "pdf", "-o", str(target), contains="seller.org-number")
    assert not target.exists()
    seller()
    refused("invoice", "pdf", "-o", str(tmp_path / "x"), "--number", "77", contains="no invoice number 77")
    (first,) = ok("invoice", "list", "--json")
    refused(
        "invoice",
        "pdf",
        "-o",
        str(tmp_path / "x"),
        "--number",
        str(first["number"]),
        "--year",
        "2023",
        contains=f"invoice {first['number']} is not from 2023",
    )
    refused("invoice", "pdf", "-o", str(tmp_path / "nowhere" / "x"), contains="does not exist")
    assert len(_pdfs(target)) == 1


def test_a_detail_empty_at_issue_reads_the_same_everywhere(tmp_path: Path) -> None:
    """Issue 27, 8: the payer lacked its address and reference when the invoice was issued; once they are
    filled in, `invoice show`, its JSON, the invoice basis, the e-invoice and the PDF all show them."""
    seller()
    ok("payer", "set", "Gävle", "--org-number", "212000-2528")
    trainer_under_agreement(start="2024-04-01")
    ok("invoice", "run", "--date", "2024-04-01")
    ok("payer", "set", "Gävle", "--address", r"Fakturaservice\nBox 1\n801 84 Gävle", "--reference", "BUN-17")

    shown = ok("invoice", "show", "1", "--json")
    assert shown["payer"]["address"] == ["Fakturaservice", "Box 1", "801 84 Gävle"]
    assert shown["payer"]["reference"] == "BUN-17" and shown["payer"]["filled_in"] == ["address", "reference"]
    assert ok("invoice", "list", "--json")[0]["payer"] == shown["payer"]
    screen = ok("invoice", "show", "1").stdout
    assert "Fakturaservice, Box 1, 801 84 Gävle" in screen and "BUN-17" in screen

    ok("invoice", "export", "-o", str(tmp_path / "underlag.xlsx"))
    summary = list(load_workbook(tmp_path / "underlag.xlsx")["Fakturor"].iter_rows(values_only=True))
    header = list(summary[0])
    assert summary[1][header.index("Fakturaadress")] == "Fakturaservice\nBox 1\n801 84 Gävle"
    assert summary[1][header.index("Er referens")] == "BUN-17"

    [xml] = ok("invoice", "einvoice", "-o", str(tmp_path / "e"), "--json")["files"]
    root = ET.parse(xml).getroot()
    assert root.findtext("{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}BuyerReference") == (
        "BUN-17"
    )
    [pdf] = _pdfs(tmp_path / "pdf").values()
    text = flat(check(pdf).text)
    assert "Fakturaservice Box 1 801 84 Gävle" in text and "Er referens BUN-17" in text

    # A detail the invoice was issued with is never replaced.
    ok("payer", "set", "Gävle", "--org-number", "212000-2171")
    assert ok("invoice", "show", "1", "--json")["payer"]["org_number"] == "2120002528"


# ---- the reminder (rule 40) ---------------------------------------------------------------------------


def _reminder(**changes: object) -> Reminder:
    values: dict[str, object] = {
        "seller": SELLER,
        "payer": PAYER,
        "invoice_number": "2025-0042",
        "invoice_date": date(2025, 5, 2),
        "original_due_date": date(2025, 6, 1),
        "total": 3_000_000,
        "paid": 1_000_000,
        "balance": 2_000_000,
        "level": 1,
        "reminder_date": date(2025, 6, 15),
        "due_date": date(2025, 6, 25),
        "ocr": "4246",
    }
    values.update(changes)
    return Reminder(**values)  # type: ignore[arg-type]


def test_a_reminder_says_everything_rule_40_lists() -> None:
    read = check(reminder_pdf(_reminder()))
    assert_archival_a4(read)
    text = flat(read.text)
    assert text.startswith("Män för jämställdhet") and "Påminnelse" in text and "Påminnelse 2" not in text
    for part in (
        "Fakturanummer 2025-0042",  # an imported invoice's number, as it was
        "Fakturadatum 2025-05-02",
        "Ursprunglig förfallodag 2025-06-01",
        "Fakturabelopp 30 000,00 kr",
        "Betalt hittills 10 000,00 kr",
        "Kvar att betala 20 000,00 kr",
        "Ny förfallodag 2025-06-25",
        "OCR-nummer 4246",
        "Bankgiro 5050-1055",
        "Gävle kommun Fakturaservice Box 1 801 84 Gävle",
        "Er referens BUN-17",
        "Har ni redan betalat kan ni bortse från denna påminnelse.",
        "Org.nr 802000-1239",
    ):
        assert part in text, part
    assert "påminnelseavgift" not in text.lower()


def test_a_second_reminder_says_so_and_a_fee_is_billed_on_the_next_invoice() -> None:
    text = flat(check(reminder_pdf(_reminder(level=2, fee=6000, invoice_number=42))).text)
    assert "Påminnelse 2" in text and "andra påminnelse" in text and "Fakturanummer 42" in text
    assert "påminnelseavgift på 60,00 kr" in text and "nästa faktura" in text
    with pytest.raises(DocumentError, match="giro"):
        reminder_pdf(_reminder(seller=Seller("MÄN", "8020001239", ("Box 1", "118 20 Stockholm"))))


def test_an_imported_invoice_with_a_string_number_prints_too() -> None:
    document = Invoice(
        "invoice",
        "2025-0042",
        date(2025, 5, 2),
        date(2025, 6, 1),
        SELLER,
        PAYER,
        (
            InvoiceLine(
                "annual-fee", "Årsavgift Steg 2-utbildare, år 1", "Åsa Öberg", "2025-01-01 – 2025-12-31", 1_000_000, 0
            ),
        ),
        ocr="4246",
        vat_note=EXEMPT_NOTE,
    )
    text = flat(check(invoice_pdf(document)).text)
    assert "Fakturanummer 2025-0042" in text and "Utbildare: Åsa Öberg" in text
    with pytest.raises(DocumentError, match="seller.vat-number"):
        invoice_pdf(
            Invoice(
                "invoice",
                1,
                date(2025, 5, 2),
                date(2025, 6, 1),
                SELLER,
                PAYER,
                (InvoiceLine("purchased-course", "Köpt kurs", "", "2025-05-01", 100, 2500),),
            )
        )


def test_the_same_document_is_the_same_file_whenever_it_is_drawn() -> None:
    assert reminder_pdf(_reminder()) == reminder_pdf(_reminder())


# ---- the agreement -----------------------------------------------------------------------------------


def test_an_agreement_prints_for_signature(tmp_path: Path) -> None:
    seller()
    gavle_ready()
    trainer = register(name="Åsa Öberg", email="asa@example.se", phone="070-123 45 67")
    from tests.conftest import certify

    certify(trainer["id"], date="2024-01-20")
    agreement = ok("sign-agreement", str(trainer["id"]), "--start", "2024-02-29", "--json")
    target = tmp_path / "overenskommelse.pdf"
    result = ok("agreement", "pdf", str(agreement["id"]), "-o", str(target), "--json")
    assert result == {"file": str(target), "agreement": agreement["id"]}
    read = check(target)
    assert_archival_a4(read)
    text = flat(read.text)
    for part in (
        "Överenskommelse",
        f"Överenskommelse nr {agreement['id']}",
        "Män för jämställdhet",
        "Åsa Öberg",
        "asa@example.se",
        "telefon 070-123 45 67",  # docs/documents.md: name, e-mail, phone
        "Gävle kommun",  # the scope, and the party paying the fee
        "Betalande part",
        "Utsedd av Karin Ek, rektor".lower().replace("utsedd av", "utsedd av"),
        "2024-02-29 – 2025-02-27",  # rule 6: a start on 29 February renews on 28 February
        "2025-02-28 – 2026-02-27",
        "förnyas automatiskt",
        "10 000,00 kr",
        "nätverksträffar",
        "En vecka fri från våld",
        "en kontaktperson hos MÄN",
        "Underskrift",
        "Namnförtydligande",
    ):
        assert part.lower() in text.lower(), part
    # Seed 000's obligations are written in our own words, not copied.
    seed = "Sätta dig in i och följa stöd- och implementeringsmanualer"
    assert seed.lower() not in text.lower()
    refused("agreement", "pdf", "99", "-o", str(tmp_path / "x.pdf"), contains="unknown agreement")
    refused("agreement", "pdf", str(agreement["id"]), "-o", str(tmp_path / "x.docx"), contains=".pdf")


# ---- the year report ----------------------------------------------------------------------------------


def test_the_year_report_pdf_keeps_each_table_with_its_chart(tmp_path: Path) -> None:
    from tests.test_report import _year

    _year(tmp_path)
    target = tmp_path / "rapport.pdf"
    assert "Wrote the report for 2025" in ok("report", "--year", "2025", "-o", str(target)).stdout
    read = check(target)
    assert_archival_a4(read)
    report = ok("report", "--year", "2025", "--json")
    sections = {
        "Nyckeltal 2025 och 2024": "Utbildare med överenskommelse",
        "Utbildare med överenskommelse, per län": "Gävleborgs län",
        "Program som startade och avslutades": "MVP mellanstadiet",
        "Utbildade MVP/AT-ledare, per månad": "jan",
        "Fakturering": "Fakturerat",
    }
    for heading, first_row in sections.items():
        [page] = [p for p in read.pages if heading in p]
        assert first_row in page, heading  # the table stands on its chart's page
    text = flat(read.text)
    assert f"Fakturerat {rules.format_kr(report['invoicing']['billed'])}" in text
    assert "Året i siffror 2025" in text
    # Every chart is a picture in the page, not a separate file; the charts' count axes are whole numbers.
    assert not re.search(r"\b\d+\.5\b", text)


# ---- what loads what ----------------------------------------------------------------------------------

LOADED = (
    "import sys\n"
    "from steg2cli.cli import app\n"
    "try:\n    app({args!r}, prog_name='steg2')\nexcept SystemExit:\n    pass\n"
    "print(sorted(m for m in ('typst', 'matplotlib') if m in sys.modules))\n"
)


def _loaded(*args: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", LOADED.format(args=list(args))], capture_output=True, text=True, check=True
    )
    return eval(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_only_the_commands_that_draw_load_the_pdf_and_chart_libraries(tmp_path: Path) -> None:
    from tests.test_report import _year

    _year(tmp_path)
    seller()
    for args in (
        ["--help"],
        ["invoice", "--help"],
        ["invoice", "list", "--json"],
        ["invoice", "show", "1"],
        ["report", "--year", "2025"],
        ["report", "--year", "2025", "-o", str(tmp_path / "r.xlsx")],
        ["invoice", "export", "-o", str(tmp_path / "u.xlsx")],
        ["export", "trainees", "-o", str(tmp_path / "t.xlsx")],
        ["status"],
    ):
        assert _loaded(*args) == [], args
    assert _loaded("invoice", "pdf", "-o", str(tmp_path / "pdf")) == ["typst"]
    assert _loaded("report", "--year", "2025", "-o", str(tmp_path / "r.pdf")) == ["matplotlib", "typst"]


def test_nothing_is_written_to_the_register_by_a_document(tmp_path: Path, fresh_db: object) -> None:
    _mixed_rates_register()
    with nothing_written(fresh_db):
        _pdfs(tmp_path / "f")
        ok("agreement", "pdf", "1", "-o", str(tmp_path / "a.pdf"))
        ok("report", "--year", "2024", "-o", str(tmp_path / "r.pdf"))
