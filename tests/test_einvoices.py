"""Payers, seller details and e-invoices (rules 27-31), every file checked by the official Peppol rules."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from steg2cli import rules
from tests.conftest import SERVER, certify, nothing_written, ok, refused, register, trainer_under_agreement
from tests.peppol_rules import HERE as KIT
from tests.peppol_rules import PeppolRules

CBC = "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}"
CAC = "{urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2}"


@pytest.fixture(scope="session")
def peppol() -> Iterator[PeppolRules]:
    """The official rules, compiled once per test run (about a second)."""
    yield PeppolRules()


def _expected() -> list[tuple[str, set[str], set[str]]]:
    rows = []
    for line in (KIT / "examples" / "EXPECTED.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, fatal, warning = (line.split("\t") + ["", ""])[:3]
            rows.append((name, set(fatal.split()) - {"-"}, set(warning.split()) - {"-"}))
    return rows


# ---- the harness itself ------------------------------------------------------------------------------


def test_the_harness_fires_exactly_the_rules_the_kit_expects(peppol: PeppolRules) -> None:
    rows = _expected()
    assert len(rows) == 30
    for name, fatal, warning in rows:
        found = peppol.check(KIT / "examples" / name)
        assert ({f.rule for f in found if f.fatal}, {f.rule for f in found if not f.fatal}) == (fatal, warning), name


def test_the_harness_agrees_with_the_kits_own_validator(peppol: PeppolRules) -> None:
    """The kit's own `validate` script (vendored in tests/peppol, run with this Python, which has its pins)."""
    files = sorted((KIT / "examples").glob("*/*.xml"))
    result = subprocess.run(
        [sys.executable, str(KIT / "validate"), "--json", *map(str, files)], capture_output=True, text=True, timeout=600
    )
    assert result.returncode in (0, 1), result.stderr
    theirs = {
        Path(r["file"]).name: sorted((f["rule"], f["flag"]) for f in r["findings"]) for r in json.loads(result.stdout)
    }
    ours = {path.name: sorted((f.rule, f.flag) for f in peppol.check(path)) for path in files}
    assert ours == theirs


# ---- writing e-invoices ----------------------------------------------------------------------------


def seller(vat: bool = False) -> None:
    for key, value in [
        ("seller.org-number", "802000-1239"),
        ("seller.address", r"Box 1234\n118 20 Stockholm"),
        ("seller.email", "faktura@man.example"),
        ("seller.bankgiro", "5050-1055"),
        ("seller.f-skatt", "ja"),
    ]:
        ok("config", "set", key, value)
    if vat:
        ok("config", "set", "seller.vat-number", "SE802000123901")


def gavle_ready() -> None:
    ok(
        "payer",
        "set",
        "Gävle",
        "--org-number",
        "212000-2528",
        "--address",
        r"Fakturaservice\nBox 1\n801 84 Gävle",
        "--reference",
        "BUN-17",
        "--email",
        "faktura@gavle.example",
    )


def write_einvoices(folder: Path, *extra: str) -> list[Path]:
    result = ok("invoice", "einvoice", "-o", str(folder), *extra, "--json")
    return [Path(p) for p in result["files"]]


def passes(peppol: PeppolRules, path: Path) -> None:
    findings = peppol.check(path)
    assert findings == [], [f"{f.flag} {f.rule}: {f.text}" for f in findings]


def totals_match(path: Path) -> ET.Element:
    """The file's totals equal `invoice show --json` (öre there, kronor with two decimals here)."""
    root = ET.parse(path).getroot()
    number = int(root.findtext(f"{CBC}ID") or "0")
    shown = ok("invoice", "show", str(number), "--json")
    money = root.find(f"{CAC}LegalMonetaryTotal")
    assert money is not None

    def ore(tag: str, node: ET.Element = money) -> int:
        return int(Decimal(node.findtext(f"{CBC}{tag}") or "x") * 100)

    assert ore("TaxExclusiveAmount") == abs(shown["net"])
    assert ore("PayableAmount") == ore("TaxInclusiveAmount") == abs(shown["total"])
    tax = root.find(f"{CAC}TaxTotal")
    assert tax is not None and ore("TaxAmount", tax) == abs(shown["vat"])
    assert root.findtext(f"{CAC}PaymentMeans/{CBC}PaymentID") == (shown["ocr"] if shown["kind"] == "invoice" else None)
    return root


