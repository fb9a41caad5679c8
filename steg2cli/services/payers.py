"""Payers (rule 27): every municipality, and other bodies such as an independent school's company.

A payer carries what an invoice and an e-invoice need: name, organisation number (check digit verified),
postal address lines, the buyer reference it asks for, e-mail, and its Peppol address (by default
`0007:` + the organisation number). Changing a payer affects invoices issued later; an issued invoice keeps
the details it was issued with.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from steg2cli import rules
from steg2cli.db import Database, changed, touched
from steg2cli.errors import BadInput, Conflict, NotFound
from steg2cli.i18n import _
from steg2cli.models import Payer, School
from steg2cli.services import common
from steg2cli.services.common import municipality_payers


@dataclass(frozen=True)
class PayerDetails:
    """What `payer add` and `payer set` are told; None leaves a value as it is."""

    name: str | None = None
    org_number: str | None = None
    peppol_id: str | None = None
    address: str | None = None
    reference: str | None = None
    email: str | None = None
    #: The delivery channel (rule 43): peppol, email or print; "" back to the default.
    delivery: str | None = None


def effective_peppol_id(payer: Payer) -> str | None:
    """The payer's Peppol address: as set, else `0007:` + its organisation number, else None."""
    if payer.peppol_id:
        return payer.peppol_id
    return f"0007:{payer.org_number}" if payer.org_number else None


def missing_for_einvoice(payer: Payer) -> list[str]:
    """Rule 29: what the payer lacks before an e-invoice can be sent to it."""
    return rules.payer_missing(payer.org_number, rules.address_lines(payer.address), payer.reference, payer.name)


def payer_json(session: Session, payer: Payer) -> dict[str, Any]:
    """A payer as CLI.md describes it, with what it lacks for an e-invoice."""
    missing = missing_for_einvoice(payer)
    return {
        "id": payer.id,
        "code": payer.code,
        "name": payer.name,
        "org_number": payer.org_number,
        "peppol_id": effective_peppol_id(payer),
        "address": rules.address_lines(payer.address),
        "reference": payer.reference,
        "email": payer.email,
        "municipality": common.municipality_json(common.municipality_by_code(session, payer.code or payer.located_in)),
        "einvoice_ready": not missing,
        "missing": missing,
        "delivery": rules.delivery_channel(payer.delivery, effective_peppol_id(payer), payer.email),
        "delivery_chosen": payer.delivery is not None,
    }


def find(session: Session, ref: str | int) -> Payer:
    """A payer by id, or a municipality (code or name: its own payer), or by its exact name."""
    text = str(ref).strip()
    if text.isdigit() and len(text) == 4:
        by_code = session.scalar(select(Payer).where(Payer.code == text))
        if by_code is not None:
            return by_code
    if text.isdigit():
        number = common.record_id(text)
        found = session.get(Payer, number) if number is not None else None
        if found is None:
            raise NotFound(_("unknown payer '{text}'").format(text=text))
        return found
    named = list(session.scalars(select(Payer).where(Payer.name == text)))
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        raise NotFound(
            _("{named_count} payers are called '{text}': {join}; give the id").format(
                named_count=len(named), text=text, join=", ".join(str(p.id) for p in named)
            )
        )
    try:
        place = common.municipality(session, text)
    except NotFound:
        raise NotFound(
            _("unknown payer '{text}': give a payer id, a municipality or a payer's exact name").format(text=text)
        ) from None
    return session.get(Payer, municipality_payers(session)[place.code])  # type: ignore[return-value]


