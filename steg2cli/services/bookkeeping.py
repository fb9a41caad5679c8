"""The books (rule 34): one balanced SIE verification per invoice, credit note and payment in a period.

Invoice: debit receivables with the total, credit revenue per VAT rate (VAT-free and VAT-liable sales to
their own accounts) and output VAT per rate. A credit note: the same with the signs turned. A payment:
debit the bank account, credit receivables (also a payment not yet matched to an invoice: the money came
from a customer). The accounts are settings (`config set account.…`).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from steg2cli import __version__, rules
from steg2cli.db import Database
from steg2cli.errors import BadInput
from steg2cli.files import write_bytes
from steg2cli.formats import sie
from steg2cli.i18n import _
from steg2cli.models import Invoice, InvoiceLine, Payment, Refund
from steg2cli.services import common, settings
from steg2cli.services.payments import parts_of

VAT_ACCOUNT = {2500: "vat-25", 1200: "vat-12", 600: "vat-6"}
COMPENSATION_ACCOUNT = {"reminder-fee": "reminder-fees", "late-interest": "interest"}


def verifications(db: Database, first: date, last: date, made: date | None = None) -> tuple[sie.Export, dict[str, int]]:
    """The period's verifications and how many of each kind."""
    with db.read() as session:
        chart = settings.accounts(session)
        seller = settings.seller(session)
        invoices = list(
            session.scalars(
                select(Invoice)
                # An invoice taken over from the old system was booked there (rule 37); its payments are not.
                .where(Invoice.invoice_date.between(first, last), Invoice.kind != "imported")
                .order_by(Invoice.invoice_date, Invoice.number)
            )
        )
        lines: dict[int, list[tuple[int, int]]] = defaultdict(list)
        # Reminder fees and interest (rules 40-41) are outside VAT and book to their own revenue accounts.
        compensation: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        numbers = [i.number for i in invoices]
        for chunk in common.chunks(numbers):
            for number, amount, rate, kind in session.execute(
                select(InvoiceLine.invoice_number, InvoiceLine.amount_ore, InvoiceLine.vat_bp, InvoiceLine.kind).where(
                    InvoiceLine.invoice_number.in_(chunk)
                )
            ):
                if rules.is_compensation(kind):
                    compensation[number][COMPENSATION_ACCOUNT[kind]] += amount
                else:
                    lines[number].append((amount, rate))
        payments = list(
            session.scalars(
                # What the old system had received before steg2 (rule 37) was booked there.
                select(Payment)
                .where(Payment.paid_on.between(first, last), Payment.source != "imported")
                .order_by(Payment.paid_on, Payment.id)
            )
        )
        refunds = list(
            session.scalars(
                select(Refund).where(Refund.refunded_on.between(first, last)).order_by(Refund.refunded_on, Refund.id)
            )
        )
        payers = {
            number: name
            for chunk in common.chunks(sorted({r.invoice_number for r in refunds}))
            for number, name in session.execute(
                select(Invoice.number, Invoice.payer_name).where(Invoice.number.in_(chunk))
            )
        }
        old_numbers = dict(
            session.execute(select(Invoice.number, Invoice.old_number).where(Invoice.old_number.is_not(None))).all()
        )
        parts = parts_of(session, [p.id for p in payments if p.invoice_number is None])
    entries: list[tuple[date, int, int, sie.Verification]] = []
    for invoice in invoices:
        totals = rules.invoice_totals(lines[invoice.number])
        outside = compensation.get(invoice.number, {})
        transactions = [sie.Transaction(chart["receivables"], totals.total + sum(outside.values()))]
        transactions += [sie.Transaction(chart[key], -amount) for key, amount in sorted(outside.items())]
        for rate, net, vat in totals.vat_by_rate:
            revenue = chart["revenue-exempt"] if rate == 0 else chart["revenue-vat"]
            transactions.append(sie.Transaction(revenue, -net))
            if vat:
                transactions.append(sie.Transaction(chart[VAT_ACCOUNT.get(rate, "vat-25")], -vat))
        what = (
            f"Faktura {invoice.number}"
            if invoice.kind == "invoice"
            else f"Kreditnota {invoice.number} (krediterar faktura {invoice.credits_number})"
        )
        entries.append(
            (
                invoice.invoice_date,
                0,
                invoice.number,
                sie.Verification(invoice.invoice_date, f"{what}, {invoice.payer_name}", _merged(transactions)),
            )
        )
    for payment in payments:
        where = _payment_place(payment, parts.get(payment.id, []), old_numbers)
        entries.append(
            (
                payment.paid_on,
                1,
                payment.id,
                sie.Verification(
                    payment.paid_on,
                    f"Inbetalning {payment.id}, {where}" + (f", ref {payment.reference}" if payment.reference else ""),
                    [
                        sie.Transaction(chart["bank"], payment.amount_ore),
                        sie.Transaction(chart["receivables"], -payment.amount_ore),
                    ],
                ),
            )
        )
    for refund in refunds:
        # Money paid back (rule 42): what the payer was owed back leaves the bank; a set-off moves nothing.
        entries.append(
            (
                refund.refunded_on,
                2,
                refund.id,
                sie.Verification(
                    refund.refunded_on,
                    f"Återbetalning {refund.id}, faktura "
                    f"{old_numbers.get(refund.invoice_number, refund.invoice_number)}, {payers[refund.invoice_number]}",
                    [
                        sie.Transaction(chart["receivables"], refund.amount_ore),
                        sie.Transaction(chart["bank"], -refund.amount_ore),
                    ],
                ),
            )
        )
    entries.sort(key=lambda e: (e[0], e[1], e[2]))
    used = {t.account for _, _, _, v in entries for t in v.transactions} | {chart["receivables"], chart["bank"]}
    names = {number: settings.ACCOUNT_NAMES[f"account.{key}"] for key, number in chart.items() if number in used}
    export = sie.Export(
        company=seller["name"],
        org_number=seller["org-number"],
        first=first,
        last=last,
        accounts=names,
        verifications=[e[3] for e in entries],
        version=__version__,
        made=made,
    )
    return export, {
        "invoices": sum(1 for i in invoices if i.kind == "invoice"),
        "credit_notes": sum(1 for i in invoices if i.kind == "credit"),
        "payments": len(payments),
        "refunds": len(refunds),
    }


