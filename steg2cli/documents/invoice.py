"""The invoice and the credit note as a PDF a person can hold (rules 20, 28, 30, 31, 39).

Everything mervärdesskattelagen (17 kap. 24 §) asks of an invoice is on it: the date and a unique number,
the seller's VAT number (when VAT is charged) and organisation number with F-skatt, both parties' names
and addresses, what was sold and when (one line per charge, with its period or course date), the amount
before VAT per rate, the VAT rate and amount per rate, and why a line carries no VAT. Then what to pay,
by when, to which giro and with which OCR reference. A credit note is headed "Kreditfaktura" and names
the invoice it cancels.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from steg2cli.documents.common import (
    Attachment,
    DocumentError,
    Payer,
    Seller,
    day,
    kr,
    payer_data,
    payment_data,
    percent,
    render,
    seller_data,
    seller_missing,
)
from steg2cli.rules import invoice_totals

#: What the name on a line is, by charge: the trainer a fee is for, the participant in a course seat.
WHO_LABEL = {"annual-fee": "Utbildare", "open-course-seat": "Deltagare"}


@dataclass(frozen=True)
class InvoiceLine:
    """One charge: its kind (`annual-fee`, …), what it is, who it concerns, its period or date, the amount
    in öre before VAT (negative on a credit note) and the VAT rate in basis points (2500 = 25 %)."""

    kind: str
    description: str
    who: str
    period: str
    amount: int
    vat_rate: int


@dataclass(frozen=True)
class Invoice:
    """An invoice (`kind` "invoice") or a credit note ("credit") as issued.

    `number` is the invoice number as printed (an imported invoice keeps its old number, "2025-0042").
    A credit note names the invoice it cancels (`credits`, `credits_date`) and why (`reason`).
    `einvoice` is the same invoice as a Peppol BIS Billing 3.0 file, carried inside the PDF when given.
    """

    kind: str
    number: str | int
    date: dt.date
    due_date: dt.date
    seller: Seller
    payer: Payer
    lines: tuple[InvoiceLine, ...]
    ocr: str = ""
    vat_note: str = ""
    payment_days: int = 30
    credits: str | int | None = None
    credits_date: dt.date | None = None
    reason: str = ""
    einvoice: bytes | None = None
    einvoice_name: str = ""


def file_name(invoice: Invoice) -> str:
    """`faktura-42.pdf`, or `kreditfaktura-43.pdf` for a credit note."""
    return f"{'kreditfaktura' if invoice.kind == 'credit' else 'faktura'}-{invoice.number}.pdf"


def missing(invoice: Invoice) -> list[str]:
    """What the seller's details lack for this invoice (an empty list when it can be drawn)."""
    charges_vat = any(line.vat_rate for line in invoice.lines)
    return seller_missing(invoice.seller, charges_vat) if invoice.kind == "invoice" else []


def invoice_pdf(invoice: Invoice) -> bytes:
    """The invoice or credit note as a PDF/A-3b file (A4, Swedish, fonts embedded), carrying its e-invoice
    when one is given. Raises DocumentError when the seller's details lack what an invoice must carry."""
    lacking = missing(invoice)
    if lacking:
        raise DocumentError("the seller lacks " + ", ".join(lacking))
    attachments = (
        [Attachment(invoice.einvoice_name, invoice.einvoice, "application/xml", "Peppol BIS Billing 3.0 (UBL 2.1)")]
        if invoice.einvoice
        else []
    )
    return render("invoice.typ", invoice_data(invoice), invoice.date, attachments)


def invoice_data(invoice: Invoice) -> dict[str, object]:
    """What the template prints, every figure already formatted."""
    credit = invoice.kind == "credit"
    totals = invoice_totals((line.amount, line.vat_rate) for line in invoice.lines)
    exempt = any(rate == 0 for rate, _net, _vat in totals.vat_by_rate)
    payer = invoice.payer
    facts: list[tuple[str, str]] = [
        ("Kreditfakturanummer" if credit else "Fakturanummer", str(invoice.number)),
        ("Datum" if credit else "Fakturadatum", day(invoice.date)),
    ]
    if credit:
        facts.append(("Krediterar faktura", _credited(invoice)))
    else:
        facts += [
            ("Förfallodatum", day(invoice.due_date)),
            ("OCR-nummer", invoice.ocr),
            ("Betalningsvillkor", f"{invoice.payment_days} dagar netto"),
        ]
    if payer.reference:
        facts.append(("Er referens", payer.reference))
    if payer.org_number:
        facts.append(("Ert org.nr", payer_data(payer)["org_number"]))
    if invoice.seller.email:
        facts.append(("Frågor om fakturan", invoice.seller.email))
    intro = []
    if credit:
        intro.append(
            f"Denna kreditfaktura makulerar faktura {_credited(invoice)} i sin helhet."
            + (f" Orsak: {_sentence(invoice.reason)}" if invoice.reason else "")
        )
    rows = [
        {
            "rate": percent(rate),
            "base": kr(net),
            "vat": kr(vat),
            "exempt": rate == 0 and bool(invoice.vat_note),
        }
        for rate, net, vat in totals.vat_by_rate
    ]
    notes = []
    if credit:
        notes.append(
            f"Kreditfakturan minskar det ni ska betala för faktura {invoice.credits} med {kr(-totals.total)}. "
            "Har fakturan redan betalats betalar vi tillbaka beloppet."
        )
    payment = None if credit else payment_data(invoice.seller, totals.total, invoice.due_date, invoice.ocr)
    return {
        "title": "Kreditfaktura" if credit else "Faktura",
        "subtitle": f"Krediterar faktura {_credited(invoice)}" if credit else None,
        "number": str(invoice.number),
        "seller": seller_data(invoice.seller),
        "payer": payer_data(payer),
        "facts": facts,
        "intro": intro,
        "lines": [
            {
                "name": line.description,
                "details": [f"{WHO_LABEL.get(line.kind, 'Avser')}: {line.who}"] if line.who else [],
                "period": line.period,
                "vat": percent(line.vat_rate),
                "exempt": line.vat_rate == 0 and bool(invoice.vat_note),
                "amount": kr(line.amount),
            }
            for line in invoice.lines
        ],
        "vat_rows": rows,
        "totals": [
            ("Summa exkl. moms", kr(totals.net)),
            ("Moms", kr(totals.vat)),
            ("Att kreditera" if credit else "Att betala", kr(totals.total)),
        ],
        "exempt_note": f"Momsfritt (0 %): {invoice.vat_note}" if exempt and invoice.vat_note else "",
        "notes": notes,
        "payment": payment,
    }


def _credited(invoice: Invoice) -> str:
    if invoice.credits is None:
        raise DocumentError("a credit note names the invoice it cancels")
    return f"{invoice.credits}" + (f" av {day(invoice.credits_date)}" if invoice.credits_date else "")


def _sentence(text: str) -> str:
    """Text ending as a sentence does."""
    text = text.strip()
    return text if text[-1:] in ".!?" else text + "."
