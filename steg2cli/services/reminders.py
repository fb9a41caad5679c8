"""Reminders of overdue invoices (rule 40): levels and timing from the settings, blocked invoices left
alone, each reminder recorded on its invoice, a reminder fee (where one was agreed) written as a
`reminder-fee` charge for the next invoice run, and the reminder as a PDF.

`letter(db, number, level)` gives the reminder document of a recorded reminder; delivery (e-mail or print)
and `invoice remind -o` both draw it from there.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from steg2cli import rules
from steg2cli.db import Database, touched
from steg2cli.errors import BadInput, NotFound, RuleViolation
from steg2cli.files import make_folder, write_bytes
from steg2cli.i18n import _
from steg2cli.models import Charge, Invoice, InvoiceBlock, OpenInvoice, Receivable, Reminder
from steg2cli.services import common, invoicing, receivables, settings

if TYPE_CHECKING:
    from steg2cli.documents.reminder import Reminder as ReminderDocument


def _candidates(session: Session, day: date, numbers: Sequence[int]) -> list[Any]:
    """Overdue invoices (all of them, or the ones named) with their reminders so far and block."""
    query = invoicing._past_due(day)
    if numbers:
        query = query.where(Invoice.number.in_(list(numbers)))
    return list(session.execute(query.order_by(OpenInvoice.invoice_number)))


def due(session: Session, day: date) -> list[dict[str, Any]]:
    """Rule 40: the invoices that may be reminded on `day`, for the dashboard and `invoice remind`."""
    terms = settings.reminder_terms(session)
    found = []
    for row in _candidates(session, day, ()):
        level, _why = rules.next_reminder(
            row.due_date,
            row.reminders,
            row.last_reminder_on,
            day,
            terms,
            row.blocked_on is not None,
            row.total_ore - int(row.paid),
        )
        if level is not None:
            found.append(
                {
                    "number": common.shown_number(row.number, row.old_number),
                    "internal_number": row.number,
                    "payer": {"id": row.payer_id, "name": row.payer_name},
                    "due_date": common.iso(row.due_date),
                    "balance": row.total_ore - int(row.paid),
                    "level": level,
                }
            )
    return found


def for_collection(session: Session, day: date) -> list[dict[str, Any]]:
    """Rule 40: invoices still owed after their last reminder's time to pay, to hand over for collection."""
    terms = settings.reminder_terms(session)
    found = []
    for row in session.execute(
        invoicing._past_due(day).where(Receivable.reminders >= max(terms.most, 1)).order_by(OpenInvoice.invoice_number)
    ):
        balance = row.total_ore - int(row.paid)
        if rules.to_collection(row.reminders, row.last_reminder_on, day, terms, balance) and row.blocked_on is None:
            found.append(
                {
                    "number": common.shown_number(row.number, row.old_number),
                    "internal_number": row.number,
                    "payer": {"id": row.payer_id, "name": row.payer_name},
                    "due_date": common.iso(row.due_date),
                    "balance": balance,
                    "reminders": row.reminders,
                    "last_reminder": common.iso(row.last_reminder_on),
                }
            )
    return found


def remind(
    db: Database,
    day: date,
    today: date,
    numbers: Sequence[int] = (),
    dry_run: bool = False,
    folder: Path | None = None,
) -> dict[str, Any]:
    """Rule 40: remind every invoice due a reminder on `day` (or the ones named: each must be due one),
    record each, and with `folder` write each reminder's PDF there."""
    common.check(rules.not_in_future(_("the reminder"), day, today))
    if folder is not None and not Path(folder).parent.is_dir():
        raise BadInput(
            _("cannot write to {folder}: the folder {parent} does not exist").format(
                folder=folder, parent=Path(folder).parent
            )
        )
    with db.write("invoice remind", rollback=dry_run) as session:
        terms = settings.reminder_terms(session)
        if folder is not None:
            from steg2cli.documents.common import seller_missing
            from steg2cli.services.documents import seller_document

            lacking = seller_missing(seller_document(settings.seller(session)), charges_vat=False)
            if lacking:
                raise RuleViolation(
                    [
                        _("cannot write reminders: the seller lacks {missing} (steg2 config set …)").format(
                            missing=", ".join(lacking)
                        )
                    ]
                )
        if numbers:
            missing = sorted(
                set(numbers) - set(session.scalars(select(Invoice.number).where(Invoice.number.in_(list(numbers)))))
            )
            if missing:
                raise NotFound(_("no invoice number {join}").format(join=", ".join(map(str, missing))))
        rows = {row.number: row for row in _candidates(session, day, numbers)}
        shown = common.shown_numbers(session, numbers)
        problems = []
        made: list[tuple[Any, int]] = []
        for number in numbers or sorted(rows):
            row = rows.get(number)
            if row is None:
                problems.append(
                    _("invoice {number} cannot be reminded: {reason}").format(
                        number=shown[number], reason=_("it is not overdue")
                    )
                )
                continue
            level, why = rules.next_reminder(
                row.due_date,
                row.reminders,
                row.last_reminder_on,
                day,
                terms,
                row.blocked_on is not None,
                row.total_ore - int(row.paid),
            )
            if level is None:
                if numbers:
                    problems.append(
                        _("invoice {number} cannot be reminded: {reason}").format(number=shown[number], reason=why)
                    )
                continue
            made.append((row, level))
        if problems:
            raise RuleViolation(problems)
        new_due = rules.reminder_due_date(day, terms)
        result = []
        for row, level in made:
            charge_id = None
            if terms.fee:
                charge = Charge(
                    key=f"reminder-fee:{row.number}:{level}",
                    kind="reminder-fee",
                    due_date=day,
                    payer_id=row.payer_id,
                    amount_ore=terms.fee,
                    vat_bp=0,
                    description=f"{rules.COMPENSATION_CODES['reminder-fee']}, "
                    f"faktura {common.shown_number(row.number, row.old_number)} "
                    f"(påminnelse {level} av {day.isoformat()})",
                    who="",
                    period=day.isoformat(),
                    to_bill=True,
                )
                session.add(charge)
                session.flush()
                charge_id = charge.id
            session.add(
                Reminder(
                    invoice_number=row.number,
                    level=level,
                    reminded_on=day,
                    due_date=new_due,
                    fee_ore=terms.fee,
                    charge_id=charge_id,
                )
            )
            result.append(
                {
                    "invoice": common.shown_number(row.number, row.old_number),
                    "internal_number": row.number,
                    "level": level,
                    "due_date": common.iso(new_due),
                    "fee": terms.fee,
                }
            )
        receivables.refresh(session, *(row.number for row, _level in made))
        touched(session, "invoice", *(row.number for row, _level in made))
        files = []
        if folder is not None and result and not dry_run:
            from steg2cli.documents.reminder import file_name, reminder_pdf

            make_folder(Path(folder))
            for item in result:
                document = _letter(session, item["internal_number"], item["level"])
                target = Path(folder) / file_name(document)
                write_bytes(target, reminder_pdf(document))
                files.append(str(target))
        return {"date": common.iso(day), "reminders": result, "dry_run": dry_run, "files": files}


