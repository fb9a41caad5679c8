"""Prices, charges, the invoice run, credit notes and the invoice basis in Excel; rules 16-20.

Double billing is impossible in the schema itself: every charge has a permanent unique key
(`annual-fee:AGREEMENT:YEAR`, `open-course-seat:COURSE:TRAINER`, `purchased-course:COURSE`), and a charge
on a live invoice has a row in `charge_billings` keyed by the charge. The next invoice number is taken
inside the same write transaction that writes the invoices, so numbers never skip or repeat.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import and_, delete, false, func, insert, or_, select, true, update
from sqlalchemy.orm import Session

from steg2cli import rules
from steg2cli.db import Database, bulk_insert, changed, touched
from steg2cli.errors import BadInput, Conflict, NotFound, RuleViolation
from steg2cli.i18n import _, ngettext
from steg2cli.models import (
    Agreement,
    Charge,
    ChargeBilling,
    Course,
    CourseParticipant,
    Invoice,
    InvoiceLine,
    LateInterest,
    OpenInvoice,
    Payer,
    Payment,
    PaymentOffset,
    PaymentPart,
    Price,
    Receivable,
    Refund,
    Reminder,
    School,
    Setting,
    Trainer,
)
from steg2cli.services import common, openitems, settings
from steg2cli.services.common import municipality_payers
from steg2cli.services.payers import effective_peppol_id

# ---- prices -----------------------------------------------------------------------------------


def _prices(session: Session) -> list[rules.Price]:
    return [
        rules.Price(p.code, p.valid_from, p.amount_ore, p.vat_bp, p.vat_note)
        for p in session.scalars(select(Price).order_by(Price.code, Price.valid_from))
    ]


def price_list(session: Session) -> list[rules.Price]:
    """Every price with its validity start (rule 16), as the rules take them."""
    return _prices(session)


def _price_json(price: rules.Price) -> dict[str, Any]:
    return {
        "code": price.code,
        "valid_from": common.iso(price.valid_from),
        "amount": price.amount,
        "amount_text": rules.format_kr(price.amount),
        "vat_rate": price.vat_rate / 100,
        "vat_note": price.vat_note,
    }


def list_prices(db: Database) -> list[dict[str, Any]]:
    """Every price with its validity start, by code and date."""
    with db.read() as session:
        return [_price_json(p) for p in _prices(session)]


def set_price(
    db: Database,
    code: str,
    amount: int,
    valid_from: date,
    vat_rate: int | None,
    vat_note: str | None,
    replace: bool = False,
) -> dict[str, Any]:
    """A new price for `code` from `valid_from` on (rule 16); VAT rate and note carry over unless given.
    A price already set for that code and day is changed only with `replace`."""
    common.check(rules.price_setting(code, amount, vat_rate if vat_rate is not None else 0))
    with db.write("price set") as session:
        earlier = rules.price_on(_prices(session), code, valid_from)
        rate = vat_rate if vat_rate is not None else (earlier.vat_rate if earlier else 0)
        note = vat_note if vat_note is not None else (earlier.vat_note if earlier else "")
        if rate == 0 and not note.strip():
            raise BadInput(_("a price without VAT needs a note saying why (--vat-note)"))
        existing = session.scalar(select(Price).where(Price.code == code, Price.valid_from == valid_from))
        if existing is not None and not replace:
            raise Conflict(
                _("{code} already has a price from {valid_from} ({format_kr}); add --replace to change it").format(
                    code=code, valid_from=valid_from.isoformat(), format_kr=rules.format_kr(existing.amount_ore)
                )
            )
        if existing is not None:
            changed(session, "price", existing.id, "amount_ore", existing.amount_ore, amount)
        if existing is None:
            existing = Price(code=code, valid_from=valid_from)
            session.add(existing)
        existing.amount_ore, existing.vat_bp, existing.vat_note = amount, rate, note.strip()
        session.flush()
        touched(session, "price", existing.id)
        result = _price_json(rules.Price(code, valid_from, amount, rate, note.strip()))
        # Allowed (the VAT number may come next), but the invoice run refuses until it is set.
        result["warnings"] = rules.vat_needs_a_vat_number([rate], settings.seller(session)["vat-number"])
        return result


# ---- charges ----------------------------------------------------------------------------------


@dataclass
class Due:
    """What may be due on or before a day, read through the billing marks (issue 17): the agreements,
    seats and purchased courses that may owe something, the charges among them not yet billed, and the
    keys among them already on a live invoice or waived."""

    charges: list[rules.Charge]
    agreements: list[rules.AgreementForBilling]
    seats: dict[str, int]  # seat key → course participant id
    courses: dict[str, int]  # purchased-course key → course id
    closed: set[str]
    stored: dict[str, int]  # key → id of every charge among them written before (billed once, or now)


def due_charges(session: Session, until: date) -> Due:
    """Rule 17: every charge due on or before `until`, priced, that is neither on a live invoice nor
    waived. Only what the billing marks say may still owe is read, so the work follows what is new, not
    every charge of every year."""
    payer_of = municipality_payers(session)
    may_owe = or_(
        Agreement.fees_from.is_(None),
        and_(Agreement.fees_from <= until, or_(Agreement.end.is_(None), Agreement.fees_from < Agreement.end)),
    )
    agreements = [
        rules.AgreementForBilling(
            id=agreement_id,
            start=start,
            end=end,
            payer=(school_payer or payer_of[school_place]) if school_place is not None else payer_of[place],
            who=who,
            school=school or "",
            fees_from=fees_from,
            billed_until=billed_until,
        )
        for agreement_id, start, end, fees_from, billed_until, place, who, school, school_payer, school_place in (
            session.execute(
                select(
                    Agreement.id,
                    Agreement.start,
                    Agreement.end,
                    Agreement.fees_from,
                    Agreement.billed_until,
                    Agreement.municipality_code,
                    Trainer.name,
                    School.name,
                    School.payer_id,
                    School.municipality_code,
                )
                .join(Trainer, Trainer.id == Agreement.trainer_id)
                .outerjoin(School, School.id == Agreement.school_id)
                .where(may_owe, Agreement.start <= until)
            )
        )
    ]
    seats: list[rules.CourseSeatForBilling] = []
    seat_ids: dict[str, int] = {}
    for participant_id, course_id, trainer_id, course_date, payer, who in session.execute(
        select(
            CourseParticipant.id,
            CourseParticipant.course_id,
            CourseParticipant.trainer_id,
            Course.course_date,
            CourseParticipant.municipality_code,
            Trainer.name,
        )
        .join(Course, Course.id == CourseParticipant.course_id)
        .join(Trainer, Trainer.id == CourseParticipant.trainer_id)
        .where(
            CourseParticipant.billed == false(),
            Course.kind == "open",
            Course.course_date <= until,
            Course.cancelled_on.is_(None),
            CourseParticipant.unenrolled_on.is_(None),
        )
    ):
        seats.append(rules.CourseSeatForBilling(course_id, trainer_id, course_date, payer_of[payer], who))
        seat_ids[rules.seat_key(course_id, trainer_id)] = participant_id
    bought = [
        rules.PurchasedCourseForBilling(course_id, course_date, payer_of[place or ""], name or "")
        for course_id, course_date, place, name in session.execute(
            select(Course.id, Course.course_date, Course.municipality_code, Course.place).where(
                Course.billed == false(),
                Course.kind == "purchased",
                Course.course_date <= until,
                Course.cancelled_on.is_(None),
            )
        )
    ]
    stored, closed = _stored_among(session, rules.charge_keys(until, agreements, seats, bought))
    try:
        charges = rules.charges_due(until, agreements, seats, bought, _prices(session), closed)
    except rules.MissingPrice as exc:
        raise RuleViolation([str(exc)]) from None
    # Reminder fees and late-payment interest (rules 40-41) are written when they arise and wait here,
    # through the index on `to_bill`, for the next run.
    for row in session.execute(
        select(Charge.__table__).where(Charge.to_bill == true(), Charge.due_date <= until, Charge.waived_by.is_(None))
    ):
        stored[row.key] = row.id
        charges.append(
            rules.Charge(
                row.key,
                row.kind,
                row.due_date,
                row.payer_id,
                row.amount_ore,
                row.vat_bp,
                row.description,
                row.who,
                row.period,
                rules.COMPENSATION_NOTE,
            )
        )
    courses = {rules.course_key(c.course_id): c.course_id for c in bought}
    return Due(charges, agreements, seat_ids, courses, closed, stored)


def _stored_among(session: Session, keys: Sequence[str]) -> tuple[dict[str, int], set[str]]:
    """Of `keys`, those written as charges before (key → id), and those among them that are on a live
    invoice or were waived by a credit note (rule 26): one look-up by key, through the unique index."""
    stored: dict[str, int] = {}
    closed: set[str] = set()
    for chunk in common.chunks(keys):
        for key, charge_id, billed, waived_by in session.execute(
            select(Charge.key, Charge.id, ChargeBilling.charge_id, Charge.waived_by)
            .outerjoin(ChargeBilling, ChargeBilling.charge_id == Charge.id)
            .where(Charge.key.in_(chunk))
        ):
            stored[key] = charge_id
            if billed is not None or waived_by is not None:
                closed.add(key)
    return stored, closed


def _settle(session: Session, due: Due, until: date) -> None:
    """Move the billing marks past what this run billed and what it found billed already, so the next
    run and the dashboard need not read them again."""
    closed = due.closed | {c.key for c in due.charges}
    moved = [
        {"id": a.id, "fees_from": fees_from}
        for a in due.agreements
        if (fees_from := rules.next_fees_from(a, until, closed)) != a.fees_from
    ]
    if moved:
        session.execute(update(Agreement), moved)
    for table, ids in ((CourseParticipant, due.seats), (Course, due.courses)):
        for chunk in common.chunks([row_id for key, row_id in ids.items() if key in closed]):
            session.execute(update(table).where(table.id.in_(chunk)).values(billed=True))


def _unsettle(session: Session, keys: Iterable[str]) -> None:
    """A credit note freed these charges: put the billing marks back so the next run bills them again."""
    for key in keys:
        kind, ids = rules.charge_source(key)
        if kind == "annual-fee":
            session.execute(update(Agreement).where(Agreement.id == ids[0]).values(fees_from=None))
        elif kind == "open-course-seat":
            session.execute(
                update(CourseParticipant)
                .where(CourseParticipant.course_id == ids[0], CourseParticipant.trainer_id == ids[1])
                .values(billed=False)
            )
        elif kind == "purchased-course":
            session.execute(update(Course).where(Course.id == ids[0]).values(billed=False))
        elif rules.is_compensation(kind):
            session.execute(update(Charge).where(Charge.key == key).values(to_bill=True))


def invoices_with_void_charges(session: Session) -> list[dict[str, Any]]:
    """Rule 26: live invoices that carry a charge whose cause was cancelled; each should be credited."""
    cancelled = set(session.scalars(select(Course.id).where(Course.cancelled_on.is_not(None))))
    unenrolled = {
        (row[0], row[1])
        for row in session.execute(
            select(CourseParticipant.course_id, CourseParticipant.trainer_id).where(
                CourseParticipant.unenrolled_on.is_not(None)
            )
        )
    }
    if not cancelled and not unenrolled:
        return []
    # Only the charges those cancellations and unenrolments could have caused, looked up by their keys
    # (the unique index on charges.key), not every course charge ever billed.
    exact = [rules.course_key(course) for course in cancelled]
    exact += [rules.seat_key(course, trainer) for course, trainer in unenrolled]
    caused = [Charge.key.like(f"open-course-seat:{course}:%") for course in cancelled]
    found: dict[int, list[str]] = defaultdict(list)
    for number, key, description, who in session.execute(
        select(ChargeBilling.invoice_number, Charge.key, Charge.description, Charge.who)
        .join(Charge, Charge.id == ChargeBilling.charge_id)
        .where(or_(Charge.key.in_(exact), *caused))
    ):
        if rules.charge_is_void(key, cancelled, unenrolled):
            found[number].append(f"{description}, {who}" if who else description)
    invoices = {i.number: i for i in session.scalars(select(Invoice).where(Invoice.number.in_(list(found))))}
    return [
        {
            "number": number,
            "payer": {
                "id": invoices[number].payer_id,
                "code": invoices[number].payer_code,
                "name": invoices[number].payer_name,
            },
            "void_charges": found[number],
        }
        for number in sorted(found)
    ]


# ---- rules 40-42 on an invoice ----------------------------------------------------------------


def summaries(session: Session, numbers: Sequence[int]) -> dict[int, Any]:
    """The `receivables` rows of these invoices (those that have one), by invoice number."""
    found: dict[int, Any] = {}
    for chunk in common.chunks(numbers):
        found.update(
            (row.invoice_number, row)
            for row in session.execute(select(Receivable.__table__).where(Receivable.invoice_number.in_(chunk)))
        )
    return found


def money_history(session: Session, number: int) -> dict[str, Any]:
    """An invoice's parts, set-offs and refunds, for `invoice show`."""
    offsets = list(
        session.scalars(
            select(PaymentOffset)
            .where((PaymentOffset.from_invoice == number) | (PaymentOffset.to_invoice == number))
            .order_by(PaymentOffset.id)
        )
    )
    shown = common.shown_numbers(session, [n for o in offsets for n in (o.from_invoice, o.to_invoice)])
    return {
        "parts": [
            {"payment": payment_id, "date": common.iso(day), "amount": amount}
            for payment_id, day, amount in session.execute(
                select(PaymentPart.payment_id, Payment.paid_on, PaymentPart.amount_ore)
                .join(Payment, Payment.id == PaymentPart.payment_id)
                .where(PaymentPart.invoice_number == number)
                .order_by(PaymentPart.id)
            )
        ],
        "offsets": [
            {
                "from": shown[o.from_invoice],
                "to": shown[o.to_invoice],
                "date": common.iso(o.offset_on),
                "amount": o.amount_ore,
            }
            for o in offsets
        ],
        "refunds": [
            {"id": r.id, "date": common.iso(r.refunded_on), "amount": r.amount_ore, "note": r.note}
            for r in session.scalars(select(Refund).where(Refund.invoice_number == number).order_by(Refund.id))
        ],
    }


