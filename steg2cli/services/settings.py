"""The coordinator's settings: the seller on invoices, payment terms, the invoice number series."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from steg2cli import rules
from steg2cli.db import Database, changed, touched
from steg2cli.errors import BadInput, Conflict, RuleViolation
from steg2cli.i18n import _
from steg2cli.models import Invoice, Setting

#: key → (default, what it is)
KNOWN: dict[str, tuple[str, str]] = {
    "seller.name": ("Män för jämställdhet", "the seller's name on invoices"),
    "seller.org-number": ("", "the seller's organisation number (10 digits, check digit verified)"),
    "seller.vat-number": ("", "the seller's VAT number (SE + organisation number + 01), when registered for VAT"),
    "seller.f-skatt": ("nej", "approved for F-skatt (ja/nej)"),
    "seller.address": ("", "the seller's postal address: street lines, then postal code and town"),
    "seller.email": ("", "where payers send questions about invoices"),
    "seller.bankgiro": ("", "bankgiro number for payment (7-8 digits)"),
    "seller.plusgiro": ("", "plusgiro number for payment (2-8 digits)"),
    "invoice.payment-days": ("30", "days from invoice date to due date"),
    "account.receivables": ("1510", "BAS account for receivables (Kundfordringar)"),
    "account.revenue-exempt": ("3001", "BAS account for VAT-free sales"),
    "account.revenue-vat": ("3041", "BAS account for sales with VAT"),
    "account.vat-25": ("2611", "BAS account for output VAT 25 %"),
    "account.vat-12": ("2621", "BAS account for output VAT 12 %"),
    "account.vat-6": ("2631", "BAS account for output VAT 6 %"),
    "account.bank": ("1930", "BAS account the bank's payments arrive on (Företagskonto)"),
    "invoice.number-start": ("1", "the first invoice number (settable until the first invoice)"),
    "reminder.days-after-due": ("10", "days after the due date before the first reminder"),
    "reminder.interval": ("14", "days between one reminder and the next"),
    "reminder.max": ("2", "reminders at most; after them an invoice is one for collection"),
    "reminder.payment-days": ("10", "days from a reminder to its new due date"),
    "reminder.fee": ("0", "reminder fee in kronor, at most 60 (only if agreed beforehand, lag 1981:739)"),
    "interest.minimum": ("100", "late-payment interest below this many kronor is not charged"),
    "account.reminder-fees": ("3590", "BAS account for reminder fees (Övriga fakturerade kostnader)"),
    "account.interest": ("8313", "BAS account for late-payment interest (Ränteintäkter från kundfordringar)"),
    "smtp.host": ("", "the mail server e-mail goes through (empty: e-mail is written to delivery.mail-outbox)"),
    "smtp.port": ("", "the mail server's port (empty: 587 for starttls, 465 for tls, 25 for none)"),
    "smtp.security": ("starttls", "how the connection to the mail server is protected: starttls, tls or none"),
    "smtp.user": ("", "the user name on the mail server (its password: STEG2_SMTP_PASSWORD, never stored)"),
    "smtp.from": ("", "the sender address of e-mail (empty: seller.email)"),
    "delivery.peppol-outbox": ("", "the folder MÄN's Peppol access point collects e-invoices from"),
    "delivery.print-folder": ("", "the folder PDFs to print and post are written to"),
    "delivery.mail-outbox": ("", "the folder e-mail is written to as .eml files when smtp.host is empty"),
}
#: Settings in whole days: (least, most).
DAYS = {
    "invoice.payment-days": (1, 365),
    "reminder.days-after-due": (0, 365),
    "reminder.interval": (1, 365),
    "reminder.max": (1, 10),  # 0 would mean no invoice is ever reminded
    "reminder.payment-days": (1, 365),
}
#: Settings in kronor, stored as whole öre.
KRONOR = ("reminder.fee", "interest.minimum")
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


def ore(value: str) -> int:
    """A kronor setting (`reminder.fee`, `interest.minimum`) as öre."""
    from steg2cli import rules

    return rules.parse_kr(value)


def reminder_terms(session: Session) -> Any:
    """Rule 40's settings as `rules.ReminderTerms`."""
    from steg2cli import rules

    values = all_settings(session)
    return rules.ReminderTerms(
        days_after_due=int(values["reminder.days-after-due"]),
        interval=int(values["reminder.interval"]),
        most=int(values["reminder.max"]),
        payment_days=int(values["reminder.payment-days"]),
        fee=ore(values["reminder.fee"]),
    )


def show(db: Database) -> list[dict[str, Any]]:
    """Every setting, its value and what it is for."""
    with db.read() as session:
        values = all_settings(session)
        return [{"key": key, "value": values[key], "about": about} for key, (_, about) in KNOWN.items()]


_YES = {"ja": "ja", "yes": "ja", "true": "ja", "1": "ja", "nej": "nej", "no": "nej", "false": "nej", "0": "nej"}