def block(db: Database, number: int, reason: str, day: date) -> dict[str, Any]:
    """Rule 40: a blocked invoice (a dispute) is never reminded; the reason is kept."""
    if not reason.strip():
        raise BadInput(_("a block needs a reason (--reason)"))
    with db.write("invoice block") as session:
        invoice = _invoice(session, number)
        if invoice.kind not in rules.PAYABLE_KINDS:
            raise BadInput(_("{number} is a credit note; only an invoice is reminded").format(number=number))
        summary = session.get(Receivable, number)
        if summary is not None and summary.blocked_on is not None:
            raise BadInput(
                _("invoice {number} is blocked already").format(number=common.shown_number(number, invoice.old_number))
            )
        record = InvoiceBlock(invoice_number=number, blocked_on=day, reason=" ".join(reason.split())[:400])
        session.add(record)
        receivables.refresh(session, number)
        touched(session, "invoice", number)
        return {
            "number": common.shown_number(number, invoice.old_number),
            "internal_number": number,
            "blocked": {"reason": record.reason, "date": common.iso(day)},
        }


def unblock(db: Database, number: int, day: date) -> dict[str, Any]:
    """Rule 40: the invoice may be reminded again; the block stays recorded."""
    with db.write("invoice unblock") as session:
        invoice = _invoice(session, number)
        blocks = list(
            session.scalars(
                select(InvoiceBlock).where(InvoiceBlock.invoice_number == number, InvoiceBlock.unblocked_on.is_(None))
            )
        )
        if not blocks:
            raise BadInput(
                _("invoice {number} is not blocked").format(number=common.shown_number(number, invoice.old_number))
            )
        for record in blocks:
            record.unblocked_on = day
        receivables.refresh(session, number)
        touched(session, "invoice", number)
        return {
            "number": common.shown_number(number, invoice.old_number),
            "internal_number": number,
            "blocked": None,
        }


def _invoice(session: Session, number: int) -> Invoice:
    invoice = session.get(Invoice, number)
    if invoice is None:
        raise NotFound(_("no invoice number {number}").format(number=number))
    return invoice


def _letter(session: Session, number: int, level: int) -> ReminderDocument:
    from steg2cli.documents.reminder import Reminder as ReminderDocument
    from steg2cli.services.documents import payer_document, seller_document

    record = session.scalar(select(Reminder).where(Reminder.invoice_number == number, Reminder.level == level))
    if record is None:
        raise NotFound(
            _("invoice {number} has no reminder {level}").format(number=common.shown(session, number), level=level)
        )
    invoice = invoicing._load_invoices(
        session, invoicing._select_invoices(session, None, [number]), record.reminded_on, with_lines=False
    )[0]
    return ReminderDocument(
        seller=seller_document(invoice["seller"], settings.seller(session)),
        payer=payer_document(invoice["payer"]),
        invoice_number=invoice["number"],  # an invoice from before steg2 keeps its old number
        invoice_date=date.fromisoformat(invoice["date"]),
        original_due_date=date.fromisoformat(invoice["due_date"]),
        total=invoice["total"],
        paid=invoice["paid"],
        balance=max(invoice["balance"], 0),
        level=level,
        reminder_date=record.reminded_on,
        due_date=record.due_date,
        ocr=invoice["ocr"],
        fee=record.fee_ore,
    )


def letter(db: Database, number: int, level: int) -> ReminderDocument:
    """The reminder document (`steg2cli.documents.reminder.Reminder`) of invoice `number`'s reminder at
    `level`, as it was on the reminder's day: for `reminder_pdf`, e-mail or print."""
    with db.read() as session:
        return _letter(session, number, level)
