"""The reminder of an overdue invoice as a PDF (rule 40): never an e-invoice, e-mailed or printed.

It says which invoice is late (its number and date, the original due date), what has been paid and what
is left, the new day to pay by, how to pay (giro and OCR reference), and that it can be ignored if the
money is already on its way. A reminder fee, where one was agreed, is not paid through the reminder: it is
a charge of its own, billed on the next invoice, and the reminder says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from steg2cli.documents.common import (
    DocumentError,
    Payer,
    Seller,
    day,
    kr,
    payer_data,
    payment_data,
    render,
    seller_data,
    seller_missing,
)

ORDINALS = {1: "första", 2: "andra", 3: "tredje", 4: "fjärde", 5: "femte"}


@dataclass(frozen=True)
class Reminder:
    """One reminder of one invoice, level 1, 2, …; money in öre. `invoice_number` is printed as given (an
    invoice imported from before steg2 keeps its old number, "2025-0042"); `fee` 0 means no reminder fee."""

    seller: Seller
    payer: Payer
    invoice_number: str | int
    invoice_date: date
    original_due_date: date
    total: int
    paid: int
    balance: int
    level: int
    reminder_date: date
    due_date: date
    ocr: str
    fee: int = 0


def file_name(reminder: Reminder) -> str:
    """`paminnelse-42-1.pdf`: the invoice number and the reminder's level."""
    return f"paminnelse-{reminder.invoice_number}-{reminder.level}.pdf"


def reminder_pdf(reminder: Reminder) -> bytes:
    """The reminder as a PDF/A-3b file (A4, Swedish, fonts embedded). Raises DocumentError when it cannot
    say how to pay (the seller lacks a giro, its organisation number or address) or the level is not 1 or
    more."""
    lacking = seller_missing(reminder.seller, charges_vat=False)
    if lacking:
        raise DocumentError("the seller lacks " + ", ".join(lacking))
    if reminder.level < 1:
        raise DocumentError("a reminder's level is 1 or more")
    return render("reminder.typ", reminder_data(reminder), reminder.reminder_date)


def title(level: int) -> str:
    """ "Påminnelse" for the first, "Påminnelse 2" for the second, and so on."""
    return "Påminnelse" if level == 1 else f"Påminnelse {level}"


def reminder_data(reminder: Reminder) -> dict[str, object]:
    """What the template prints, every figure already formatted."""
    seller = reminder.seller
    payer = reminder.payer
    number = str(reminder.invoice_number)
    facts: list[tuple[str, str]] = [
        ("Påminnelsedatum", day(reminder.reminder_date)),
        ("Fakturanummer", number),
        ("Fakturadatum", day(reminder.invoice_date)),
        ("Ursprunglig förfallodag", day(reminder.original_due_date)),
        ("Ny förfallodag", day(reminder.due_date)),
        ("OCR-nummer", reminder.ocr),
    ]
    if payer.reference:
        facts.append(("Er referens", payer.reference))
    if seller.email:
        facts.append(("Frågor om fakturan", seller.email))
    which = ORDINALS.get(reminder.level, f"{reminder.level}:e")
    intro = [
        f"Enligt våra noteringar är faktura {number} av {day(reminder.invoice_date)} inte betald i sin helhet. "
        f"Den förföll till betalning {day(reminder.original_due_date)}."
        + (f" Detta är vår {which} påminnelse." if reminder.level > 1 else ""),
        f"Vänligen betala det som återstår, {kr(reminder.balance)}, senast {day(reminder.due_date)}.",
    ]
    rows = [("Fakturabelopp", kr(reminder.total))]
    rows.append(("Betalt hittills", kr(reminder.paid)))
    rows.append(("Kvar att betala", kr(reminder.balance)))
    notes = []
    if reminder.fee:
        notes.append(
            f"En påminnelseavgift på {kr(reminder.fee)} tas ut enligt lagen om ersättning för inkassokostnader "
            "och debiteras på er nästa faktura; den ska inte betalas med denna påminnelse."
        )
    return {
        "title": title(reminder.level),
        "subtitle": f"Faktura {number}",
        "number": number,
        "seller": seller_data(seller),
        "payer": payer_data(payer),
        "facts": facts,
        "intro": intro,
        "rows": rows,
        "notes": notes,
        "payment": payment_data(seller, reminder.balance, reminder.due_date, reminder.ocr),
        "ignore": "Har ni redan betalat kan ni bortse från denna påminnelse.",
    }
