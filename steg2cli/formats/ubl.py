"""Peppol BIS Billing 3.0 invoices and credit notes in UBL 2.1 (rules 29-31).

Plain frozen dataclasses in, UTF-8 bytes out; no database, no clock. The element order is UBL's (its XML
Schema enforces it); every total is derived from rounded parts as EN 16931 demands (BR-CO-10…16); VAT is
computed once per rate on that rate's sum (rule 16), so BR-CO-17 holds exactly. What the rules demand of a
Swedish e-invoice is summarised in ../shared/peppol/README.md; the official rules check every file the
tests write.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from steg2cli.rules import PostalAddress, invoice_totals

CUSTOMIZATION = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
NS = {
    "Invoice": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "CreditNote": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
ET.register_namespace("cac", NS["cac"])
ET.register_namespace("cbc", NS["cbc"])
F_SKATT = "Godkänd för F-skatt"
CURRENCY = "SEK"


@dataclass(frozen=True)
class Party:
    """A seller or buyer: name, organisation number (10 digits), Peppol address `SCHEME:ID`, postal
    address; the seller also its VAT number and F-skatt."""

    name: str
    org_number: str
    endpoint: str
    address: PostalAddress
    email: str = ""
    vat_number: str = ""
    f_skatt: bool = False


@dataclass(frozen=True)
class Line:
    """One charge: what (item name), a description, the amount in öre before VAT (positive), the VAT
    rate in basis points."""

    name: str
    description: str
    amount: int
    vat_rate: int


@dataclass(frozen=True)
class Document:
    """An invoice (type 380) or a credit note (type 381) as the e-invoice carries it."""

    kind: str  # "invoice" or "credit"
    number: int
    issue_date: date
    buyer_reference: str
    seller: Party
    buyer: Party
    lines: Sequence[Line]
    due_date: date | None = None
    exemption_reason: str = ""
    ocr: str = ""
    bankgiro: str = ""
    plusgiro: str = ""
    payment_terms: str = ""
    note: str = ""
    credits: tuple[int, date] | None = None  # the invoice a credit note cancels: number, date
    #: Reminder fees and late-payment interest (rules 40-41): compensation, not a sale, so outside the scope
    #: of VAT (category O); such an invoice carries nothing else and no VAT number (BR-O-02, BR-O-11).
    outside_vat: bool = False


def file_name(document: Document) -> str:
    """`faktura-42.xml` or `kreditnota-43.xml`."""
    return f"{'faktura' if document.kind == 'invoice' else 'kreditnota'}-{document.number}.xml"


def money(ore: int) -> str:
    """Öre as UBL writes an amount: 1234567 → `12345.67`."""
    sign = "-" if ore < 0 else ""
    kronor, rest = divmod(abs(ore), 100)
    return f"{sign}{kronor}.{rest:02d}"


def percent(rate_bp: int) -> str:
    """Basis points as a percentage: 2500 → `25`, 1250 → `12.5`."""
    whole, rest = divmod(rate_bp, 100)
    return str(whole) if rest == 0 else f"{whole}.{rest:02d}".rstrip("0")


def category(rate_bp: int, outside_vat: bool = False) -> str:
    """Rule 29: a 0 % line is VAT-exempt (E); any other rate is standard-rated (S); compensation for late
    payment is outside the scope of VAT (O, rules 40-41)."""
    if outside_vat:
        return "O"
    return "E" if rate_bp == 0 else "S"


class _Builder:
    def __init__(self, root: ET.Element) -> None:
        self.root = root

    @staticmethod
    def cbc(parent: ET.Element, tag: str, text: str, **attributes: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{NS['cbc']}}}{tag}", attributes)
        element.text = text
        return element

    @staticmethod
    def cac(parent: ET.Element, tag: str) -> ET.Element:
        return ET.SubElement(parent, f"{{{NS['cac']}}}{tag}")

    def amount(self, parent: ET.Element, name: str, ore: int) -> None:
        self.cbc(parent, name, money(ore), currencyID=CURRENCY)


def _address(b: _Builder, parent: ET.Element, address: PostalAddress) -> None:
    node = b.cac(parent, "PostalAddress")
    if address.street:
        b.cbc(node, "StreetName", address.street)
    if address.additional:
        b.cbc(node, "AdditionalStreetName", address.additional)
    b.cbc(node, "CityName", address.city)
    b.cbc(node, "PostalZone", address.postal_zone)
    if address.more:
        b.cbc(b.cac(node, "AddressLine"), "Line", address.more)
    b.cbc(b.cac(node, "Country"), "IdentificationCode", "SE")


def _party(b: _Builder, parent: ET.Element, role: str, party: Party, seller: bool, vat: bool = True) -> None:
    node = b.cac(b.cac(parent, role), "Party")
    scheme, _, endpoint = party.endpoint.partition(":")
    b.cbc(node, "EndpointID", endpoint, schemeID=scheme)
    if not seller:
        b.cbc(b.cac(node, "PartyIdentification"), "ID", party.org_number, schemeID="0007")
    b.cbc(b.cac(node, "PartyName"), "Name", party.name)
    _address(b, node, party.address)
    if seller and party.vat_number and vat:
        scheme_node = b.cac(node, "PartyTaxScheme")
        b.cbc(scheme_node, "CompanyID", party.vat_number)
        b.cbc(b.cac(scheme_node, "TaxScheme"), "ID", "VAT")
    if seller and party.f_skatt:
        scheme_node = b.cac(node, "PartyTaxScheme")
        b.cbc(scheme_node, "CompanyID", F_SKATT)
        b.cbc(b.cac(scheme_node, "TaxScheme"), "ID", "TAX")
    legal = b.cac(node, "PartyLegalEntity")
    b.cbc(legal, "RegistrationName", party.name)
    b.cbc(legal, "CompanyID", party.org_number, schemeID="0007")
    if party.email:
        b.cbc(b.cac(node, "Contact"), "ElectronicMail", party.email)


def _tax_category(
    b: _Builder, parent: ET.Element, name: str, rate_bp: int, reason: str, outside_vat: bool = False
) -> None:
    node = b.cac(parent, name)
    b.cbc(node, "ID", category(rate_bp, outside_vat))
    if not outside_vat:  # BR-O-05, BR-O-06: no rate outside the scope of VAT
        b.cbc(node, "Percent", percent(rate_bp))
    if rate_bp == 0 and reason:
        b.cbc(node, "TaxExemptionReason", reason)
    b.cbc(b.cac(node, "TaxScheme"), "ID", "VAT")


def write(document: Document) -> bytes:
    """The document as a UBL 2.1 Invoice or CreditNote, UTF-8 with an XML declaration."""
    invoice = document.kind == "invoice"
    root_name = "Invoice" if invoice else "CreditNote"
    root = ET.Element(f"{{{NS[root_name]}}}{root_name}")
    b = _Builder(root)
    b.cbc(root, "CustomizationID", CUSTOMIZATION)
    b.cbc(root, "ProfileID", PROFILE)
    b.cbc(root, "ID", str(document.number))
    b.cbc(root, "IssueDate", document.issue_date.isoformat())
    if invoice and document.due_date is not None:
        b.cbc(root, "DueDate", document.due_date.isoformat())
    b.cbc(root, "InvoiceTypeCode" if invoice else "CreditNoteTypeCode", "380" if invoice else "381")
    if document.note.strip():
        b.cbc(root, "Note", document.note.strip())
    b.cbc(root, "DocumentCurrencyCode", CURRENCY)
    b.cbc(root, "BuyerReference", document.buyer_reference)
    if document.credits is not None:
        reference = b.cac(b.cac(root, "BillingReference"), "InvoiceDocumentReference")
        b.cbc(reference, "ID", str(document.credits[0]))
        b.cbc(reference, "IssueDate", document.credits[1].isoformat())
    _party(b, root, "AccountingSupplierParty", document.seller, seller=True, vat=not document.outside_vat)
    _party(b, root, "AccountingCustomerParty", document.buyer, seller=False)
    if invoice:
        for account, branch in ((document.bankgiro, "SE:BANKGIRO"), (document.plusgiro, "SE:PLUSGIRO")):
            if account:
                means = b.cac(root, "PaymentMeans")
                b.cbc(means, "PaymentMeansCode", "30", name="Credit transfer")
                if document.ocr:
                    b.cbc(means, "PaymentID", document.ocr)
                financial = b.cac(means, "PayeeFinancialAccount")
                b.cbc(financial, "ID", account)
                b.cbc(b.cac(financial, "FinancialInstitutionBranch"), "ID", branch)
        if document.payment_terms:
            b.cbc(b.cac(root, "PaymentTerms"), "Note", document.payment_terms)
    totals = invoice_totals((line.amount, line.vat_rate) for line in document.lines)
    tax_total = b.cac(root, "TaxTotal")
    b.amount(tax_total, "TaxAmount", totals.vat)
    for rate, net, vat in totals.vat_by_rate:
        subtotal = b.cac(tax_total, "TaxSubtotal")
        b.amount(subtotal, "TaxableAmount", net)
        b.amount(subtotal, "TaxAmount", vat)
        _tax_category(b, subtotal, "TaxCategory", rate, document.exemption_reason, document.outside_vat)
    monetary = b.cac(root, "LegalMonetaryTotal")
    b.amount(monetary, "LineExtensionAmount", totals.net)
    b.amount(monetary, "TaxExclusiveAmount", totals.net)
    b.amount(monetary, "TaxInclusiveAmount", totals.total)
    b.amount(monetary, "PayableAmount", totals.total)
    for index, line in enumerate(document.lines, start=1):
        node = b.cac(root, "InvoiceLine" if invoice else "CreditNoteLine")
        b.cbc(node, "ID", str(index))
        b.cbc(node, "InvoicedQuantity" if invoice else "CreditedQuantity", "1", unitCode="EA")
        b.amount(node, "LineExtensionAmount", line.amount)
        item = b.cac(node, "Item")
        if line.description.strip():
            b.cbc(item, "Description", line.description.strip())
        b.cbc(item, "Name", line.name)
        _tax_category(b, item, "ClassifiedTaxCategory", line.vat_rate, "", document.outside_vat)
        b.amount(b.cac(node, "Price"), "PriceAmount", line.amount)
    ET.indent(root, space="  ")
    # The document's own namespace is the default one, as in every Peppol example (ElementTree keeps the
    # prefix table globally, and `default_namespace=` refuses unqualified attributes such as currencyID).
    ET.register_namespace("", NS[root_name])
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode").encode() + b"\n"