def test_a_vat_exempt_invoice_and_its_credit_note_pass_the_official_rules(peppol: PeppolRules, tmp_path: Path) -> None:
    seller()
    gavle_ready()
    trainer_under_agreement(start="2024-04-01")
    ok("invoice", "run", "--date", "2024-04-01")
    ok("invoice", "credit", "1", "--reason", "fel period", "--date", "2024-04-02")
    files = write_einvoices(tmp_path / "ut")
    assert [p.name for p in files] == ["faktura-1.xml", "kreditnota-2.xml"]
    for path in files:
        passes(peppol, path)
        totals_match(path)
    invoice = ET.parse(files[0]).getroot()
    assert invoice.findtext(f"{CBC}InvoiceTypeCode") == "380"
    assert invoice.findtext(f"{CAC}TaxTotal/{CAC}TaxSubtotal/{CAC}TaxCategory/{CBC}ID") == "E"
    assert invoice.findtext(f"{CAC}TaxTotal/{CAC}TaxSubtotal/{CAC}TaxCategory/{CBC}TaxExemptionReason")
    assert invoice.findtext(f"{CAC}AccountingCustomerParty/{CAC}Party/{CBC}EndpointID") == "2120002528"
    assert invoice.findtext(f"{CBC}BuyerReference") == "BUN-17"
    credit = ET.parse(files[1]).getroot()
    assert credit.findtext(f"{CBC}CreditNoteTypeCode") == "381"
    assert credit.findtext(f"{CAC}BillingReference/{CAC}InvoiceDocumentReference/{CBC}ID") == "1"
    assert credit.findtext(f"{CAC}BillingReference/{CAC}InvoiceDocumentReference/{CBC}IssueDate") == "2024-04-01"


def test_invoices_at_25_percent_and_mixed_rates_pass_and_carry_the_vat_number(
    peppol: PeppolRules, tmp_path: Path
) -> None:
    seller(vat=True)
    gavle_ready()
    ok("price", "set", "annual-fee", "10 000", "--from", "2000-01-01", "--vat", "25", "--replace")
    ok("price", "set", "open-course-seat", "20 000", "--from", "2000-01-01", "--vat", "25", "--replace")
    trainer_under_agreement(start="2024-04-01")
    [only_vat] = ok("invoice", "run", "--date", "2024-04-01", "--json")["invoices"]
    assert only_vat["total"] == 3_750_000 and only_vat["vat_note"] == ""
    ok("course", "add", "--kind", "purchased", "--date", "2024-05-01", "--municipality", "Gävle")  # 0 %, exempt
    ok("price", "set", "annual-fee", "12 345,67", "--from", "2025-01-01", "--vat", "25")
    [mixed] = ok("invoice", "run", "--date", "2025-04-01", "--json")["invoices"]
    assert sorted(r["rate"] for r in mixed["vat_by_rate"]) == [0, 25]
    files = write_einvoices(tmp_path)
    for path in files:
        passes(peppol, path)
        totals_match(path)
    root = ET.parse(files[1]).getroot()
    categories = sorted(c.findtext(f"{CBC}ID") or "" for c in root.iter(f"{CAC}TaxCategory"))
    assert categories == ["E", "S"]
    assert root.findtext(f"{CAC}AccountingSupplierParty/{CAC}Party/{CAC}PartyTaxScheme/{CBC}CompanyID") == (
        "SE802000123901"
    )
    assert "VAT 25 %" in ok("invoice", "show", "1").stdout
    assert "VAT exemption" not in ok("invoice", "show", "1").stdout  # rule 30: the note only for 0 % amounts
    assert "VAT exemption" in ok("invoice", "show", "2").stdout


def test_a_schools_own_payer_gets_the_invoice_of_its_school_agreement(peppol: PeppolRules, tmp_path: Path) -> None:
    seller()
    payer = ok(
        "payer",
        "add",
        "Friskolan Norr AB",
        "--org-number",
        "556000-0167",
        "--municipality",
        "Gävle",
        "--address",
        r"Storgatan 1\n802 22 Gävle",
        "--reference",
        "Rektor Ek",
        "--json",
    )
    assert payer["peppol_id"] == "0007:5560000167" and payer["code"] is None and payer["einvoice_ready"]
    anna = register()
    certify(anna["id"], date="2023-03-01")
    ok("school", "add", "Friskolan Norr", "--municipality", "Gävle")
    school = ok("school", "payer", "Friskolan Norr", str(payer["id"]), "--json")
    assert school["payer"] == {"id": payer["id"], "code": None, "name": "Friskolan Norr AB"}
    ok("sign-agreement", "1", "--start", "2024-01-01", "--school", "Friskolan Norr")
    [invoice] = [
        i for i in ok("invoice", "run", "--date", "2024-01-01", "--json")["invoices"] if i["payer"]["id"] == payer["id"]
    ]
    assert invoice["payer"]["org_number"] == "5560000167"
    assert "Friskolan Norr" in invoice["lines"][0]["description"]  # the line names the school
    [path] = write_einvoices(tmp_path, "--number", str(invoice["number"]))
    passes(peppol, path)
    assert ET.parse(path).getroot().findtext(f"{CAC}AccountingCustomerParty/{CAC}Party/{CAC}PartyName/{CBC}Name") == (
        "Friskolan Norr AB"
    )


