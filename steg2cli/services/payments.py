"""Payments (rules 32-33): by hand, or from the bank's file (Bankgirot BgMax, ISO 20022 camt.054),
matched to invoices by their OCR reference.

A file is taken whole or not at all: every problem in it is listed and nothing is written. Each bank
transaction has a permanent key (`bank_key`, unique in the table), so importing a file again adds nothing.
A payment whose reference names no invoice waits, unmatched, for `payment assign`.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from steg2cli import rules
from steg2cli.db import Database, bulk_insert, touched
from steg2cli.errors import BadInput, NotFound, RowErrors
from steg2cli.i18n import N_, _
from steg2cli.models import Invoice, Payment, PaymentImport, PaymentPart
from steg2cli.services import common, openitems

#: A bank file larger than this is not a payment file (a BgMax file of 10 000 payments is about 2.5 MB).
MAX_FILE_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class Incoming:
    """One payment read from a bank file, before it is matched."""

    bank_key: str
    paid_on: date
    amount: int
    references: tuple[str, ...]
    payer_name: str
    note: str


def payment_json(
    payment: Any, parts: Sequence[tuple[int, int]] = (), shown: Mapping[int, int | str] | None = None
) -> dict[str, Any]:
    """A payment as CLI.md describes it, with its parts (rule 42) when it is spread over invoices; `shown`:
    how each invoice is shown (`common.shown_numbers`: an invoice from before steg2 by its old number)."""
    return {
        "id": payment.id,
        "date": common.iso(payment.paid_on),
        "amount": payment.amount_ore,
        "reference": payment.reference,
        "source": payment.source,
        "payer_name": payment.payer_name,
        "note": payment.note,
        **payment_money(payment, parts, shown or {}),
    }


def one_payment_json(session: Session, payment: Payment) -> dict[str, Any]:
    """`payment_json` of one payment, read with its parts."""
    return _with_parts(session, [payment])[0]


#: A payment with money on no invoice: unmatched, or what is left of one spread in parts (rule 42).
_UNMATCHED = Payment.invoice_number.is_(None) & (
    (Payment.unallocated_ore != 0) | (Payment.unallocated_ore == Payment.amount_ore)
)


def _with_parts(session: Session, payments: Sequence[Any]) -> list[dict[str, Any]]:
    spread = parts_of(session, [p.id for p in payments if p.invoice_number is None])
    shown = common.shown_numbers(
        session, [p.invoice_number for p in payments] + [n for found in spread.values() for n, _amount in found]
    )
    return [payment_json(p, spread.get(p.id, ()), shown) for p in payments]


def find_invoice(session: Session, ref: str) -> Invoice:
    """An invoice by its number or its OCR reference (`#N` is always the number)."""
    text = ref.strip()
    from steg2cli.services.invoicing import resolve_number

    imported = resolve_number(session, text)
    if imported is not None:  # an invoice taken over from the old system, by its old number or reference
        return session.get(Invoice, imported)  # type: ignore[return-value]
    if text.startswith("#"):
        text = text[1:]
        by_ocr = None
    else:
        by_ocr = _by_reference(session, text)
    number = common.record_id(text) if len(text) < 10 else None
    by_number = session.get(Invoice, number) if number is not None else None
    if by_ocr is not None and by_number is not None and by_ocr.number != by_number.number:
        raise BadInput(
            _(
                "{text} is invoice {number}'s number and invoice {number2}'s OCR reference; write #{text} "
                "for the invoice number"
            ).format(text=text, number=by_number.number, number2=common.shown_number(by_ocr.number, by_ocr.old_number))
        )
    found = by_ocr or by_number
    if found is None:
        raise NotFound(_("no invoice has the number or OCR reference '{ref}'").format(ref=ref.strip()))
    return found


def _by_reference(session: Session, text: str) -> Invoice | None:
    """The invoice whose payment reference these digits are, leading zeros on either side not counted
    (rule 32); None for text that is not digits or is no invoice's reference."""
    if not rules.is_plain_number(text):
        return None
    from steg2cli.services.invoicing import zero_led_references

    bare = text.lstrip("0")
    found = {invoice.number: invoice for invoice in session.scalars(select(Invoice).where(Invoice.ocr == bare)) if bare}
    old = zero_led_references(session).get(bare) if bare else None
    if old is not None and old not in found:
        invoice = session.get(Invoice, old)
        assert invoice is not None
        found[old] = invoice
    if len(found) > 1:
        shown = common.shown_numbers(session, found)
        raise BadInput(
            _("{text} is the payment reference of invoices {join}; name the invoice by its number").format(
                text=text, join=", ".join(str(shown[n]) for n in sorted(found))
            )
        )
    return next(iter(found.values()), None)


