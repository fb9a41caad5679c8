"""The trainer register: registering, listing, showing and moving trainers; rules 1 and 8."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from steg2cli import rules
from steg2cli.db import Database, changed, touched
from steg2cli.errors import BadInput, Conflict
from steg2cli.i18n import _
from steg2cli.models import Agreement, Course, CourseParticipant, Trainer, TrainerMove
from steg2cli.services import common
from steg2cli.services.agreements import agreement_json, in_force_filter, span, trainer_agreements
from steg2cli.services.courses import certified_dates, certified_on


@dataclass(frozen=True)
class NewTrainer:
    """What `register-trainer` is told about a person."""

    name: str
    email: str
    municipality: str
    basic_training: date
    series_held: date
    appointed_by: str
    phone: str | None = None
    programmes: tuple[str, ...] = ()
    level: str = "steg2"


def state(certified: date | None, agreement: Agreement | None) -> str:
    """`registered`, `certified` or `under-agreement`: how far the trainer has come."""
    if agreement is not None:
        return "under-agreement"
    return "certified" if certified is not None else "registered"


def trainer_json(
    session: Session, trainer: Trainer, certified: date | None, agreement: Agreement | None
) -> dict[str, Any]:
    """A trainer as CLI.md describes it; `agreement` is the one in force today."""
    return {
        "id": trainer.id,
        "name": trainer.name,
        "email": trainer.email,
        "phone": trainer.phone,
        "municipality": common.municipality_json(common.municipality_by_code(session, trainer.municipality_code)),
        "programmes": [p for p in trainer.programmes.split(",") if p],
        "basic_training": common.iso(trainer.basic_training),
        "series_held": common.iso(trainer.series_held),
        "appointed_by": trainer.appointed_by,
        "registered_on": common.iso(trainer.registered_on),
        "level": trainer.level,
        "inactive": None
        if trainer.inactive_from is None
        else {"from": common.iso(trainer.inactive_from), "reason": trainer.inactive_reason},
        "certified_on": common.iso(certified),
        "state": state(certified, agreement),
        "agreement": None
        if agreement is None
        else {
            "id": agreement.id,
            "start": common.iso(agreement.start),
            "scope": agreement_json(session, agreement)["scope"],
        },
    }


def register(db: Database, new: NewTrainer, today: date) -> dict[str, Any]:
    """Register a trainer who meets rule 1 (grundutbildning, series held, appointed)."""
    name = " ".join(new.name.split())
    if not name:
        common.check([_("the trainer's name is empty")])
    address = common.email(new.email)
    with db.write("register-trainer") as session:
        programmes = sorted({common.programme(session, p).code for p in new.programmes})
        level = common.level(session, new.level).code
        home = common.municipality(session, new.municipality)
        common.check(rules.trainer_eligibility(new.basic_training, new.series_held, new.appointed_by, today))
        if session.scalar(select(Trainer.id).where(Trainer.email == address)) is not None:
            raise Conflict(
                _("a trainer with the e-mail address {address} is already registered").format(address=address)
            )
        trainer = Trainer(
            name=name,
            email=address,
            phone=(new.phone or "").strip() or None,
            municipality_code=home.code,
            basic_training=new.basic_training,
            series_held=new.series_held,
            appointed_by=" ".join(new.appointed_by.split()),
            programmes=",".join(programmes),
            registered_on=today,
            level=level,
        )
        session.add(trainer)
        session.flush()
        touched(session, "trainer", trainer.id)
        return trainer_json(session, trainer, None, None)


def edit(
    db: Database,
    ref: str,
    today: date,
    name: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    appointed_by: str | None = None,
    level: str | None = None,
    active: bool | None = None,
    inactive_from: date | None = None,
    reason: str | None = None,
) -> dict[str, Any]:
    """Correct what was mistyped about a trainer (rule 24), change their level (rule 46), or mark them no
    longer active from a day on (`active=False`) or active again; the audit trail keeps the old values."""
    wanted: dict[str, str | None] = {}
    if name is not None:
        wanted["name"] = " ".join(name.split())
        if not wanted["name"]:
            raise BadInput(_("the trainer's name is empty"))
    if email is not None:
        wanted["email"] = common.email(email)
    if phone is not None:
        wanted["phone"] = phone.strip() or None
    if appointed_by is not None:
        wanted["appointed_by"] = " ".join(appointed_by.split())
        common.check(rules.appointment(wanted["appointed_by"] or ""))
    if not wanted and level is None and active is None:
        raise BadInput(
            _("nothing to change: give --name, --email, --phone, --appointed-by, --level, --inactive or --active")
        )
    with db.write("trainer edit") as session:
        trainer = common.trainer(session, ref)
        if level is not None:
            wanted["level"] = common.level(session, level).code
        if active is False:
            common.check(rules.trainer_inactive(trainer.inactive_from, inactive_from or today, today))
            wanted["inactive_from"] = inactive_from or today  # type: ignore[assignment]
            wanted["inactive_reason"] = " ".join((reason or "").split()) or None
        elif active is True:
            wanted["inactive_from"] = None
            wanted["inactive_reason"] = None
        if trainer.erased_on is not None:
            raise Conflict(
                _("trainer {id} was erased on {erased_on}").format(
                    id=trainer.id, erased_on=trainer.erased_on.isoformat()
                )
            )
        if "email" in wanted:
            other = session.scalar(select(Trainer).where(Trainer.email == wanted["email"], Trainer.id != trainer.id))
            if other is not None:
                raise Conflict(
                    _("trainer {id} already has the e-mail address {email}").format(id=other.id, email=wanted["email"])
                )
        for field, value in wanted.items():
            old = getattr(trainer, field)
            changed(
                session,
                "trainer",
                trainer.id,
                field,
                old.isoformat() if isinstance(old, date) else old,
                value.isoformat() if isinstance(value, date) else value,
            )
            setattr(trainer, field, value)
        agreements = trainer_agreements(session, trainer.id)
        current = next((a for a in agreements if span(a).in_force_on(today)), None)
        return trainer_json(session, trainer, certified_on(session, trainer.id), current)


@contextmanager
def each_trainer(db: Database, today: date, municipality: str | None = None) -> Iterator[Iterator[dict[str, Any]]]:
    """Every trainer (or one municipality's), by name, with certification and today's agreement, each
    worked out as it is read (read inside the `with` block)."""
    with db.read() as session:
        query = select(Trainer).where(Trainer.erased_on.is_(None)).order_by(Trainer.name, Trainer.id)
        if municipality is not None:
            query = query.where(Trainer.municipality_code == common.municipality(session, municipality).code)
        trainers = list(session.scalars(query))
        certified = certified_dates(session)
        in_force = {a.trainer_id: a for a in session.scalars(select(Agreement).where(in_force_filter(today)))}
        yield (trainer_json(session, t, certified.get(t.id), in_force.get(t.id)) for t in trainers)


def show(db: Database, ref: str, today: date) -> dict[str, Any]:
    """One trainer with their courses, agreements and moves."""
    with db.read() as session:
        trainer = common.trainer(session, ref)
        agreements = trainer_agreements(session, trainer.id)
        current = next((a for a in agreements if span(a).in_force_on(today)), None)
        data = trainer_json(session, trainer, certified_on(session, trainer.id), current)
        data["agreements"] = [agreement_json(session, a) for a in agreements]
        data["courses"] = [
            {"id": c.id, "kind": c.kind, "date": common.iso(c.course_date), "completed_on": common.iso(c.completed_on)}
            for c in session.scalars(
                select(Course)
                .join(CourseParticipant, CourseParticipant.course_id == Course.id)
                .where(CourseParticipant.trainer_id == trainer.id)
                .order_by(Course.course_date)
            )
        ]
        data["moves"] = [
            {
                "date": common.iso(m.moved_on),
                "from": m.from_code,
                "to": m.to_code,
                "from_name": common.place_name(session, m.from_code),
                "to_name": common.place_name(session, m.to_code),
            }
            for m in session.scalars(
                select(TrainerMove).where(TrainerMove.trainer_id == trainer.id).order_by(TrainerMove.moved_on)
            )
        ]
        return data


def move(
    db: Database, ref: str, municipality: str | None, moving_date: date, today: date, school: str | None = None
) -> dict[str, Any]:
    """Rule 8: the trainer moves; every agreement that no longer covers the new place ends that day.

    A move to another municipality ends every agreement; a move to another school (`school`) ends a
    school-scoped agreement for another school and keeps a municipality-wide one.
    """
    if municipality is None and school is None:
        raise BadInput(_("give the new --municipality, or the new --school"))
    with db.write("trainer move") as session:
        trainer = common.trainer(session, ref)
        new_school = common.find_school(session, school, municipality) if school is not None else None
        if new_school is not None:
            target = common.municipality(session, new_school.municipality_code)
        else:
            target = common.municipality(session, municipality)  # type: ignore[arg-type]
        if new_school is None and target.code == trainer.municipality_code:
            raise Conflict(_("the trainer already lives in {name}").format(name=target.name))
        common.check(rules.not_in_future(_("the move"), moving_date, today))
        ended = []
        for agreement in trainer_agreements(session, trainer.id):
            still_covered = agreement.municipality_code == target.code and (
                agreement.school_id is None or (new_school is not None and agreement.school_id == new_school.id)
            )
            new_end = None if still_covered else rules.end_on_moving(span(agreement), moving_date)
            if new_end is not None:
                agreement.end = new_end
                agreement.end_reason = rules.moved_reason(new_school.name if new_school else target.name)
                ended.append(agreement.id)
        session.add(
            TrainerMove(
                trainer_id=trainer.id,
                moved_on=moving_date,
                from_code=trainer.municipality_code,
                to_code=target.code,
            )
        )
        trainer.municipality_code = target.code
        touched(session, "trainer", trainer.id)
        if ended:
            touched(session, "agreement", *ended)
        agreements = trainer_agreements(session, trainer.id)
        current = next((a for a in agreements if span(a).in_force_on(today)), None)
        data = trainer_json(session, trainer, certified_on(session, trainer.id), current)
        data["ended_agreements"] = ended
        return data