def test_an_issued_invoice_keeps_the_payer_address_it_was_issued_with(peppol: PeppolRules, tmp_path: Path) -> None:
    seller()
    gavle_ready()
    trainer_under_agreement(start="2024-04-01")
    ok("invoice", "run", "--date", "2024-04-01")
    ok("payer", "set", "2180", "--address", r"Nytt fakturacenter\nBox 99\n801 99 Gävle", "--reference", "NY-1")
    ok("invoice", "run", "--date", "2025-04-01")
    first, second = write_einvoices(tmp_path)
    for path in (first, second):
        passes(peppol, path)
    street = f"{CAC}AccountingCustomerParty/{CAC}Party/{CAC}PostalAddress/{CBC}StreetName"
    assert ET.parse(first).getroot().findtext(street) == "Fakturaservice"
    assert ET.parse(second).getroot().findtext(street) == "Nytt fakturacenter"
    assert ok("invoice", "show", "1", "--json")["payer"]["reference"] == "BUN-17"
    assert ok("invoice", "show", "2", "--json")["payer"]["reference"] == "NY-1"


def test_a_broken_document_is_caught(peppol: PeppolRules, tmp_path: Path) -> None:
    seller()
    gavle_ready()
    trainer_under_agreement(start="2024-04-01")
    ok("invoice", "run", "--date", "2024-04-01")
    [path] = write_einvoices(tmp_path)
    broken = tmp_path / "broken.xml"
    text = path.read_text(encoding="utf-8")
    assert '<cbc:PayableAmount currencyID="SEK">30000.00<' in text
    broken.write_text(
        text.replace('<cbc:PayableAmount currencyID="SEK">30000.00<', '<cbc:PayableAmount currencyID="SEK">30000.01<'),
        encoding="utf-8",
    )
    assert "BR-CO-16" in {f.rule for f in peppol.check(broken) if f.fatal}
    hyphen = tmp_path / "hyphen.xml"
    hyphen.write_text(path.read_text(encoding="utf-8").replace(">2120002528<", ">212000-2528<"), encoding="utf-8")
    assert "PEPPOL-COMMON-R049" in {f.rule for f in peppol.check(hyphen) if f.fatal}


def test_an_einvoice_is_refused_naming_every_payer_and_what_it_lacks(fresh_db: Any, tmp_path: Path) -> None:
    trainer_under_agreement(start="2024-04-01")
    trainer_under_agreement(email="cia@x.se", municipality="Umeå")
    ok("invoice", "run", "--date", "2024-04-01")
    folder = tmp_path / "ut"
    with nothing_written(fresh_db):
        line = refused("invoice", "einvoice", "-o", str(folder), contains="cannot write e-invoices")
    assert "seller.org-number" in line and "seller.bankgiro or seller.plusgiro" in line
    assert "Gävle kommun) lacks organisation number" in line and "Umeå kommun) lacks organisation number" in line
    assert not folder.exists()
    seller()
    gavle_ready()
    line = refused("invoice", "einvoice", "-o", str(folder), contains="Umeå kommun")
    assert "Gävle" not in line and "seller" not in line
    assert write_einvoices(folder, "--number", "1")[0].name == "faktura-1.xml"
    ok("price", "set", "annual-fee", "100", "--from", "2025-01-01", "--vat", "25")
    ok("config", "set", "seller.vat-number", "SE802000123901")
    ok("invoice", "run", "--date", "2025-04-01")
    ok("config", "set", "seller.vat-number", "")  # taken away after the invoice charging VAT was issued
    refused("invoice", "einvoice", "-o", str(folder), "--number", "3", contains="seller.vat-number")


# ---- payers and seller details ----------------------------------------------------------------------


