"""Money that is not where it belongs, moved and never lost (rule 42): a payment spread over invoices in
parts, taken off an invoice again, an overpayment set off against another invoice of the same payer, money
paid back to a payer.

Where a payment's money is: a payment put whole on an invoice has `invoice_number` (as before parts
existed); a payment in parts has none, its `payment_parts` say where its money is, and `unallocated_ore`
what is on no invoice yet (an unmatched payment's whole amount). An invoice's money received is the
payments put whole on it, plus the parts on it, plus set-offs to it, less set-offs from it; refunds are
money that went back. The sums for an invoice that has parts, set-offs, refunds, reminders, interest or a
block live in one sparse `receivables` row, so that the invoice list and the dashboard read one indexed
row per such invoice instead of six tables.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from steg2cli import rules
from steg2cli.db import Database, changed, touched
from steg2cli.errors import BadInput, NotFound
from steg2cli.i18n import _
from steg2cli.models import (
    Invoice,
    InvoiceBlock,
    LateInterest,
    Payment,
    PaymentOffset,
    PaymentPart,
    Receivable,
    Refund,
    Reminder,
)
from steg2cli.services import common, openitems
from steg2cli.services.payments import find_invoice, one_payment_json, parts_of

# ---- the sparse summary -------------------------------------------------------------------------


def _sums(session: Session, column: Any, amount: Any, chunk: Sequence[int], sign: int = 1) -> dict[int, int]:
    return {
        number: sign * int(total or 0)
        for number, total in session.execute(select(column, func.sum(amount)).where(column.in_(chunk)).group_by(column))
    }


def refresh(session: Session, *numbers: int) -> None:
    """Work out the `receivables` rows of these invoices again from the records, a few grouped queries per
    500 invoices; an invoice with nothing of rules 40-42 keeps no row."""
    session.flush()
    for chunk in common.chunks(sorted(set(numbers))):
        moved: dict[int, int] = defaultdict(int)
        for part in (
            _sums(session, PaymentPart.invoice_number, PaymentPart.amount_ore, chunk),
            _sums(session, PaymentOffset.to_invoice, PaymentOffset.amount_ore, chunk),
            _sums(session, PaymentOffset.from_invoice, PaymentOffset.amount_ore, chunk, -1),
        ):
            for number, amount in part.items():
                moved[number] += amount
        has_parts = set(
            session.scalars(select(PaymentPart.invoice_number).where(PaymentPart.invoice_number.in_(chunk)))
        )
        refunded = _sums(session, Refund.invoice_number, Refund.amount_ore, chunk)
        interest = _sums(session, LateInterest.invoice_number, LateInterest.amount_ore, chunk)
        reminded = {
            number: (int(count), last)
            for number, count, last in session.execute(
                select(Reminder.invoice_number, func.count(), func.max(Reminder.reminded_on))
                .where(Reminder.invoice_number.in_(chunk))
                .group_by(Reminder.invoice_number)
            )
        }
        blocks: dict[int, InvoiceBlock] = {}
        for block in session.scalars(
            select(InvoiceBlock)
            .where(InvoiceBlock.invoice_number.in_(chunk), InvoiceBlock.unblocked_on.is_(None))
            .order_by(InvoiceBlock.id)
        ):
            blocks[block.invoice_number] = block
        rows = {
            r.invoice_number: r for r in session.scalars(select(Receivable).where(Receivable.invoice_number.in_(chunk)))
        }
        for number in chunk:
            count, last = reminded.get(number, (0, None))
            current = blocks.get(number)
            values = {
                "moved_ore": moved.get(number, 0),
                "refunded_ore": refunded.get(number, 0),
                "interest_ore": interest.get(number, 0),
                "reminders": count,
                "last_reminder_on": last,
                "blocked_on": current.blocked_on if current else None,
                "block_reason": current.reason if current else None,
            }
            row = rows.get(number)
            if not any(values.values()) and number not in has_parts:
                if row is not None:
                    session.delete(row)
                continue
            if row is None:
                row = Receivable(invoice_number=number)
                session.add(row)
            for key, value in values.items():
                setattr(row, key, value)
    session.flush()
    openitems.reopen(session, *numbers)


def received(session: Session, number: int) -> int:
    """Money received on an invoice (payments whole on it, parts, set-offs in less out), refunds not
    counted."""
    whole = session.scalar(
        select(func.coalesce(func.sum(Payment.amount_ore), 0)).where(Payment.invoice_number == number)
    )
    row = session.get(Receivable, number)
    return int(whole or 0) + (row.moved_ore if row else 0)


def receipts(session: Session, numbers: Sequence[int]) -> dict[int, list[tuple[date, int]]]:
    """Each invoice's money as dated events (payments and parts by their payment's date, set-offs by their
    own date; refunds are money back and not counted), for late-payment interest (rule 41)."""
    events: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for chunk in common.chunks(numbers):
        for number, day, amount in session.execute(
            select(Payment.invoice_number, Payment.paid_on, Payment.amount_ore).where(Payment.invoice_number.in_(chunk))
        ):
            if number is not None:
                events[number].append((day, amount))
        for number, day, amount in session.execute(
            select(PaymentPart.invoice_number, Payment.paid_on, PaymentPart.amount_ore)
            .join(Payment, Payment.id == PaymentPart.payment_id)
            .where(PaymentPart.invoice_number.in_(chunk))
        ):
            events[number].append((day, amount))
        for origin, target, day, amount in session.execute(
            select(
                PaymentOffset.from_invoice, PaymentOffset.to_invoice, PaymentOffset.offset_on, PaymentOffset.amount_ore
            ).where(PaymentOffset.from_invoice.in_(chunk) | PaymentOffset.to_invoice.in_(chunk))
        ):
            events[target].append((day, amount))
            events[origin].append((day, -amount))
    return events


def credited_by(session: Session, number: int) -> int | None:
    """The credit note that cancels an invoice, if any."""
    return session.scalar(select(Invoice.number).where(Invoice.credits_number == number))


def state(session: Session, invoice: Invoice, day: date) -> rules.InvoiceState:
    """Rule 33 for one invoice on a day, counting refunds as money gone back."""
    row = session.get(Receivable, invoice.number)
    net = received(session, invoice.number) - (row.refunded_ore if row else 0)
    return rules.invoice_state(
        invoice.kind, invoice.total_ore, invoice.due_date, credited_by(session, invoice.number) is not None, net, day
    )


# ---- payments in parts ------------------------------------------------------------------------


def _payment(session: Session, payment_id: int) -> Payment:
    payment = session.get(Payment, payment_id)
    if payment is None:
        raise NotFound(_("no payment has the id {payment_id}").format(payment_id=payment_id))
    return payment


def _taken_off(session: Session, number: int, amount: int) -> list[str]:
    """The check before `amount` of an invoice's money is taken off it (rule 42)."""
    row = session.get(Receivable, number)
    offset_away = session.scalar(
        select(func.coalesce(func.sum(PaymentOffset.amount_ore), 0)).where(PaymentOffset.from_invoice == number)
    )
    # Set-offs from it are already out of `received`; what stays must still cover refunds and those.
    return rules.taking_off_allowed(
        received(session, number) + int(offset_away or 0) - amount,
        row.refunded_ore if row else 0,
        int(offset_away or 0),
    )