# ---- invoice objects --------------------------------------------------------------------------


LINE_COLUMNS = (
    InvoiceLine.invoice_number,
    InvoiceLine.kind,
    InvoiceLine.charge_id,
    InvoiceLine.description,
    InvoiceLine.who,
    InvoiceLine.period,
    InvoiceLine.amount_ore,
    InvoiceLine.vat_bp,
)


def _line_json(line: Any) -> dict[str, Any]:
    """One line, from an InvoiceLine or a row of LINE_COLUMNS."""
    return {
        "charge": line.kind,
        "charge_id": line.charge_id,
        "description": line.description,
        "who": line.who,
        "period": line.period,
        "amount": line.amount_ore,
        "vat_rate": line.vat_bp / 100,
    }


@lru_cache(maxsize=64)
def _seller_details(text: str) -> dict[str, str]:
    return dict(json.loads(text))


def _seller(text: str) -> dict[str, str]:
    """The seller's details as copied onto an invoice (a run's invoices share one copy)."""
    return dict(_seller_details(text))


def payer_snapshot_json(invoice: Any) -> dict[str, Any]:
    """The payer as it was when the invoice was issued (rule 27)."""
    return {
        "id": invoice.payer_id,
        "code": invoice.payer_code,
        "name": invoice.payer_name,
        "org_number": invoice.payer_org_number,
        "peppol_id": invoice.payer_peppol_id,
        "address": rules.address_lines(invoice.payer_address),
        "reference": invoice.payer_reference,
        "email": invoice.payer_email,
        "filled_in": [],
    }


