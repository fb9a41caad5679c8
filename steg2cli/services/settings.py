"""The coordinator's settings: the seller on invoices, payment terms, the invoice number series."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from steg2cli.db import Database, touched
from steg2cli.errors import BadInput, Conflict
from steg2cli.models import Invoice, Setting

#: key → (default, what it is)
KNOWN: dict[str, tuple[str, str]] = {
    "seller.name": ("Män för jämställdhet", "the seller's name on invoices"),
    "seller.org-number": ("", "the seller's organisation number"),
    "seller.address": ("", "the seller's postal address"),
    "seller.email": ("", "where payers send questions about invoices"),
    "seller.bankgiro": ("", "bankgiro (or plusgiro/IBAN) for payment"),
    "invoice.payment-days": ("30", "days from invoice date to due date"),
    "invoice.number-start": ("1", "the first invoice number (settable until the first invoice)"),
}
NEXT_NUMBER = "invoice.next-number"


def all_settings(session: Session) -> dict[str, str]:
    """Every known setting with its value (stored or default)."""
    stored = {s.key: s.value for s in session.scalars(select(Setting))}
    return {key: stored.get(key, default) for key, (default, _) in KNOWN.items()}


def seller(session: Session) -> dict[str, str]:
    """The seller's details as they appear on an invoice."""
    values = all_settings(session)
    return {key.removeprefix("seller."): value for key, value in values.items() if key.startswith("seller.")}


def payment_days(session: Session) -> int:
    """Days from invoice date to due date."""
    return int(all_settings(session)["invoice.payment-days"])


def show(db: Database) -> list[dict[str, Any]]:
    """Every setting, its value and what it is for."""
    with db.read() as session:
        values = all_settings(session)
        return [{"key": key, "value": values[key], "about": about} for key, (_, about) in KNOWN.items()]


def set_value(db: Database, key: str, value: str) -> dict[str, Any]:
    """Change one setting."""
    if key not in KNOWN:
        raise BadInput(f"unknown setting '{key}' (known: {', '.join(KNOWN)})")
    value = value.strip()
    if key in ("invoice.payment-days", "invoice.number-start") and (not value.isdigit() or int(value) < 1):
        raise BadInput(f"{key} must be a whole number of at least 1")
    if key == "invoice.payment-days" and int(value) > 365:
        raise BadInput("invoice.payment-days must be at most 365")
    with db.write("config set") as session:
        if key == "invoice.number-start":
            if session.scalar(select(func.count()).select_from(Invoice)):
                raise Conflict("invoices exist already: the number series cannot be restarted (it must stay gapless)")
            session.merge(Setting(key=NEXT_NUMBER, value=str(int(value))))
        session.merge(Setting(key=key, value=value))
        touched(session, "setting", key)
        return {"key": key, "value": value}