def assign_part(session: Session, payment_id: int, invoice: Invoice, amount: int | None) -> tuple[Payment, list[int]]:
    """Put a payment on an invoice: without `amount` the whole payment (its earlier invoice or parts
    released first), with `amount` that part of what is on no invoice yet. The invoices touched."""
    payment = _payment(session, payment_id)
    credited = credited_by(session, invoice.number) is not None
    affected = [invoice.number]
    if amount is None:
        released = _release(session, payment, None)
        affected += released
        changed(session, "payment", payment.id, "invoice", payment.invoice_number, invoice.number)
        payment.invoice_number = invoice.number
        payment.unallocated_ore = 0
        return payment, affected
    common.check(rules.part_allowed(payment.unallocated_ore, amount, invoice.kind, credited))
    session.add(PaymentPart(payment_id=payment.id, invoice_number=invoice.number, amount_ore=amount))
    payment.unallocated_ore -= amount
    changed(session, "payment", payment.id, "unallocated", payment.unallocated_ore + amount, payment.unallocated_ore)
    return payment, affected


def _release(session: Session, payment: Payment, number: int | None) -> list[int]:
    """Take a payment's money off its invoice (or off `number` only) and back to unallocated; refused
    when that money was paid back or set off already. The invoices it left."""
    left: list[int] = []
    if payment.invoice_number is not None and number in (None, payment.invoice_number):
        common.check(_taken_off(session, payment.invoice_number, payment.amount_ore))
        left.append(payment.invoice_number)
        changed(session, "payment", payment.id, "invoice", payment.invoice_number, None)
        payment.invoice_number = None
        payment.unallocated_ore = payment.amount_ore
        return left
    query = select(PaymentPart).where(PaymentPart.payment_id == payment.id)
    if number is not None:
        query = query.where(PaymentPart.invoice_number == number)
    parts = list(session.scalars(query))
    by_invoice: dict[int, int] = defaultdict(int)
    for part in parts:
        by_invoice[part.invoice_number] += part.amount_ore
    for invoice_number, amount in by_invoice.items():
        common.check(_taken_off(session, invoice_number, amount))
    for part in parts:
        payment.unallocated_ore += part.amount_ore
        session.delete(part)
    left += sorted(by_invoice)
    return left


def assign(db: Database, payment_id: int, invoice_ref: str, amount: int | None = None) -> dict[str, Any]:
    """Put a payment, or with `amount` a part of it, on an invoice (rule 42)."""
    with db.write("payment assign") as session:
        invoice = find_invoice(session, invoice_ref)
        if invoice.kind not in rules.PAYABLE_KINDS:
            raise BadInput(_("{number} is a credit note; a payment goes to an invoice").format(number=invoice.number))
        payment, affected = assign_part(session, payment_id, invoice, amount)
        refresh(session, *affected)
        touched(session, "payment", payment.id)
        return one_payment_json(session, payment)