#: The payer details an invoice carries that may have been empty when it was issued, JSON key → Payer column.
FILLABLE = ("org_number", "peppol_id", "address", "reference", "email")


def fill_payers(session: Session, invoices: Sequence[dict[str, Any]]) -> None:
    """One reading of an issued invoice's payer everywhere (`invoice show`, `--json`, the invoice basis, the
    e-invoice, the PDF): the details as issued, and a detail that was empty then taken from the payer as it
    is now, named in `payer.filled_in` (rule 27: what was issued never changes; what was missing may be
    completed)."""
    lacking = {i["payer"]["id"] for i in invoices if any(not i["payer"][key] for key in FILLABLE)}
    lacking.discard(None)
    if not lacking:
        return
    current = {p.id: p for p in session.scalars(select(Payer).where(Payer.id.in_(sorted(lacking))))}
    for invoice in invoices:
        payer = invoice["payer"]
        now = current.get(payer["id"])
        if now is None:
            continue
        today = {
            "org_number": now.org_number,
            "peppol_id": effective_peppol_id(now),
            "address": rules.address_lines(now.address),
            "reference": now.reference,
            "email": now.email,
        }
        for key in FILLABLE:
            if not payer[key] and today[key]:
                payer[key] = today[key]
                payer["filled_in"].append(key)
        invoice["payer_address"] = "\n".join(payer["address"])
        invoice["payer_reference"] = payer["reference"]