def checked_value(key: str, value: str) -> str:
    """A setting's value as stored, or BadInput for a malformed one (rule 28: checked when it is set)."""
    from steg2cli import rules

    value = value.strip()
    if not value and key.startswith("seller.") and key not in ("seller.name", "seller.f-skatt"):
        return ""
    try:
        if key == "seller.org-number":
            return rules.org_number(value)
        if key == "seller.vat-number":
            return rules.vat_number(value)
        if key in ("seller.bankgiro", "seller.plusgiro"):
            return rules.giro_number(value, key.removeprefix("seller."))
        if key == "seller.email":
            return rules.normalize_email(value)
        if key == "seller.address":
            lines = rules.address_lines(value)
            rules.postal_address(lines)
            return "\n".join(lines)
    except ValueError as exc:
        raise BadInput(f"{key}: {exc}") from None
    if key in ("smtp.security",) and value not in ("starttls", "tls", "none"):
        raise BadInput(_("smtp.security is starttls, tls or none"))
    if key == "smtp.port" and value and not (value.isascii() and value.isdigit() and 0 < int(value) < 65536):
        raise BadInput(_("smtp.port is a port number, 1 to 65535"))
    if key == "smtp.from" and value:
        try:
            return rules.normalize_email(value)
        except ValueError as exc:
            raise BadInput(f"{key}: {exc}") from None
    if key == "smtp.host" and any(c.isspace() or c in "/@" for c in value):
        raise BadInput(_("smtp.host is a host name or address, such as smtp.example.se"))
    if key.startswith("delivery.") and value:
        folder = Path(value).expanduser().absolute()
        if not folder.parent.is_dir():  # a mistyped path, not a folder to make from nothing
            raise BadInput(_("{key}: the folder {path} does not exist").format(key=key, path=folder.parent))
        if folder.exists() and not folder.is_dir():
            raise BadInput(_("{key}: {path} is a file, not a folder").format(key=key, path=folder))
        return str(folder)
    if key.startswith("account."):
        if not (value.isascii() and value.isdigit() and len(value) == 4 and value[0] != "0"):
            raise BadInput(_("{key} is a 4-digit BAS account number, e.g. 1510").format(key=key))
        return value
    if key == "seller.f-skatt":
        if value.casefold() not in _YES:
            raise BadInput(_("seller.f-skatt is ja or nej"))
        return _YES[value.casefold()]
    if key == "seller.name" and not value:
        raise BadInput(_("seller.name cannot be empty"))
    if key in KRONOR:
        try:
            amount = rules.parse_kr(value)
        except ValueError as exc:
            raise BadInput(f"{key}: {exc}") from None
        if key == "reminder.fee":
            problems = rules.reminder_fee_setting(amount)
            if problems:
                raise BadInput(f"{key}: {problems[0]}")
        kronor, rest = divmod(amount, 100)
        return f"{kronor},{rest:02d}" if rest else str(kronor)
    return value


def set_value(db: Database, key: str, value: str) -> dict[str, Any]:
    """Change one setting; a malformed seller detail is refused (rule 28)."""
    if key not in KNOWN:
        raise BadInput(_("unknown setting '{key}' (known: {join})").format(key=key, join=", ".join(KNOWN)))
    value = checked_value(key, value)
    if key == "invoice.number-start" and (
        not (value.isascii() and value.isdigit()) or len(value) > 9 or int(value) < 1
    ):
        raise BadInput(_("{key} must be a whole number of at least 1").format(key=key))
    if key in DAYS:
        least, most = DAYS[key]
        if not (value.isascii() and value.isdigit()) or len(value) > 9 or int(value) < least:
            raise BadInput(_("{key} must be a whole number of at least {least}").format(key=key, least=least))
        if int(value) > most:
            raise BadInput(_("{key} must be at most {most}").format(key=key, most=most))
        value = str(int(value))
    with db.write("config set") as session:
        if key == "seller.vat-number" and value:
            org = all_settings(session)["seller.org-number"]
            if org and value[2:12] != org:
                raise BadInput(
                    _("seller.vat-number: {value} does not hold the organisation number {org}").format(
                        value=value, org=org
                    )
                )
        if key == "invoice.number-start":
            # steg2's own invoices only: those moved in from before steg2 (rule 37) are outside the series.
            own = session.scalar(select(func.count()).select_from(Invoice).where(Invoice.number > 0)) or 0
            problems = rules.number_start_allowed(int(value), own, largest_plain_old_number(session))
            if own:
                raise Conflict(problems[0])
            if problems:
                raise RuleViolation(problems)
            session.merge(Setting(key=NEXT_NUMBER, value=str(int(value))))
        old = all_settings(session)[key]
        session.merge(Setting(key=key, value=value))
        touched(session, "setting", key)
        changed(session, "setting", key, "value", old, value)
        return {"key": key, "value": value}


def largest_plain_old_number(session: Session) -> int | None:
    """The largest invoice number moved in from before steg2 (rule 37) that is a plain whole number."""
    found = [
        int(text)
        for text in session.scalars(select(Invoice.old_number).where(Invoice.old_number.is_not(None)))
        if text is not None and rules.is_plain_number(text)
    ]
    return max(found, default=None)


#: The names written for the accounts in a SIE file (BAS 2024 names where the default number is BAS's).
ACCOUNT_NAMES = {
    "account.receivables": "Kundfordringar",
    "account.revenue-exempt": "Försäljning, momsfri",
    "account.revenue-vat": "Försäljning, momspliktig",
    "account.vat-25": "Utgående moms 25 %",
    "account.vat-12": "Utgående moms 12 %",
    "account.vat-6": "Utgående moms 6 %",
    "account.bank": "Företagskonto",
    "account.reminder-fees": "Övriga fakturerade kostnader",
    "account.interest": "Ränteintäkter från kundfordringar",
}


def accounts(session: Session) -> dict[str, str]:
    """The bookkeeping accounts: `receivables`, `revenue-exempt`, … → account number (rule 34)."""
    return {
        key.removeprefix("account."): value
        for key, value in all_settings(session).items()
        if key.startswith("account.")
    }