def test_every_municipality_is_a_payer_with_the_json_fields_of_the_contract() -> None:
    payer = ok("payer", "show", "Gävle", "--json")
    assert {k: payer[k] for k in ("code", "name", "org_number", "peppol_id", "address", "reference", "email")} == {
        "code": "2180",
        "name": "Gävle kommun",
        "org_number": None,
        "peppol_id": None,
        "address": [],
        "reference": "",
        "email": "",
    }
    assert payer["missing"] == [
        "organisation number",
        "postal address (street, then postal code and town)",
        "buyer reference",
    ]
    gavle_ready()
    ready = ok("payer", "show", "2180", "--json")
    assert ready["peppol_id"] == "0007:2120002528" and ready["address"] == ["Fakturaservice", "Box 1", "801 84 Gävle"]
    assert ok("payer", "set", "Gävle", "--peppol-id", "0088:7300010000001", "--json")["peppol_id"] == (
        "0088:7300010000001"
    )
    assert [p["code"] for p in ok("payer", "list", "--json")] == ["2180"]
    assert len(ok("payer", "list", "--all", "--json")) == 290


def test_malformed_payer_details_are_refused_when_entered(fresh_db: Any) -> None:
    ok("payer", "add", "Friskolan AB", "--org-number", "556000-0167")
    with nothing_written(fresh_db):
        refused("payer", "set", "Gävle", "--org-number", "212000-2529", contains="check digit")
        refused("payer", "set", "Gävle", "--org-number", "21200025", contains="10 digits")
        refused("payer", "set", "Gävle", "--peppol-id", "2120002528", contains="SCHEME:ID")
        refused("payer", "set", "Gävle", "--peppol-id", "0007:212000-2529", contains="check digit")
        refused("payer", "set", "Gävle", "--address", "Box 1, Gävle", contains="postal code")
        refused("payer", "set", "Gävle", "--email", "a@", contains="e-mail")
        refused("payer", "set", "Gävle", contains="nothing to change")
        refused("payer", "set", "Gävle", "--org-number", "5560000167", contains="Friskolan AB")
        refused("payer", "add", "Bolaget", "--org-number", "", contains="organisation number")
        refused("payer", "show", "Atlantis", contains="unknown payer")


def test_seller_details_are_checked_when_set(fresh_db: Any) -> None:
    with nothing_written(fresh_db):
        refused("config", "set", "seller.org-number", "802000-1238", contains="check digit")
        refused("config", "set", "seller.vat-number", "SE8020001239", contains="VAT number")
        refused("config", "set", "seller.bankgiro", "5050-1056", contains="check digit")
        refused("config", "set", "seller.plusgiro", "1", contains="2-8 digits")
        refused("config", "set", "seller.f-skatt", "kanske", contains="ja or nej")
        refused("config", "set", "seller.address", "Box 1234 Stockholm", contains="postal code")
    ok("config", "set", "seller.address", r"Box 1234\n118 20 Stockholm")
    settings = {s["key"]: s["value"] for s in ok("config", "show", "--json")}
    assert settings["seller.address"] == "Box 1234\n118 20 Stockholm"
    ok("config", "set", "seller.org-number", "802000-1239")
    refused("config", "set", "seller.vat-number", "SE556000016701", contains="does not hold")
    ok("config", "set", "seller.vat-number", "se 802000123901")
    assert {s["key"]: s["value"] for s in ok("config", "show", "--json")}["seller.vat-number"] == "SE802000123901"


def test_the_ocr_reference_is_on_the_invoice_and_in_the_basis(tmp_path: Path) -> None:
    trainer_under_agreement(start="2024-04-01")
    [invoice] = ok("invoice", "run", "--date", "2024-04-01", "--json")["invoices"]
    assert invoice["ocr"] == "133" and rules.ocr_valid(invoice["ocr"])
    assert "OCR reference" in ok("invoice", "show", "1").stdout


def test_status_warns_about_payers_not_ready_for_an_einvoice() -> None:
    trainer_under_agreement(start="2024-04-01")
    status = ok("status", "--date", "2024-03-20", "--json")
    [payer] = status["payers_not_ready"]
    assert payer["name"] == "Gävle kommun" and "organisation number" in payer["missing"]
    assert "Gävle kommun: missing organisation number" in ok("status", "--date", "2024-03-20").stdout
    gavle_ready()
    assert ok("status", "--date", "2024-03-20", "--json")["payers_not_ready"] == []


# ---- the rules ---------------------------------------------------------------------------------------


def test_rule_27_organisation_numbers_and_peppol_addresses() -> None:
    assert rules.org_number("802000-1239") == rules.org_number(" 8020001239 ") == "8020001239"
    for bad in ("802000-1238", "80200012", "80200012390", "802000-123X", "８０２０００１２３９"):
        with pytest.raises(ValueError):
            rules.org_number(bad)
    assert rules.peppol_id("0007:2120002528") == "0007:2120002528"
    assert rules.peppol_id("0007:212000-2528") == "0007:2120002528"
    assert rules.peppol_id("0088:7300010000001") == "0088:7300010000001"
    for bad in ("2120002528", "07:2120002528", "0007:2120002529", "0088:"):
        with pytest.raises(ValueError):
            rules.peppol_id(bad)