def invoice_json(
    invoice: Any,
    lines: Sequence[Any],
    credited_by: int | None,
    paid: int = 0,
    on: date | None = None,
    line_count: int | None = None,
    money: Any = None,
    reminders: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """An invoice or credit note as CLI.md describes it, with its payment state on `on` (rule 33; default:
    its own date). For a table, `line_count` stands in for lines not read (`lines` and `vat_by_rate` are
    then empty). `money` is its `receivables` row (rules 40-42), if it has one; `paid` is then net of
    what was paid back."""
    totals = rules.invoice_totals((line.amount_ore, line.vat_bp) for line in lines)
    state = rules.invoice_state(
        invoice.kind, invoice.total_ore, invoice.due_date, credited_by is not None, paid, on or invoice.invoice_date
    )
    imported = invoice.kind == "imported"
    return {
        # An invoice taken over from the old system (rule 37) shows its old number; `internal_number` is steg2's.
        "number": invoice.old_number if imported else invoice.number,
        "internal_number": invoice.number,
        "kind": invoice.kind,
        "date": common.iso(invoice.invoice_date),
        "due_date": common.iso(invoice.due_date),
        "ocr": invoice.ocr,
        "payer": payer_snapshot_json(invoice),
        "payer_address": invoice.payer_address,
        "payer_reference": invoice.payer_reference,
        "seller": _seller(invoice.seller),
        "lines": [_line_json(line) for line in lines],
        "line_count": len(lines) if line_count is None else line_count,
        "net": invoice.net_ore,
        "vat": invoice.vat_ore,
        "vat_by_rate": [{"rate": r / 100, "net": n, "vat": v} for r, n, v in totals.vat_by_rate],
        "total": invoice.total_ore,
        "vat_note": invoice.vat_note,
        "credits": invoice.credits_number,
        "reason": invoice.reason,
        "credited_by": credited_by,
        "waived": bool(invoice.waived),
        "paid": state.paid,
        "balance": state.balance,
        "state": state.state,
        "overpaid": state.overpaid,
        "to_pay_back": state.to_pay_back,
        "days_late": state.days_late,
        "refunded": money.refunded_ore if money is not None else 0,
        "interest_charged": money.interest_ore if money is not None else 0,
        "blocked": (
            {"reason": money.block_reason, "date": common.iso(money.blocked_on)}
            if money is not None and money.blocked_on is not None
            else None
        ),
        "reminders": list(reminders),
    }


def paid_by_invoice(session: Session, numbers: Sequence[int], money: dict[int, Any] | None = None) -> dict[int, int]:
    """Öre received per invoice (rule 33), for these invoice numbers, net of refunds (rule 42): payments put
    whole on it, and from its `receivables` row (`money`, read here when not given) parts and set-offs."""
    if money is None:
        money = summaries(session, numbers)
    wanted = set(numbers)
    paid: dict[int, int] = {
        number: row.moved_ore - row.refunded_ore for number, row in money.items() if number in wanted
    }
    for number, total in session.execute(
        select(Payment.invoice_number, func.sum(Payment.amount_ore))
        .where(Payment.invoice_number.in_(numbers))
        .group_by(Payment.invoice_number)
    ):
        if number is not None:
            paid[number] = paid.get(number, 0) + int(total or 0)
    return paid


def money_after(session: Session, numbers: Sequence[int], on: date, money: dict[int, Any]) -> dict[int, int]:
    """Of what `paid_by_invoice` counts for these invoices, the money dated after `on` (payments whole or in
    parts by the payment's date, set-offs in less out by their date, less refunds by theirs): the state as of
    `on` leaves it out. `money` is their `receivables` rows: only invoices with one have parts, set-offs or
    refunds."""
    later: dict[int, int] = defaultdict(int)
    for number, total in session.execute(
        select(Payment.invoice_number, func.sum(Payment.amount_ore))
        .where(Payment.invoice_number.in_(numbers), Payment.paid_on > on)
        .group_by(Payment.invoice_number)
    ):
        if number is not None:
            later[number] += int(total or 0)
    moved = [number for number in numbers if number in money]
    if moved:
        for number, total in session.execute(
            select(PaymentPart.invoice_number, func.sum(PaymentPart.amount_ore))
            .join(Payment, Payment.id == PaymentPart.payment_id)
            .where(PaymentPart.invoice_number.in_(moved), Payment.paid_on > on)
            .group_by(PaymentPart.invoice_number)
        ):
            later[number] += int(total or 0)
        for column, sign in ((PaymentOffset.to_invoice, 1), (PaymentOffset.from_invoice, -1)):
            for number, total in session.execute(
                select(column, func.sum(PaymentOffset.amount_ore))
                .where(column.in_(moved), PaymentOffset.offset_on > on)
                .group_by(column)
            ):
                later[number] += sign * int(total or 0)
        for number, total in session.execute(
            select(Refund.invoice_number, func.sum(Refund.amount_ore))
            .where(Refund.invoice_number.in_(moved), Refund.refunded_on > on)
            .group_by(Refund.invoice_number)
        ):
            later[number] -= int(total or 0)
    return {number: amount for number, amount in later.items() if amount}


def _load_invoices(
    session: Session, invoices: Sequence[Any], on: date | None = None, with_lines: bool = True
) -> list[dict[str, Any]]:
    """The invoices as `invoice_json` describes them; without `with_lines`, for a table, the lines are only
    counted (`lines` and `vat_by_rate` are empty; `line_count` and the sums stand)."""
    numbers = [i.number for i in invoices]
    lines: dict[int, list[Any]] = defaultdict(list)
    counts: dict[int, int] = {}
    credits: dict[int, int] = {}
    paid: dict[int, int] = {}
    money: dict[int, Any] = {}
    reminders: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for chunk in common.chunks(numbers):
        if with_lines:
            for line in session.execute(
                select(*LINE_COLUMNS).where(InvoiceLine.invoice_number.in_(chunk)).order_by(InvoiceLine.id)
            ):
                lines[line.invoice_number].append(line)
        else:
            counts.update(
                session.execute(
                    select(InvoiceLine.invoice_number, func.count())
                    .where(InvoiceLine.invoice_number.in_(chunk))
                    .group_by(InvoiceLine.invoice_number)
                ).all()
            )
        for number, credited, credited_on in session.execute(
            select(Invoice.number, Invoice.credits_number, Invoice.invoice_date).where(
                Invoice.credits_number.in_(chunk)
            )
        ):
            # As of `on`: a credit note dated later had not cancelled the invoice yet.
            if credited is not None and (on is None or credited_on <= on):
                credits[credited] = number
        found = summaries(session, chunk)
        money.update(found)
        paid.update(paid_by_invoice(session, chunk, found))
        if on is not None:
            for number, later in money_after(session, chunk, on, found).items():
                paid[number] = paid.get(number, 0) - later
        # The reminders themselves only where the lines are read too (not for a table).
        reminded = [number for number, row in found.items() if row.reminders] if with_lines else []
        if reminded:
            for row in session.execute(
                select(Reminder.__table__).where(Reminder.invoice_number.in_(reminded)).order_by(Reminder.level)
            ):
                reminders[row.invoice_number].append(
                    {
                        "level": row.level,
                        "date": common.iso(row.reminded_on),
                        "due_date": common.iso(row.due_date),
                        "fee": row.fee_ore,
                    }
                )
    loaded = [
        invoice_json(
            i,
            lines[i.number],
            credits.get(i.number),
            paid.get(i.number, 0),
            on,
            None if with_lines else counts.get(i.number, 0),
            money.get(i.number),
            reminders.get(i.number, ()),
        )
        for i in invoices
    ]
    fill_payers(session, loaded)
    if with_lines:  # the JSON documents: every attempt to deliver each (rule 43)
        delivered = deliveries_by_invoice(session, numbers)
        for invoice in loaded:
            invoice["deliveries"] = delivered.get(invoice["number"], [])
    return loaded


def deliveries_by_invoice(session: Session, numbers: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    """Every attempt to deliver these invoices and credit notes (and their reminders), oldest first (rule 43):
    `status` `sent`, `failed`, or `uncertain` (started, never confirmed)."""
    from steg2cli.models import Delivery

    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for chunk in common.chunks(list(numbers)):
        for row in session.scalars(select(Delivery).where(Delivery.invoice_number.in_(chunk)).order_by(Delivery.id)):
            assert row.invoice_number is not None
            found[row.invoice_number].append(
                {
                    "channel": row.channel,
                    "date": common.iso(row.on_date),
                    "to": row.recipient,
                    "status": "uncertain" if row.status == "started" else row.status,
                    "reference": row.reference,
                    "reason": row.reason,
                    "kind": row.kind,
                    "level": row.level,
                }
            )
    return found


def _next_number(session: Session) -> int:
    # FOR UPDATE serialises invoice runs on PostgreSQL; SQLite's BEGIN IMMEDIATE already has.
    row = session.scalar(select(Setting).where(Setting.key == settings.NEXT_NUMBER).with_for_update())
    return int(row.value) if row is not None else 1


def _take_numbers(session: Session, count: int) -> list[int]:
    first = _next_number(session)
    session.merge(Setting(key=settings.NEXT_NUMBER, value=str(first + count)))
    return list(range(first, first + count))


def payer_snapshot(session: Session, payer_id: int) -> dict[str, Any]:
    """The payer's details as they stand today, copied onto the invoice (rule 27)."""
    payer = session.get(Payer, payer_id)
    assert payer is not None
    return {
        "payer_id": payer.id,
        "payer_code": payer.code,
        "payer_name": payer.name,
        "payer_address": payer.address,
        "payer_reference": payer.reference,
        "payer_org_number": payer.org_number,
        "payer_peppol_id": effective_peppol_id(payer),
        "payer_email": payer.email,
    }


def zero_led_references(session: Session) -> dict[str, int]:
    """The payment references of invoices from before steg2 (rule 37) that begin with a zero, kept as typed,
    without their leading zeros → the invoice's internal number: a reference matches with or without its
    leading zeros, as the bank gives it (rule 32). steg2's own OCR references never begin with a zero, and
    only the few old invoices are read."""
    return {
        ocr.lstrip("0"): number
        for number, ocr in session.execute(
            select(Invoice.number, Invoice.ocr).where(Invoice.kind == "imported", Invoice.ocr.like("0%"))
        )
        if rules.is_plain_number(ocr)
    }


def resolve_number(session: Session, text: str) -> int | None:
    """The internal number of an invoice taken over from the old system (rule 37), found by its old number
    or its old payment reference; None when no such invoice has it."""
    text = text.strip()
    if not text:
        return None
    found = session.scalar(select(Invoice.number).where(Invoice.old_number == text))
    if found is None:
        found = session.scalar(select(Invoice.number).where(Invoice.kind == "imported", Invoice.ocr == text))
    return found


# ---- the invoice run --------------------------------------------------------------------------


def run(db: Database, run_date: date, today: date, dry_run: bool = False, lines: bool = True) -> dict[str, Any]:
    """Rule 18: invoice every charge due on or before `run_date` not yet on a live invoice, per payer.

    With `lines=False` each invoice comes back without its lines, only their number (`line_count`):
    enough for a person reading the summary, and much less work for a national run.
    """
    if dry_run:
        with db.read() as session:
            return _run(session, run_date, today, dry_run=True, with_lines=lines)
    with db.write("invoice run") as session:
        return _run(session, run_date, today, dry_run=False, with_lines=lines)


def _run(session: Session, run_date: date, today: date, dry_run: bool, with_lines: bool) -> dict[str, Any]:
    first_number = _next_number(session)  # locks the series first when writing on PostgreSQL
    latest = session.scalar(select(Invoice.invoice_date).order_by(Invoice.number.desc()).limit(1))
    if not dry_run:
        common.check(rules.run_date_allowed(run_date, latest, today))
    found = due_charges(session, run_date)
    groups = rules.invoice_groups(found.charges, found.closed)
    vat_problem = rules.vat_needs_a_vat_number(
        (c.vat_rate for c in found.charges), settings.seller(session)["vat-number"]
    )
    if not dry_run:
        common.check(vat_problem)
        _settle(session, found, run_date)  # every charge found due is billed below, in this transaction
    if not groups:
        return {"date": common.iso(run_date), "dry_run": dry_run, "invoices": [], "warnings": vat_problem}
    numbers = list(range(first_number, first_number + len(groups)))
    due = rules.invoice_due_date(run_date, settings.payment_days(session))
    seller = json.dumps(settings.seller(session), ensure_ascii=False, sort_keys=True)
    created = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    invoices: list[Invoice] = []
    lines: list[tuple[int, rules.Charge]] = []
    for number, (payer, charges) in zip(numbers, groups, strict=True):
        totals = rules.invoice_totals((c.amount, c.vat_rate) for c in charges)
        notes = sorted({c.vat_note for c in charges if c.vat_rate == 0 and c.vat_note})
        invoices.append(
            Invoice(
                number=number,
                kind="invoice",
                invoice_date=run_date,
                due_date=due,
                seller=seller,
                net_ore=totals.net,
                vat_ore=totals.vat,
                total_ore=totals.total,
                vat_note=" ".join(notes),
                credits_number=None,
                reason=None,
                created_at=created,
                ocr=rules.ocr_reference(number),
                waived=False,
                **payer_snapshot(session, payer),
            )
        )
        lines += [(number, c) for c in charges]
    if dry_run:
        by_number: dict[int, list[Any]] = defaultdict(list)
        for number, charge in lines:
            by_number[number].append(_PreviewLine(charge, None))
        return {
            "date": common.iso(run_date),
            "dry_run": True,
            "invoices": [_described(i, by_number[i.number], with_lines) for i in invoices],
            "warnings": vat_problem,
        }
    charge_ids = _store_charges(session, [charge for _, charge in lines], found.stored)
    session.execute(insert(Invoice), [_row(i) for i in invoices])
    bulk_insert(
        session,
        "invoice_lines",
        ("invoice_number", "charge_id", "kind", "description", "who", "period", "amount_ore", "vat_bp"),
        [
            (number, charge_ids[c.key], c.kind, c.description, c.who, c.period, c.amount, c.vat_rate)
            for number, c in lines
        ],
    )
    # Every line just written is a live billing of its charge (rule 18's guarantee lives in that table).
    session.execute(
        insert(ChargeBilling).from_select(
            ["charge_id", "invoice_number"],
            select(InvoiceLine.charge_id, InvoiceLine.invoice_number).where(
                InvoiceLine.invoice_number.between(numbers[0], numbers[-1])
            ),
        )
    )
    session.merge(Setting(key=settings.NEXT_NUMBER, value=str(numbers[-1] + 1)))
    # Just issued, nothing paid or credited yet: open exactly when there is something to pay.
    owed = [{"invoice_number": i.number, "due_date": i.due_date} for i in invoices if i.total_ore > 0]
    if owed:
        session.execute(insert(OpenInvoice), owed)
    touched(session, "invoice", *numbers)
    issued: dict[int, list[Any]] = defaultdict(list)
    for number, charge in lines:
        issued[number].append(_PreviewLine(charge, charge_ids[charge.key]))
    # The invoices just written, described from what was written (no second trip to the database).
    return {
        "date": common.iso(run_date),
        "dry_run": False,
        "invoices": [_described(i, issued[i.number], with_lines) for i in invoices],
        "warnings": [],
    }


def _described(invoice: Invoice, lines: Sequence[Any], with_lines: bool) -> dict[str, Any]:
    data = invoice_json(invoice, lines if with_lines else [], None)
    data["line_count"] = len(lines)
    if with_lines:
        data["deliveries"] = []  # just issued: not delivered yet (rule 43)
    return data


class _PreviewLine:
    """A charge as the invoice line it becomes (or would become, in a dry run)."""

    def __init__(self, charge: rules.Charge, charge_id: int | None) -> None:
        self.kind, self.charge_id, self.description = charge.kind, charge_id, charge.description
        self.who, self.period, self.amount_ore, self.vat_bp = charge.who, charge.period, charge.amount, charge.vat_rate


def _row(obj: Any) -> dict[str, Any]:
    return {column.key: getattr(obj, column.key) for column in obj.__table__.columns if column.key != "id"}


def _store_charges(session: Session, charges: Sequence[rules.Charge], stored: dict[str, int]) -> dict[str, int]:
    """Write the charges (new ones inserted, freed ones brought up to date); key → id. `stored` holds the
    ids of those written before: the charges to bill are not on a live invoice, so those are the freed
    ones (their invoice was credited)."""
    ids = {c.key: stored[c.key] for c in charges if c.key in stored}
    fresh = [c for c in charges if c.key not in ids]
    again = [c for c in charges if c.key in ids]
    if fresh:
        # Only the invoice run adds charges, one run at a time (BEGIN IMMEDIATE / FOR UPDATE), so every
        # charge with an id above the highest before the insert is one of these.
        highest = session.scalar(select(func.max(Charge.id))) or 0
        bulk_insert(
            session,
            "charges",
            CHARGE_COLUMNS,
            [(c.key, c.kind, c.due, c.payer, c.amount, c.vat_rate, c.description, c.who, c.period) for c in fresh],
        )
        ids.update(
            (row[0], row[1]) for row in session.execute(select(Charge.key, Charge.id).where(Charge.id > highest))
        )
    for charge in again:
        session.execute(update(Charge).where(Charge.id == ids[charge.key]).values(**_charge_row(charge)))
    return ids


CHARGE_COLUMNS = ("key", "kind", "due_date", "payer_id", "amount_ore", "vat_bp", "description", "who", "period")


def _charge_row(charge: rules.Charge) -> dict[str, Any]:
    return {
        "key": charge.key,
        "kind": charge.kind,
        "due_date": charge.due,
        "payer_id": charge.payer,
        "amount_ore": charge.amount,
        "vat_bp": charge.vat_rate,
        "description": charge.description,
        "who": charge.who,
        "period": charge.period,
        "to_bill": False,
    }


# ---- reading and crediting --------------------------------------------------------------------


def _past_due(day: date) -> Any:
    """Rule 33 in the database: invoices past their due date on `day`, neither credited nor paid in full,
    with what has been paid on each. It starts from the open-items mark (`open_invoices`, through its
    due-date index), so only the invoices still owed are read, never every invoice ever written."""
    whole = (
        select(func.coalesce(func.sum(Payment.amount_ore), 0))
        .where(Payment.invoice_number == OpenInvoice.invoice_number)
        .scalar_subquery()
    )
    # Parts and set-offs from the sparse summary (rule 42); a refund never makes an invoice owed again.
    paid_so_far = whole + func.coalesce(Receivable.moved_ore, 0)
    return (
        select(
            Invoice.number,
            Invoice.old_number,
            Invoice.payer_id,
            Invoice.payer_name,
            Invoice.due_date,
            Invoice.total_ore,
            Invoice.ocr,
            paid_so_far.label("paid"),
            func.coalesce(Receivable.reminders, 0).label("reminders"),
            Receivable.last_reminder_on,
            Receivable.blocked_on,
        )
        .select_from(OpenInvoice)
        .join(Invoice, Invoice.number == OpenInvoice.invoice_number)
        .outerjoin(Receivable, Receivable.invoice_number == OpenInvoice.invoice_number)
        .where(OpenInvoice.due_date < day)
    )


def _overdue_rows(rows: Iterable[Any], day: date) -> list[dict[str, Any]]:
    result = []
    for invoice in rows:
        state = rules.invoice_state("invoice", invoice.total_ore, invoice.due_date, False, int(invoice.paid), day)
        if state.state == "overdue":
            result.append(
                {
                    "number": common.shown_number(invoice.number, invoice.old_number),
                    "internal_number": invoice.number,
                    "payer": {"id": invoice.payer_id, "name": invoice.payer_name},
                    "due_date": common.iso(invoice.due_date),
                    "days_late": state.days_late,
                    "balance": state.balance,
                    "ocr": invoice.ocr,
                }
            )
    return result


def overdue(session: Session, day: date) -> list[dict[str, Any]]:
    """Rule 33: invoices past their due date on `day` and not paid, most days late first (for the dashboard)."""
    return sorted(
        _overdue_rows(session.execute(_past_due(day)), day), key=lambda r: (-r["days_late"], r["internal_number"])
    )


def overdue_first(session: Session, day: date, most: int) -> tuple[int, list[dict[str, Any]]]:
    """How many invoices `overdue` lists, and its first `most`, counted and cut by the database."""
    count, first = common.count_and_first(
        session, _past_due(day), (OpenInvoice.due_date, OpenInvoice.invoice_number), most
    )
    return count, _overdue_rows(first, day)


def list_invoices(
    db: Database,
    year: int | None = None,
    numbers: Iterable[int] = (),
    on: date | None = None,
    unpaid: bool = False,
    overdue: bool = False,
) -> list[dict[str, Any]]:
    """Invoices and credit notes (of one year, or the given numbers), by number, with their state on `on`;
    `unpaid` keeps invoices still owed (open or overdue), `overdue` those past their due date."""
    with each_invoice(db, year, numbers, on, unpaid, overdue) as found:
        return list(found)


@contextmanager
def each_invoice(
    db: Database,
    year: int | None = None,
    numbers: Iterable[int] = (),
    on: date | None = None,
    unpaid: bool = False,
    overdue: bool = False,
    with_lines: bool = True,
) -> Iterator[Iterator[dict[str, Any]]]:
    """As `list_invoices`, each invoice worked out 500 at a time as they are read: the first comes at once
    (issue 17). Read inside the `with` block. Without `with_lines` the lines are only counted (for a
    table)."""
    with db.read() as session:
        rows = _select_invoices(session, year, list(numbers))
        states = ("overdue",) if overdue else ("open", "overdue") if unpaid else None
        yield (
            invoice
            for chunk in common.chunks(rows)
            for invoice in _load_invoices(session, chunk, on, with_lines)
            if states is None or invoice["state"] in states
        )


def _select_invoices(session: Session, year: int | None, numbers: list[int]) -> list[Any]:
    """The invoices as plain rows (read-only: several times cheaper than ORM objects for a long list; the
    rows have the same attribute names)."""
    session.flush()  # a plain Core select does not autoflush on every SQLAlchemy release
    query = select(Invoice.__table__).order_by(Invoice.number)
    if year is not None:
        # A range on the date, so that the index on invoice_date serves it (extract() would not).
        query = query.where(Invoice.invoice_date.between(date(year, 1, 1), date(year, 12, 31)))
    if numbers:
        query = query.where(Invoice.number.in_(numbers))
        found = list(session.execute(query))
        missing = sorted(set(numbers) - {i.number for i in found})
        if missing and year is not None:
            elsewhere = session.scalars(select(Invoice.number).where(Invoice.number.in_(missing))).all()
            if elsewhere:
                raise NotFound(
                    ngettext(
                        "invoice {join} is not from {year} (leave out --year)",
                        "invoices {join} are not from {year} (leave out --year)",
                        len(elsewhere),
                    ).format(join=", ".join(map(str, sorted(elsewhere))), year=year)
                )
        if missing:
            raise NotFound(_("no invoice number {join}").format(join=", ".join(map(str, missing))))
        return found
    return list(session.execute(query))


def _internal_number(session: Session, text: str) -> int:
    """An invoice number as typed: steg2's own, or an invoice from before steg2 by its old number or reference."""
    text = text.strip()
    found = resolve_number(session, text)
    if found is not None:
        return found
    if text.isascii() and text.isdigit() and len(text) < 19:
        return int(text)
    raise NotFound(_("no invoice number {join}").format(join=text))


def internal_numbers(db: Database, texts: Iterable[str]) -> list[int]:
    """Invoice numbers as typed (`invoice block`, `invoice remind --number`): an old invoice's number works too."""
    with db.read() as session:
        return [_internal_number(session, text) for text in texts]


def show(db: Database, number: int | str, on: date | None = None) -> dict[str, Any]:
    """One invoice or credit note, with its payments; an invoice from before steg2 also by its old number."""
    with db.read() as session:
        if isinstance(number, str):
            number = _internal_number(session, number)
        data = _load_invoices(session, _select_invoices(session, None, [number]), on)[0]
        data["payments"] = [
            {
                "id": p.id,
                "date": common.iso(p.paid_on),
                "amount": p.amount_ore,
                "reference": p.reference,
                "source": p.source,
            }
            for p in session.scalars(
                select(Payment).where(Payment.invoice_number == number).order_by(Payment.paid_on, Payment.id)
            )
        ]
        data.update(money_history(session, number))
        return data


def credit(
    db: Database, number: int, reason: str, credit_date: date, today: date, waive: bool = False
) -> dict[str, Any]:
    """Rule 19: a credit note cancels the invoice whole and frees its charges for the next run; with
    `waive` (rule 26) the charges it frees are never invoiced again."""
    if not reason.strip():
        raise BadInput(_("a credit note needs a reason (--reason)"))
    with db.write("invoice credit") as session:
        invoice = session.get(Invoice, number)
        if invoice is None:
            raise NotFound(_("no invoice number {number}").format(number=number))
        credited_by = session.scalar(select(Invoice.number).where(Invoice.credits_number == number))
        latest = session.scalar(select(Invoice.invoice_date).order_by(Invoice.number.desc()).limit(1))
        common.check(
            rules.credit_allowed(
                invoice.kind,
                invoice.invoice_date,
                credited_by,
                credit_date,
                common.shown_number(invoice.number, invoice.old_number),
            )
            + rules.run_date_allowed(credit_date, latest, today)
        )
        [new_number] = _take_numbers(session, 1)
        lines = list(session.scalars(select(InvoiceLine).where(InvoiceLine.invoice_number == number)))
        note = Invoice(
            number=new_number,
            kind="credit",
            invoice_date=credit_date,
            due_date=credit_date,
            payer_id=invoice.payer_id,
            payer_code=invoice.payer_code,
            payer_name=invoice.payer_name,
            payer_address=invoice.payer_address,
            payer_reference=invoice.payer_reference,
            payer_org_number=invoice.payer_org_number,
            payer_peppol_id=invoice.payer_peppol_id,
            payer_email=invoice.payer_email,
            ocr=rules.ocr_reference(new_number),
            seller=invoice.seller,
            net_ore=-invoice.net_ore,
            vat_ore=-invoice.vat_ore,
            total_ore=-invoice.total_ore,
            vat_note=invoice.vat_note,
            credits_number=number,
            reason=" ".join(reason.split()),
            created_at=datetime.now(UTC).replace(tzinfo=None, microsecond=0),
            waived=waive,
        )
        session.add(note)
        session.flush()
        session.add_all(
            InvoiceLine(
                invoice_number=new_number,
                charge_id=line.charge_id,
                kind=line.kind,
                description=line.description,
                who=line.who,
                period=line.period,
                amount_ore=-line.amount_ore,
                vat_bp=line.vat_bp,
            )
            for line in lines
        )
        session.execute(delete(ChargeBilling).where(ChargeBilling.invoice_number == number))
        charge_ids = [line.charge_id for line in lines]
        if waive:
            session.execute(update(Charge).where(Charge.id.in_(charge_ids)).values(waived_by=new_number))
            # Interest waived is no longer charged: the next interest run trues those invoices up again.
            trued = session.scalars(select(LateInterest.invoice_number).where(LateInterest.charge_id.in_(charge_ids)))
            openitems.reopen(session, *set(trued))
        else:
            _unsettle(session, session.scalars(select(Charge.key).where(Charge.id.in_(charge_ids))).all())
        _waive_compensation(session, number, new_number)
        openitems.reopen(session, number)
        touched(session, "invoice", number, new_number)
        return _load_invoices(session, [note])[0]


def _waive_compensation(session: Session, number: int, note: int) -> None:
    """Rules 40-41 with rule 19: a credit note cancels the debt, and with it the reminder fees and late
    interest charged for it that are not yet on a live invoice (they are waived by the note); those already
    invoiced stay, for the coordinator to credit that invoice."""
    ids = set(
        session.scalars(
            select(Reminder.charge_id).where(Reminder.invoice_number == number, Reminder.charge_id.is_not(None))
        )
    ) | set(session.scalars(select(LateInterest.charge_id).where(LateInterest.invoice_number == number)))
    ids.discard(None)
    if not ids:
        return
    billed = set(session.scalars(select(ChargeBilling.charge_id).where(ChargeBilling.charge_id.in_(ids))))
    free = sorted(i for i in ids if i is not None and i not in billed)
    if free:
        session.execute(update(Charge).where(Charge.id.in_(free), Charge.waived_by.is_(None)).values(waived_by=note))


def compensation_invoices(session: Session, numbers: Sequence[int]) -> set[int]:
    """Of these invoices, those of reminder fees and late-payment interest only (rules 40-41)."""
    kinds: dict[int, list[str]] = {}
    for chunk in common.chunks(sorted(set(numbers))):
        for number, kind in session.execute(
            select(InvoiceLine.invoice_number, InvoiceLine.kind).where(InvoiceLine.invoice_number.in_(chunk))
        ):
            kinds.setdefault(number, []).append(kind)
    return {number for number, found in kinds.items() if rules.is_compensation_invoice(found)}


def not_yet_invoiced(session: Session, until: date) -> list[rules.Charge]:
    """What is due on or before `until` and not on a live invoice (for the dashboard)."""
    return due_charges(session, until).charges


# ---- the invoice basis in Excel ---------------------------------------------------------------


def export(db: Database, path: Path, numbers: Sequence[int] = (), year: int | None = None) -> dict[str, int]:
    """Write the invoice basis (fakturaunderlag): the invoices, their lines, their payers, the seller.

    Each sheet prints on A4 one page wide and stays readable: the invoices with what is owed, the payers'
    details on a sheet of their own, the lines with their periods as real dates and the VAT exemption
    note beside the 0 % lines (rule 30)."""
    from steg2cli.excel import Column, Sheet, write_workbook

    with db.read() as session:
        invoices = _load_invoices(session, _select_invoices(session, year, list(numbers)))
        seller = settings.seller(session)
        days = settings.payment_days(session)
    summary = Sheet(
        "Fakturor",
        [
            Column("Fakturanummer", 10, "int"),
            Column("Typ", 12),
            Column("Fakturadatum", 11, "date"),
            Column("Förfallodatum", 11, "date"),
            Column("OCR-nummer", 12),
            Column("Betalare", 24, "wrap"),
            Column("Fakturaadress", 26, "wrap"),
            Column("Er referens", 16, "wrap"),
            Column("Belopp exkl. moms", 14, "money"),
            Column("Moms", 12, "money"),
            Column("Att betala", 14, "money"),
            Column("Krediterar faktura", 10, "int"),
            Column("Krediteras av", 10, "int"),
            Column("Orsak", 24, "wrap"),
        ],
        (
            [
                i["number"],
                "Faktura" if i["kind"] == "invoice" else "Kreditnota",
                i["date"],
                i["due_date"],
                i["ocr"],
                i["payer"]["name"],
                "\n".join(i["payer"]["address"]),
                i["payer"]["reference"],
                i["net"],
                i["vat"],
                i["total"],
                i["credits"],
                i["credited_by"],
                i["reason"],
            ]
            for i in invoices
        ),
    )
    payers = Sheet(
        "Betalare",
        [
            Column("Fakturanummer", 10, "int"),
            Column("Kommunkod", 8),
            Column("Betalare", 26, "wrap"),
            Column("Organisationsnummer", 13),
            Column("Peppol-adress", 17),
            Column("Fakturaadress", 28, "wrap"),
            Column("Er referens", 16, "wrap"),
            Column("E-post för faktura", 26, "wrap"),
        ],
        (
            [
                i["number"],
                i["payer"]["code"],
                i["payer"]["name"],
                i["payer"]["org_number"],
                i["payer"]["peppol_id"],
                "\n".join(i["payer"]["address"]),
                i["payer"]["reference"],
                i["payer"]["email"],
            ]
            for i in invoices
        ),
    )

    def line_row(invoice: dict[str, Any], line: dict[str, Any]) -> list[Any]:
        dates = rules.period_dates(line["period"] or "")
        first, last, ended = dates if dates is not None else (line["period"] or None, None, None)
        return [
            invoice["number"],
            rules.charge_name(line["charge"]),
            line["description"],
            line["who"],
            first,
            last,
            ended,
            line["amount"],
            _percent(line["vat_rate"]),
            invoice["vat_note"] if line["vat_rate"] == 0 else "",
        ]

    lines = Sheet(
        "Rader",
        [
            Column("Fakturanummer", 10, "int"),
            Column("Avgift", 22, "wrap"),
            Column("Beskrivning", 36, "wrap"),
            Column("Vem", 22, "wrap"),
            Column("Period från / datum", 11, "date"),
            Column("Period till", 11, "date"),
            Column("Överenskommelsen upphörde", 12, "date"),
            Column("Belopp exkl. moms", 14, "money"),
            Column("Momssats (%)", 8, "number"),
            Column("Momsupplysning", 44, "wrap"),
        ],
        (line_row(i, line) for i in invoices for line in i["lines"]),
    )
    seller_sheet = Sheet(
        "Säljare",
        [Column("Uppgift", 24), Column("Värde", 50, "wrap")],
        [
            ["Namn", seller["name"]],
            ["Organisationsnummer", seller["org-number"]],
            ["Momsregistreringsnummer", seller["vat-number"]],
            ["F-skatt", "Godkänd för F-skatt" if seller["f-skatt"] == "ja" else ""],
            ["Adress", "\n".join(rules.address_lines(seller["address"]))],
            ["E-post", seller["email"]],
            ["Bankgiro", seller["bankgiro"]],
            ["Plusgiro", seller["plusgiro"]],
            ["Betalningsvillkor", f"{days} dagar netto"],
        ],
    )
    return write_workbook(path, [summary, payers, lines, seller_sheet])


def _percent(rate: float) -> int | float:
    """A VAT rate as Excel shows a number: 25, or 12.5."""
    return int(rate) if float(rate).is_integer() else rate
