"""Late-payment interest (rule 41, räntelagen 1975:635) and the reference rates it is reckoned from.

`invoice interest` works out, for each invoice paid late or still unpaid, the interest on the unpaid
balance of each day after the due date not yet charged, at the reference rate in force that day plus 8
percentage points, and turns it into one `late-interest` charge per invoice for the next invoice run.
What was charged is recorded with its days (`late_interest`), so no day is charged twice; an amount under
`interest.minimum` is not charged (its days wait for a later run).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import case, delete, func, select
from sqlalchemy.orm import Session

from steg2cli import rules
from steg2cli.db import Database, changed, touched
from steg2cli.errors import BadInput, RuleViolation
from steg2cli.i18n import _
from steg2cli.models import (
    Charge,
    InterestPending,
    Invoice,
    LateInterest,
    Payment,
    PaymentOffset,
    PaymentPart,
    Rate,
)
from steg2cli.services import common, invoicing, receivables, settings

REFERENCE = "reference"


def _rate_json(rate: Rate) -> dict[str, Any]:
    return {
        "kind": rate.kind,
        "from": common.iso(rate.valid_from),
        "rate": rate.rate_bp / 100,
        "interest_rate": (rate.rate_bp + rules.INTEREST_MARGIN_BP) / 100,
    }


def list_rates(db: Database) -> list[dict[str, Any]]:
    """The reference rates, oldest first, each with the late-payment interest rate it gives."""
    with db.read() as session:
        return [_rate_json(r) for r in session.scalars(select(Rate).order_by(Rate.kind, Rate.valid_from))]


def set_rate(db: Database, kind: str, rate_bp: int, valid_from: date) -> dict[str, Any]:
    """The Riksbank's reference rate from a day on (rule 41); setting the same day again replaces it."""
    if kind != REFERENCE:
        raise BadInput(_("unknown rate '{kind}' (use reference)").format(kind=kind))
    with db.write("rate set") as session:
        rate = session.scalar(select(Rate).where(Rate.kind == kind, Rate.valid_from == valid_from))
        if rate is None:
            rate = Rate(kind=kind, valid_from=valid_from, rate_bp=rate_bp)
            session.add(rate)
        else:
            changed(session, "rate", rate.id, "rate_bp", rate.rate_bp, rate_bp)
            rate.rate_bp = rate_bp
        session.flush()
        touched(session, "rate", rate.id)
        return _rate_json(rate)


def _rates(session: Session) -> list[tuple[date, int]]:
    return [
        (r.valid_from, r.rate_bp)
        for r in session.scalars(select(Rate).where(Rate.kind == REFERENCE).order_by(Rate.valid_from))
    ]


def _candidates(session: Session, day: date) -> tuple[list[int], list[int]]:
    """Invoices that may bear interest up to `day`: those overdue on it (from the open-items mark), and
    those paid in full after their due date whose late days may not all be charged yet (from the few
    `interest_pending` rows, never every payment ever received); and those pending rows."""
    overdue = {row.number for row in session.execute(invoicing._past_due(day))}
    pending = sorted(session.scalars(select(InterestPending.invoice_number)))
    paid_late: set[int] = set()
    for chunk in common.chunks(pending):
        paid_late |= _paid_late(session, day, chunk)
    found = overdue | paid_late
    # Räntelagen lets no interest run on interest: an invoice of reminder fees and interest bears none.
    found -= invoicing.compensation_invoices(session, sorted(found))
    return sorted(found), pending


def _paid_late(session: Session, day: date, chunk: Sequence[int]) -> set[int]:
    """Of these invoices (none credited: the mark keeps credited ones out), those due before `day` with
    money received after their due date."""
    late = select(Invoice.number).where(
        Invoice.number.in_(chunk), Invoice.kind.in_(rules.PAYABLE_KINDS), Invoice.due_date < day
    )
    paid_late = set(
        session.scalars(
            late.join(Payment, Payment.invoice_number == Invoice.number).where(Payment.paid_on > Invoice.due_date)
        )
    )
    paid_late |= set(
        session.scalars(
            late.join(PaymentPart, PaymentPart.invoice_number == Invoice.number)
            .join(Payment, Payment.id == PaymentPart.payment_id)
            .where(Payment.paid_on > Invoice.due_date)
        )
    )
    paid_late |= set(
        session.scalars(
            late.join(PaymentOffset, PaymentOffset.to_invoice == Invoice.number).where(
                PaymentOffset.offset_on > Invoice.due_date
            )
        )
    )
    return paid_late


