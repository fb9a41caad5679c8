"""Agreements (överenskommelser): signing, listing, ending; rules 4-8."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from steg2cli import rules
from steg2cli.db import Database, changed, touched
from steg2cli.errors import NotFound
from steg2cli.i18n import _
from steg2cli.models import Agreement, School, Trainer
from steg2cli.services import common


def span(agreement: Agreement) -> rules.Span:
    """The agreement's days in force, as the rules see them."""
    return rules.Span(agreement.start, agreement.end)


def scope(agreement: Agreement) -> rules.Scope:
    """Where the agreement lets its trainer work, as the rules see it."""
    return rules.Scope(agreement.municipality_code, agreement.school_id)


def in_force_filter(day: date) -> Any:
    """SQL condition: the agreement is in force on `day`."""
    return (Agreement.start <= day) & (or_(Agreement.end.is_(None), Agreement.end > day))


def agreement_json(session: Session, agreement: Agreement, trainer_name: str | None = None) -> dict[str, Any]:
    """An agreement as CLI.md describes it."""
    school = None
    if agreement.school_id is not None:
        found = session.get(School, agreement.school_id)
        school = {"id": agreement.school_id, "name": found.name if found else None}
    return {
        "id": agreement.id,
        "trainer_id": agreement.trainer_id,
        **({"trainer_name": trainer_name} if trainer_name is not None else {}),
        "start": common.iso(agreement.start),
        "end": common.iso(agreement.end),
        "end_reason": rules.end_reason_text(agreement.end_reason),
        "moved_to": rules.moved_to(agreement.end_reason),
        "scope": {
            "municipality": common.municipality_json(common.municipality_by_code(session, agreement.municipality_code)),
            "school": school,
        },
        # Rule 37: the day up to which its yearly fees were invoiced before steg2 (`Fakturerat t.o.m.`).
        "billed_until": common.iso(agreement.billed_until),
    }


def trainer_agreements(session: Session, trainer_id: int) -> list[Agreement]:
    """All of a trainer's agreements, oldest first."""
    return list(session.scalars(select(Agreement).where(Agreement.trainer_id == trainer_id).order_by(Agreement.start)))


def sign(db: Database, trainer_ref: str, start: date, school_ref: str | None = None) -> dict[str, Any]:
    """Sign a yearly agreement for the trainer's municipality (or one school in it)."""
    from steg2cli.services.courses import certified_on

    with db.write("sign-agreement") as session:
        trainer = common.trainer(session, trainer_ref)
        school_id = None
        school_municipality = None
        if school_ref is not None:
            school = common.find_school(session, school_ref, municipality=trainer.municipality_code)
            school_id, school_municipality = school.id, school.municipality_code
        wanted = rules.Scope(trainer.municipality_code, school_id)
        existing = [span(a) for a in trainer_agreements(session, trainer.id)]
        common.check(
            rules.agreement_signing(
                certified_on(session, trainer.id),
                start,
                trainer.municipality_code,
                wanted,
                school_municipality,
                existing,
            )
        )
        agreement = Agreement(
            trainer_id=trainer.id, start=start, municipality_code=trainer.municipality_code, school_id=school_id
        )
        session.add(agreement)
        session.flush()
        touched(session, "agreement", agreement.id)
        return agreement_json(session, agreement, trainer.name)


@contextmanager
def each_agreement(
    db: Database, in_force_on: date | None = None, trainer_ref: str | None = None
) -> Iterator[Iterator[dict[str, Any]]]:
    """Every agreement (or those in force on a day, or one trainer's), oldest first, each worked out as it
    is read (read inside the `with` block)."""
    with db.read() as session:
        query = select(Agreement, Trainer.name).join(Trainer, Trainer.id == Agreement.trainer_id)
        if in_force_on is not None:
            query = query.where(in_force_filter(in_force_on))
        if trainer_ref is not None:
            query = query.where(Agreement.trainer_id == common.trainer(session, trainer_ref).id)
        rows = session.execute(query.order_by(Agreement.start, Agreement.id)).all()
        yield (agreement_json(session, agreement, name) for agreement, name in rows)


def end(db: Database, agreement_id: int, end_date: date, reason: str, inactive: bool = False) -> dict[str, Any]:
    """End an agreement: `end_date` is the first day it is no longer in force. With `inactive`, the trainer
    stops altogether (left, retired) from that day: it must be their last agreement, and follow-up stops
    asking about them."""
    with db.write("agreement end") as session:
        agreement = session.get(Agreement, agreement_id)
        if agreement is None:
            raise NotFound(_("unknown agreement '{agreement_id}'").format(agreement_id=agreement_id))
        common.check(rules.agreement_ending(span(agreement), end_date))
        if not reason.strip():
            common.check([_("give the reason the agreement ends (--reason)")])
        agreement.end = end_date
        agreement.end_reason = reason.strip()
        if inactive:
            later = session.scalar(
                select(Agreement.id).where(
                    Agreement.trainer_id == agreement.trainer_id,
                    Agreement.id != agreement.id,
                    or_(Agreement.end.is_(None), Agreement.end > end_date),
                    Agreement.start >= agreement.start,
                )
            )
            trainer = session.get(Trainer, agreement.trainer_id)
            assert trainer is not None
            common.check(
                rules.last_agreement_ending(later) + rules.trainer_inactive(trainer.inactive_from, end_date, end_date)
            )
            trainer.inactive_from = end_date
            trainer.inactive_reason = agreement.end_reason
            changed(session, "trainer", trainer.id, "inactive_from", None, end_date.isoformat())
        touched(session, "agreement", agreement.id)
        return agreement_json(session, agreement)