def unassign(db: Database, payment_id: int, invoice_ref: str | None = None) -> dict[str, Any]:
    """Take a payment off its invoice (or off one invoice of its parts), back to unmatched (rule 42)."""
    with db.write("payment unassign") as session:
        payment = _payment(session, payment_id)
        number = find_invoice(session, invoice_ref).number if invoice_ref is not None else None
        on = {payment.invoice_number} if payment.invoice_number is not None else set()
        on |= {n for n, _amount in parts_of(session, [payment.id])[payment.id]}
        if not on or (number is not None and number not in on):
            raise BadInput(
                _("payment {payment_id} is not on invoice {number}").format(
                    payment_id=payment.id, number=common.shown(session, number)
                )
                if number is not None
                else _("payment {payment_id} is on no invoice").format(payment_id=payment.id)
            )
        left = _release(session, payment, number)
        refresh(session, *left)
        touched(session, "payment", payment.id)
        return one_payment_json(session, payment)


# ---- set-offs and refunds ------------------------------------------------------------------------


def _to_pay_back(session: Session, invoice: Invoice, day: date) -> int:
    found = state(session, invoice, day)
    return found.to_pay_back + found.overpaid


def last_received(session: Session, number: int) -> date | None:
    """The day of the latest money that came onto an invoice: payments put whole on it, parts of payments
    (by the payment's date) and set-offs into it."""
    days = [
        session.scalar(select(func.max(Payment.paid_on)).where(Payment.invoice_number == number)),
        session.scalar(
            select(func.max(Payment.paid_on))
            .join(PaymentPart, PaymentPart.payment_id == Payment.id)
            .where(PaymentPart.invoice_number == number)
        ),
        session.scalar(select(func.max(PaymentOffset.offset_on)).where(PaymentOffset.to_invoice == number)),
    ]
    found = [d for d in days if d is not None]
    return max(found) if found else None


def _credited_on(session: Session, number: int) -> date | None:
    return session.scalar(select(Invoice.invoice_date).where(Invoice.credits_number == number))


def offset(db: Database, from_ref: str, to_ref: str, amount: int | None, day: date, today: date) -> dict[str, Any]:
    """Set an overpayment on one invoice (or money to pay back on a credited one) off against another open
    invoice of the same payer (rule 42). No money moves in the bank, so the books do not change."""
    with db.write("payment offset") as session:
        origin = find_invoice(session, from_ref)
        target = find_invoice(session, to_ref)
        if origin.number == target.number:
            raise BadInput(_("a set-off goes from one invoice to another"))
        common.check(
            rules.not_in_future(_("the set-off"), day, today)
            + rules.money_move_dated(
                _("the set-off"),
                day,
                last_received(session, origin.number),
                _credited_on(session, origin.number),
                target.invoice_date,
            )
        )
        available = _to_pay_back(session, origin, day) if origin.kind in rules.PAYABLE_KINDS else 0
        owed_state = state(session, target, day)
        owed = max(owed_state.balance, 0) if owed_state.state in ("open", "overdue") else 0
        wanted = amount if amount is not None else min(available, owed)
        common.check(rules.offset_allowed(origin.payer_id == target.payer_id, owed > 0, available, owed, wanted))
        record = PaymentOffset(from_invoice=origin.number, to_invoice=target.number, offset_on=day, amount_ore=wanted)
        session.add(record)
        refresh(session, origin.number, target.number)
        touched(session, "payment-offset", record.id)
        return {
            "id": record.id,
            "from": common.shown_number(origin.number, origin.old_number),
            "to": common.shown_number(target.number, target.old_number),
            "from_internal_number": origin.number,
            "to_internal_number": target.number,
            "date": common.iso(day),
            "amount": wanted,
        }


def refund(db: Database, invoice_ref: str, amount: int, day: date, note: str, today: date) -> dict[str, Any]:
    """Record money paid back to a payer on an invoice overpaid or credited (rule 42)."""
    with db.write("payment refund") as session:
        invoice = find_invoice(session, invoice_ref)
        available = _to_pay_back(session, invoice, day) if invoice.kind in rules.PAYABLE_KINDS else 0
        common.check(
            rules.refund_allowed(available, amount, day, today)
            + rules.money_move_dated(
                _("the refund"), day, last_received(session, invoice.number), _credited_on(session, invoice.number)
            )
        )
        record = Refund(
            invoice_number=invoice.number,
            refunded_on=day,
            amount_ore=amount,
            note=" ".join(note.split())[:400],
            recorded_on=today,
        )
        session.add(record)
        refresh(session, invoice.number)
        touched(session, "refund", record.id)
        return {
            "id": record.id,
            "invoice": common.shown_number(invoice.number, invoice.old_number),
            "internal_number": invoice.number,
            "date": common.iso(day),
            "amount": amount,
            "note": record.note,
            "to_pay_back": available - amount,
        }