def _apply(session: Session, payer: Payer, details: PayerDetails) -> None:
    """Check every given value (refusing a malformed one) and set it; edits go to the audit trail."""
    wanted: dict[str, Any] = {}
    try:
        if details.name is not None:
            wanted["name"] = " ".join(details.name.split())
            if not wanted["name"]:
                raise ValueError(_("the payer's name is empty"))
        if details.org_number is not None:
            wanted["org_number"] = rules.org_number(details.org_number) if details.org_number.strip() else None
        if details.peppol_id is not None:
            wanted["peppol_id"] = rules.peppol_id(details.peppol_id) if details.peppol_id.strip() else None
        if details.address is not None:
            lines = rules.address_lines(details.address)
            if lines:
                rules.postal_address(lines)
            wanted["address"] = "\n".join(lines)
        if details.reference is not None:
            wanted["reference"] = " ".join(details.reference.split())
        if details.email is not None:
            wanted["email"] = rules.normalize_email(details.email) if details.email.strip() else ""
        if details.delivery is not None:
            wanted["delivery"] = rules.delivery_channel_choice(details.delivery) if details.delivery.strip() else None
    except ValueError as exc:
        raise BadInput(str(exc)) from None
    if wanted.get("org_number"):
        other = session.scalar(select(Payer).where(Payer.org_number == wanted["org_number"], Payer.id != payer.id))
        if other is not None:
            raise Conflict(
                _("payer {id} ({name}) already has the organisation number {org_number}").format(
                    id=other.id, name=other.name, org_number=wanted["org_number"]
                )
            )
    for field, value in wanted.items():
        if payer.id is not None:
            changed(session, "payer", payer.id, field, getattr(payer, field), value)
        setattr(payer, field, value)


def add(db: Database, details: PayerDetails, municipality: str | None = None) -> dict[str, Any]:
    """Register a payer that is not a municipality (an independent school's company, say)."""
    if not (details.name or "").strip():
        raise BadInput(_("the payer's name is empty"))
    if not (details.org_number or "").strip():
        raise BadInput(_("a payer needs its organisation number (--org-number)"))
    with db.write("payer add") as session:
        place = common.municipality(session, municipality) if municipality else None
        payer = Payer(name="", address="", reference="", email="", located_in=place.code if place else None)
        _apply(session, payer, details)
        session.add(payer)
        session.flush()
        touched(session, "payer", payer.id)
        return payer_json(session, payer)


def update(db: Database, ref: str, details: PayerDetails) -> dict[str, Any]:
    """Change a payer's details; invoices issued from now on carry them (issued ones keep theirs)."""
    if all(value is None for value in vars(details).values()):
        raise BadInput(
            _(
                "nothing to change: give --name, --org-number, --peppol-id, --address, --reference, --email or "
                "--delivery"
            )
        )
    with db.write("payer set") as session:
        payer = find(session, ref)
        _apply(session, payer, details)
        touched(session, "payer", payer.id)
        return payer_json(session, payer)


def show(db: Database, ref: str) -> dict[str, Any]:
    """One payer with its details and the schools that pay through it."""
    with db.read() as session:
        payer = find(session, ref)
        data = payer_json(session, payer)
        data["schools"] = [
            {"id": s.id, "name": s.name}
            for s in session.scalars(select(School).where(School.payer_id == payer.id).order_by(School.name_key))
        ]
        return data


def list_payers(db: Database, every: bool = False) -> list[dict[str, Any]]:
    """Payers with details recorded or that are not municipalities (`every`: all 290 municipalities too)."""
    with db.read() as session:
        query = select(Payer).order_by(Payer.code.is_(None), Payer.code, Payer.name)
        if not every:
            query = query.where(
                or_(
                    Payer.code.is_(None),
                    Payer.org_number.is_not(None),
                    Payer.address != "",
                    Payer.reference != "",
                    Payer.email != "",
                    Payer.id.in_(select(School.payer_id)),
                )
            )
        return [payer_json(session, p) for p in session.scalars(query)]


def set_school_payer(db: Database, school_ref: str, payer_ref: str, municipality: str | None = None) -> dict[str, Any]:
    """The school's invoices (its school-scoped agreements) go to this payer from the next invoice run."""
    from steg2cli.services.schools import schools_json

    with db.write("school payer") as session:
        school = common.find_school(session, school_ref, municipality)
        payer = find(session, payer_ref)
        own = municipality_payers(session)[school.municipality_code]
        new = None if payer.id == own else payer.id
        changed(session, "school", school.id, "payer_id", school.payer_id, new)
        school.payer_id = new
        touched(session, "school", school.id)
        return schools_json(session, [school], with_problems=True)[0]
