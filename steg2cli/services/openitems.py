"""The open-items mark (`open_invoices`): exactly the payable invoices still owed, neither credited nor
paid in full, with their due dates. `reopen` works the mark out again for the invoices a write touched;
every write that changes what is owed on an invoice calls it (issuing, payments added, imported, assigned
or taken off, parts, set-offs, credit notes). Reminders, interest and the overdue list start from it.

What counts as paid is what rule 33's overdue list always counted: payments put whole on the invoice, plus
parts and set-offs in less out (the `receivables` summary, so `receivables.refresh` runs first); a refund
never makes an invoice owed again. An invoice paid in full by a write goes to `interest_pending` instead,
for the interest run to settle what it may still owe for being paid late.
"""

from __future__ import annotations

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from steg2cli import rules
from steg2cli.models import InterestPending, Invoice, OpenInvoice, Payment, Receivable
from steg2cli.services import common


def reopen(session: Session, *numbers: int) -> None:
    """Mark these invoices open or not again from the records, a few queries per 500 invoices."""
    session.flush()
    for chunk in common.chunks(sorted(set(numbers))):
        credited = set(session.scalars(select(Invoice.credits_number).where(Invoice.credits_number.in_(chunk))))
        whole = {
            number: int(total or 0)
            for number, total in session.execute(
                select(Payment.invoice_number, func.sum(Payment.amount_ore))
                .where(Payment.invoice_number.in_(chunk))
                .group_by(Payment.invoice_number)
            )
        }
        moved = {
            number: int(amount or 0)
            for number, amount in session.execute(
                select(Receivable.invoice_number, Receivable.moved_ore).where(Receivable.invoice_number.in_(chunk))
            )
        }
        rows, closed = [], []
        for number, kind, total, due in session.execute(
            select(Invoice.number, Invoice.kind, Invoice.total_ore, Invoice.due_date).where(Invoice.number.in_(chunk))
        ):
            if kind not in rules.PAYABLE_KINDS or number in credited:
                continue
            if total > whole.get(number, 0) + moved.get(number, 0):
                rows.append({"invoice_number": number, "due_date": due})
            else:
                closed.append({"invoice_number": number})
        session.execute(delete(OpenInvoice).where(OpenInvoice.invoice_number.in_(chunk)))
        session.execute(delete(InterestPending).where(InterestPending.invoice_number.in_(chunk)))
        if rows:
            session.execute(insert(OpenInvoice), rows)
        if closed:  # paid in full: the next interest run looks at it once more (rule 41)
            session.execute(insert(InterestPending), closed)