def test_rule_28_vat_numbers_and_giro_numbers() -> None:
    assert rules.vat_number("SE802000123901") == "SE802000123901"
    for bad in ("SE8020001239", "SE802000123902", "DK802000123901", "SE802000123801"):
        with pytest.raises(ValueError):
            rules.vat_number(bad)
    assert rules.giro_number("5050-1055", "bankgiro") == "50501055"
    assert rules.giro_number("471123-0", "plusgiro") == "4711230"
    for bad, kind in (("5050-1056", "bankgiro"), ("123456", "bankgiro"), ("1", "plusgiro"), ("12a4", "plusgiro")):
        with pytest.raises(ValueError):
            rules.giro_number(bad, kind)


def test_rule_29_what_a_payer_and_the_seller_lack() -> None:
    assert rules.payer_missing("2120002528", ["Box 1", "801 84 Gävle"], "REF", "Gävle kommun") == []
    assert rules.payer_missing(None, ["Gävle kommun", "Box 1"], " ", "Gävle kommun") == [
        "organisation number",
        "postal address (street, then postal code and town)",
        "buyer reference",
    ]
    complete = {
        "name": "MÄN",
        "org-number": "8020001239",
        "address": "Box 1\n118 20 Stockholm",
        "bankgiro": "50501055",
        "f-skatt": "ja",
    }
    assert rules.seller_missing(complete, [0]) == []
    assert rules.seller_missing(complete, [2500]) == ["seller.vat-number (the invoice charges VAT)"]
    assert rules.seller_missing({**complete, "f-skatt": "nej"}, [0]) == [
        "seller.f-skatt or seller.vat-number (a VAT-exempt line needs one)"
    ]
    assert rules.seller_missing({**complete, "bankgiro": ""}, [0]) == ["seller.bankgiro or seller.plusgiro"]


def test_rule_29_a_postal_address_ends_with_postal_code_and_town() -> None:
    address = rules.postal_address(
        ["Gävle kommun", "Fakturaservice", "Box 1", "Plan 2", "80184 Gävle"], "gävle  kommun"
    )
    assert address == rules.PostalAddress("Fakturaservice", "Box 1", "Plan 2", "80184", "Gävle")
    with pytest.raises(ValueError):
        rules.postal_address(["Box 1", "Gävle"])
    assert rules.address_lines(r"Box 1\n 801 84  Gävle" + "\n\n") == ["Box 1", "801 84 Gävle"]


def test_rule_29_vat_rates_are_exempt_or_swedish_standard_rates() -> None:
    assert rules.price_setting("annual-fee", 100, 2500) == []
    assert rules.price_setting("annual-fee", 100, 600) == []
    assert "VAT rate" in rules.price_setting("annual-fee", 100, 2000)[0]


def test_rule_31_the_ocr_reference_has_a_length_digit_and_a_luhn_check_digit() -> None:
    # Worked by hand: 42 → length 4 → "424", Luhn over 424: 4×2=8, 2, 4×2=8 → 18 → check digit 2.
    assert rules.ocr_reference(42) == "4242"
    # Bankgirot's "check digit and length" sample file and its summary in ../shared/payments/README.md:
    assert rules.ocr_reference(6559) == "655969" and rules.ocr_reference(1001) == "100164"
    # 123456 → length 8 → "1234568"; from the right 8×2=16→7, 6, 5×2=10→1, 4, 3×2=6, 2, 1×2=2 → 28 → 2.
    assert rules.ocr_reference(123456) == "12345682"
    assert all(rules.ocr_valid(rules.ocr_reference(n)) for n in (1, 9, 10, 99, 12345, 10**9))
    assert not rules.ocr_valid("4243") and not rules.ocr_valid("4252") and not rules.ocr_valid("42a2")


def test_e_invoice_totals_are_derived_from_rounded_parts() -> None:
    from steg2cli.formats import ubl

    assert ubl.money(1_234_567) == "12345.67" and ubl.money(5) == "0.05" and ubl.money(-250) == "-2.50"
    assert ubl.percent(2500) == "25" and ubl.percent(1250) == "12.5" and ubl.percent(0) == "0"
    assert (ubl.category(0), ubl.category(600)) == ("E", "S")


@pytest.mark.skipif(SERVER is not None, reason="one database is enough for the demo")
def test_the_demo_data_is_complete_enough_for_einvoices(peppol: PeppolRules, tmp_path: Path) -> None:
    ok("demo")
    for path in write_einvoices(tmp_path):
        passes(peppol, path)
        totals_match(path)