def charge(db: Database, day: date, today: date, dry_run: bool = False) -> dict[str, Any]:
    """Rule 41: one `late-interest` charge per invoice for the days not yet charged up to `day`, none under
    `interest.minimum`; billed by the next invoice run."""
    common.check(rules.not_in_future(_("the interest run"), day, today))
    with db.write("invoice interest", rollback=dry_run) as session:
        minimum = settings.ore(settings.all_settings(session)["interest.minimum"])
        rates = _rates(session)
        numbers, pending = _candidates(session, day)
        charged: dict[int, tuple[date | None, int, int]] = {}
        # What was charged counts unless a credit note waived it (the coordinator credited an overcharge).
        standing = case((Charge.waived_by.is_(None), LateInterest.amount_ore), else_=0)
        standing_through = case((Charge.waived_by.is_(None), LateInterest.through_date), else_=None)
        for chunk in common.chunks(numbers):
            for number, last, count, amount in session.execute(
                select(
                    LateInterest.invoice_number,
                    func.max(standing_through),
                    func.count(),
                    func.sum(standing),
                )
                .join(Charge, Charge.id == LateInterest.charge_id)
                .where(LateInterest.invoice_number.in_(chunk))
                .group_by(LateInterest.invoice_number)
            ):
                charged[number] = (last, int(count), int(amount or 0))
        invoices = {
            i.number: i
            for chunk in common.chunks(numbers)
            for i in session.scalars(select(Invoice).where(Invoice.number.in_(chunk)))
        }
        events = receivables.receipts(session, numbers)
        made, below, missing, overcharged = [], 0, [], []
        kept: set[int] = set()  # below the minimum: looked at again by the next run, as before
        for number in numbers:
            invoice = invoices[number]
            through, count, so_far = charged.get(number, (None, 0, 0))
            # Trued up: what is owed from the due date with the money as it stands now, less what was charged.
            owed = rules.late_interest(invoice.total_ore, invoice.due_date, events.get(number, []), rates, None, day)
            if owed.missing is not None:
                missing.append(owed.missing)
                continue
            amount, beyond = rules.interest_true_up(owed.amount, so_far)
            if beyond:
                overcharged.append(
                    {
                        "invoice": common.shown_number(invoice.number, invoice.old_number),
                        "internal_number": invoice.number,
                        "amount": beyond,
                    }
                )
                continue
            if amount == 0:
                continue
            if amount < minimum:
                below += 1
                kept.add(number)
                continue
            first = rules.interest_period_start(invoice.due_date, through, owed.last)
            found = rules.Interest(amount, first, owed.last)
            made.append((invoice, found, count + 1))
        if missing:
            raise RuleViolation(
                [
                    _(
                        "no reference rate is in force on {day}; set one with: "
                        "steg2 rate set reference PERCENT --from DATE"
                    ).format(day=min(missing).isoformat())
                ]
            )
        result = []
        for invoice, found, k in made:
            record = Charge(
                key=f"late-interest:{invoice.number}:{k}",
                kind="late-interest",
                due_date=day,
                payer_id=invoice.payer_id,
                amount_ore=found.amount,
                vat_bp=0,
                description=f"{rules.COMPENSATION_CODES['late-interest']}, "
                f"faktura {common.shown_number(invoice.number, invoice.old_number)}",
                who="",
                period=f"{found.first.isoformat()} – {found.last.isoformat()}",
                to_bill=True,
            )
            session.add(record)
            session.flush()
            session.add(
                LateInterest(
                    invoice_number=invoice.number,
                    from_date=found.first,
                    through_date=found.last,
                    amount_ore=found.amount,
                    charge_id=record.id,
                    charged_on=day,
                )
            )
            result.append(
                {
                    "invoice": common.shown_number(invoice.number, invoice.old_number),
                    "internal_number": invoice.number,
                    "from": common.iso(found.first),
                    "through": common.iso(found.last),
                    "amount": found.amount,
                }
            )
        receivables.refresh(session, *(i.number for i, _f, _k in made))
        _settle_pending(session, day, pending, kept)
        touched(session, "invoice", *(i.number for i, _f, _k in made))
        return {
            "date": common.iso(day),
            "charges": result,
            "below_minimum": below,
            "overcharged": overcharged,
            "dry_run": dry_run,
        }


def _settle_pending(session: Session, day: date, pending: Sequence[int], kept: set[int]) -> None:
    """Take off `interest_pending` the invoices paid in full whose interest this run has settled for good:
    due before `day`, no money received after it, and not left under the minimum (a write that changes their
    money puts them back)."""
    session.flush()
    for chunk in common.chunks(pending):
        found = select(Invoice.number, Invoice.due_date).where(Invoice.number.in_(chunk))
        due: dict[int, date] = dict(session.execute(found).all())
        events = receivables.receipts(session, chunk)
        done = [
            number
            for number in chunk
            if number not in kept
            and number in due
            and due[number] < day
            and all(when <= day for when, _amount in events.get(number, []))
        ]
        if done:
            session.execute(delete(InterestPending).where(InterestPending.invoice_number.in_(done)))