def record(
    session: Session,
    invoice: Invoice,
    day: date,
    amount: int,
    reference: str | None,
    today: date,
    source: str = "manual",
    note: str = "",
) -> Payment:
    """Record a payment on an invoice in the session's transaction (rules 32 and 0): checked, written, noted in
    the audit trail. `source` `imported`: what the old system had received before steg2 (rule 37)."""
    common.check(rules.payment_allowed(invoice.kind, day, amount, today))
    payment = Payment(
        paid_on=day,
        amount_ore=amount,
        reference=(reference or invoice.ocr).strip()[:100],
        invoice_number=invoice.number,
        source=source,
        bank_key=None,
        payer_name="",
        import_id=None,
        recorded_on=today,
        note=note[:400],
        unallocated_ore=0,
    )
    session.add(payment)
    session.flush()
    openitems.reopen(session, invoice.number)
    touched(session, "payment", payment.id)
    return payment


def add(db: Database, invoice_ref: str, day: date, amount: int, reference: str | None, today: date) -> dict[str, Any]:
    """Record a payment against an invoice by hand (rule 32)."""
    with db.write("payment add") as session:
        invoice = find_invoice(session, invoice_ref)
        return one_payment_json(session, record(session, invoice, day, amount, reference, today))


def list_payments(db: Database, unmatched: bool = False) -> list[dict[str, Any]]:
    """Payments, newest first (`unmatched`: only those on no invoice)."""
    with db.read() as session:
        query = select(Payment).order_by(Payment.paid_on.desc(), Payment.id.desc())
        if unmatched:
            query = query.where(_UNMATCHED)
        return _with_parts(session, list(session.scalars(query)))


def unmatched(session: Session) -> list[dict[str, Any]]:
    """Payments (or what is left of them) waiting for `payment assign` (for the dashboard)."""
    return _with_parts(
        session, list(session.scalars(select(Payment).where(_UNMATCHED).order_by(Payment.paid_on, Payment.id)))
    )


def parts_of(session: Session, payment_ids: Sequence[int]) -> dict[int, list[tuple[int, int]]]:
    """Each payment's parts, (invoice number, öre), in the order they were made."""
    found: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for chunk in common.chunks(payment_ids):
        for payment_id, number, amount in session.execute(
            select(PaymentPart.payment_id, PaymentPart.invoice_number, PaymentPart.amount_ore)
            .where(PaymentPart.payment_id.in_(chunk))
            .order_by(PaymentPart.id)
        ):
            found[payment_id].append((number, amount))
    return found


def payment_money(payment: Payment, parts: Sequence[tuple[int, int]], shown: Mapping[int, int | str]) -> dict[str, Any]:
    """What CLI.md adds to a payment: `parts` and `unallocated`; `invoice` is the first part's invoice as a
    person sees it (an invoice from before steg2: its old number), `internal_number` steg2's number of it."""
    listed = [
        {"invoice": shown.get(number, number), "internal_number": number, "amount": amount} for number, amount in parts
    ]
    if payment.invoice_number is not None:
        listed = [
            {
                "invoice": shown.get(payment.invoice_number, payment.invoice_number),
                "internal_number": payment.invoice_number,
                "amount": payment.amount_ore,
            }
        ]
    return {
        "invoice": listed[0]["invoice"] if listed else None,
        "internal_number": listed[0]["internal_number"] if listed else None,
        "parts": listed,
        "unallocated": payment.unallocated_ore,
    }


# ---- bank files ----------------------------------------------------------------------------------


def read_bank_file(data: bytes) -> tuple[str, str, list[Incoming]]:
    """(source, the file's own id, its payments) from a BgMax or camt.054 file; RowErrors for a damaged
    one, listing every problem."""
    from steg2cli.formats import bgmax, camt054

    if bgmax.looks_like(data):
        parsed, problems = bgmax.parse(data)
        if parsed is None:
            raise RowErrors([(line, _("record"), "", problem) for line, problem in problems], N_("bank file"))
        # A payment is named by its deposit (bankgiro, date, deposit serial, unique per bankgiro and year)
        # and its BGC serial number; should a serial repeat within a deposit, by its occurrence too.
        seen: dict[str, int] = {}
        incoming = []
        for section, payment in parsed.payments():
            base = (
                f"bgmax:{section.bankgiro}:{section.payment_date.isoformat()}:{section.deposit_serial}:{payment.serial}"
            )
            seen[base] = seen.get(base, 0) + 1
            incoming.append(
                Incoming(
                    bank_key=f"{base}:{seen[base]}",
                    paid_on=section.payment_date,
                    amount=payment.amount,
                    references=tuple(payment.references()),
                    payer_name=payment.payer_name,
                    note=" ".join(payment.information)[:400],
                )
            )
        return "bgmax", parsed.timestamp, incoming
    if camt054.looks_like(data):
        message, problems = camt054.parse(data)
        if message is None:
            raise RowErrors([(entry, _("entry"), "", problem) for entry, problem in problems], N_("bank file"))
        incoming = [
            Incoming(
                bank_key=f"camt054:{p.bank_key}",
                paid_on=p.booked_on,
                amount=p.amount,
                references=tuple(r for r in (p.reference, p.text) if r),
                payer_name=p.payer_name,
                note=p.text[:400],
            )
            for p in message.payments
        ]
        return "camt054", message.message_id, incoming
    raise BadInput(_("not a bank payment file: neither Bankgirot BgMax nor ISO 20022 camt.054"))