def _payment_place(payment: Payment, parts: list[tuple[int, int]], old_numbers: dict[int, str | None]) -> str:
    """Where a payment's money is now, as its verification says it: `faktura 7` (whole on one invoice),
    `fakturor 7, 9` (spread over several), `+ 5 000,00 kr ej matchat` for what is on no invoice yet, or
    `ej matchad` for a payment on none. An invoice from before steg2 by its old number."""
    if payment.invoice_number is not None:
        numbers = [payment.invoice_number]
    else:
        numbers = list(dict.fromkeys(number for number, _amount in parts))
    shown = ", ".join(str(old_numbers.get(number, number)) for number in numbers)
    if not numbers:
        return "ej matchad"
    where = f"faktura {shown}" if len(numbers) == 1 else f"fakturor {shown}"
    if payment.invoice_number is None and payment.unallocated_ore:
        where += f" + {rules.format_kr(payment.unallocated_ore)} ej matchat"
    return where


def _merged(transactions: list[sie.Transaction]) -> list[sie.Transaction]:
    """One line per account (two rates can share a revenue account), zero lines left out."""
    merged: dict[str, int] = {}
    for transaction in transactions:
        merged[transaction.account] = merged.get(transaction.account, 0) + transaction.amount
    return [sie.Transaction(account, value) for account, value in merged.items() if value]


def export_sie(db: Database, path: Path, first: date, last: date, today: date) -> dict[str, Any]:
    """Write the period's SIE 4I file, made `today` (its `#GEN`); the same period on the same day gives the
    same bytes."""
    path = Path(path)
    if first > last:
        raise BadInput(
            _("the period starts ({first}) after it ends ({last})").format(
                first=first.isoformat(), last=last.isoformat()
            )
        )
    if path.suffix.lower() not in (".se", ".si"):
        raise BadInput(_("{path}: a SIE file ends in .se (or .si)").format(path=path))
    if not path.parent.is_dir():
        raise BadInput(
            _("cannot write {path}: the folder {parent} does not exist").format(path=path, parent=path.parent)
        )
    export, counts = verifications(db, first, last, today)
    # SIE files are code page 437: what it cannot carry is written as its nearest stand-in, and said so.
    warnings = [
        _("'{text}' is written as '{shown}' in the SIE file (code page 437 has no such character)").format(
            text=text, shown=shown
        )
        for text, shown in sie.not_carried([export.company, *(v.text for v in export.verifications)])
    ]
    write_bytes(path, sie.write(export))
    return {
        "warnings": warnings,
        "file": str(path),
        "from": first.isoformat(),
        "to": last.isoformat(),
        **counts,
        "verifications": len(export.verifications),
    }