def import_file(db: Database, path: Path, today: date, dry_run: bool = False) -> dict[str, Any]:
    """Take a bank file whole (rule 32): every payment added once, matched by OCR reference."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise BadInput(
                _("{path}: {value} MB is too large for a bank payment file").format(
                    path=path, value=size // (1024 * 1024)
                )
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise BadInput(_("{path}: no such file").format(path=path)) from None
    except IsADirectoryError:
        raise BadInput(_("{path} is a folder, not a file").format(path=path)) from None
    except OSError as exc:
        raise BadInput(
            _("{path}: cannot read the file ({strerror})").format(path=path, strerror=exc.strerror)
        ) from None
    source, file_id, incoming = read_bank_file(data)
    with db.write("payment import", rollback=dry_run) as session:
        keys = [p.bank_key for p in incoming]
        known: set[str] = set()
        for chunk in common.chunks(keys):
            known.update(session.scalars(select(Payment.bank_key).where(Payment.bank_key.in_(chunk))))
        fresh = [p for p in incoming if p.bank_key not in known]
        matched = 0
        import_id = None
        if fresh:
            record = PaymentImport(
                source=source,
                file_name=path.name[:400],
                sha256=hashlib.sha256(data).hexdigest(),
                file_id=file_id[:100],
                imported_at=datetime.now(UTC).replace(tzinfo=None, microsecond=0),
                payments=len(fresh),
            )
            session.add(record)
            session.flush()
            import_id = record.id
        wanted = [rules.ocr_candidates(p.references) for p in fresh]
        ocr_index = _ocr_index(session, sorted({c for found in wanted for c in found}))
        rows = []
        for p, found in zip(fresh, wanted, strict=True):
            candidates = {number for c in found for number in ocr_index.get(c, ())}
            invoice = candidates.pop() if len(candidates) == 1 else None
            matched += invoice is not None
            rows.append(
                (
                    p.paid_on,
                    p.amount,
                    " ".join(p.references)[:100],
                    invoice,
                    source,
                    p.bank_key,
                    p.payer_name[:200],
                    import_id,
                    today,
                    p.note,
                    0 if invoice is not None else p.amount,
                )
            )
        # Tens of thousands of rows: the driver's executemany, not one ORM object each.
        bulk_insert(
            session,
            "payments",
            (
                "paid_on",
                "amount_ore",
                "reference",
                "invoice_number",
                "source",
                "bank_key",
                "payer_name",
                "import_id",
                "recorded_on",
                "note",
                "unallocated_ore",
            ),
            rows,
        )
        openitems.reopen(session, *(row[3] for row in rows if row[3] is not None))
        if import_id is not None:
            touched(session, "payment-import", import_id)
        return {
            "source": source,
            "file_id": file_id,
            "payments": len(incoming),
            "added": len(fresh),
            "already_imported": len(incoming) - len(fresh),
            "matched": matched,
            "unmatched": len(fresh) - matched,
            "dry_run": dry_run,
            "total": sum(p.amount for p in fresh),
        }


def _ocr_index(session: Session, candidates: list[str]) -> dict[str, set[int]]:
    """OCR reference → the invoices it is the reference of (leading zeros not counted: an invoice from before
    steg2 may have its reference stored as `0012345`), for every candidate that is an invoice's OCR
    reference. A reference of two invoices matches neither: the payment waits for `payment assign`."""
    from steg2cli.services.invoicing import zero_led_references

    index: dict[str, set[int]] = defaultdict(set)
    for chunk in common.chunks(candidates):
        for ocr, number in session.execute(
            select(Invoice.ocr, Invoice.number).where(Invoice.ocr.in_(chunk), Invoice.kind.in_(rules.PAYABLE_KINDS))
        ):
            index[ocr].add(number)
    wanted = set(candidates)
    for bare, number in zero_led_references(session).items():
        if bare in wanted:
            index[bare].add(number)
    return index
