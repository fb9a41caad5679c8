"""Schools and implementation: programme starts, steps, stops and problems; rules 9-12."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from steg2cli import rules
from steg2cli.db import Database, changed, touched
from steg2cli.errors import BadInput, Conflict, NotFound
from steg2cli.i18n import _
from steg2cli.models import (
    Agreement,
    ProgrammeContact,
    ProgrammeLead,
    School,
    SchoolProblem,
    SchoolProgramme,
    Step,
    Trainee,
    Trainer,
)
from steg2cli.services import common
from steg2cli.services.agreements import scope, span
from steg2cli.services.common import find_school, school_payer_json

__all__ = ["find_school"]  # found here by older callers; it lives in services.common


@dataclass(frozen=True)
class ProgrammeStart:
    """What `start-school` is told."""

    school: str
    municipality: str
    programme: str
    start: date
    trainer: str
    contact_name: str
    contact_email: str
    contact_phone: str | None = None


def may_train(session: Session, trainer: Trainer, school: School, day: date) -> list[str]:
    """Rule 9 for one trainer, school and day."""
    agreements = session.scalars(select(Agreement).where(Agreement.trainer_id == trainer.id))
    pairs = [(span(a), scope(a)) for a in agreements]
    return [
        _("trainer {id}: {problem}").format(id=trainer.id, problem=p)
        for p in rules.may_train(pairs, school.municipality_code, school.id, day)
    ]


def void_json(record: Any) -> dict[str, Any] | None:
    """`{"date", "reason"}` for a voided record (rule 24), else None."""
    if record.void_on is None:
        return None
    return {"date": common.iso(record.void_on), "reason": record.void_reason}


def _run_json(
    run: Any, steps: list[Any], contacts: list[Any], leads: list[Any], today: date | None, known: rules.Definition
) -> dict[str, Any]:
    contact_rows: list[tuple[date, str, str, str | None]] = [
        (run.start, run.contact_name, run.contact_email, run.contact_phone),
        *((c.from_date, c.name, c.email, c.phone) for c in sorted(contacts, key=lambda c: (c.from_date, c.id))),
    ]
    lead_rows: list[tuple[date, int]] = [
        (run.start, run.trainer_id),
        *((lead.from_date, lead.trainer_id) for lead in sorted(leads, key=lambda lead: (lead.from_date, lead.id))),
    ]
    contact_history = [
        {"from": common.iso(day), "name": name, "email": email, "phone": phone}
        for day, name, email, phone in contact_rows
    ]
    lead_history = [{"trainer_id": trainer_id, "from": common.iso(day)} for day, trainer_id in lead_rows]
    live = [s for s in steps if s.void_on is None]
    contact = rules.in_force_on(
        [(row[0], entry) for row, entry in zip(contact_rows, contact_history, strict=True)], today
    )
    lead = rules.in_force_on([(row[0], entry) for row, entry in zip(lead_rows, lead_history, strict=True)], today)
    kind = known.programmes.get(run.programme) or rules.ProgrammeKind(run.programme, run.programme)
    return {
        "id": run.id,
        "programme": run.programme,
        "programme_name": known.programme_name(run.programme),
        "start": common.iso(run.start),
        "stopped_on": common.iso(run.stopped_on),
        "stop_reason": run.stop_reason,
        "trainer_id": lead["trainer_id"],
        "contact": {key: contact[key] for key in ("name", "email", "phone")},
        "contacts": contact_history,
        "leads": lead_history,
        "steps": [
            {
                "id": s.id,
                "step": s.step,
                "date": common.iso(s.step_date),
                "trainer_id": s.trainer_id,
                "void": void_json(s),
            }
            for s in sorted(steps, key=lambda s: (s.step_date, s.id))
        ],
        "steps_to_do": rules.steps_to_do((s.step for s in live), kind, known),
        "programme_steps": [
            {"code": code, "name": known.step_name(code), "once": code not in known.steps or known.steps[code].once}
            for code in dict.fromkeys((*kind.steps, *(s.step for s in steps)))
        ],
    }


def schools_json(
    session: Session, schools: Sequence[Any], with_problems: bool = False, today: date | None = None
) -> list[dict[str, Any]]:
    """Schools as CLI.md describes them, loaded with a few queries however many there are. The contact
    person and leading trainer are those in force on `today` (None: the newest)."""
    # Plain Core selects do not autoflush on every SQLAlchemy release (2.0.40 does not): a change made
    # in this command must be in the database before it is read back.
    session.flush()
    ids = [s.id for s in schools]
    # Plain rows with the models' attribute names: read-only here, and several times cheaper than ORM
    # objects for a list of every school in the country (issue 17).
    runs: dict[int, list[Any]] = defaultdict(list)
    steps: dict[int, list[Any]] = defaultdict(list)
    contacts: dict[int, list[Any]] = defaultdict(list)
    leads: dict[int, list[Any]] = defaultdict(list)
    problems: dict[int, list[Any]] = defaultdict(list)
    known = common.definition(session)
    programmes, step_table = SchoolProgramme.__table__, Step.__table__
    contact_table, lead_table = ProgrammeContact.__table__, ProgrammeLead.__table__
    for chunk in common.chunks(ids):
        for run in session.execute(select(programmes).where(programmes.c.school_id.in_(chunk))):
            runs[run.school_id].append(run)
        run_ids = [r.id for s in chunk for r in runs[s]]
        for run_chunk in common.chunks(run_ids):
            for step in session.execute(select(step_table).where(step_table.c.run_id.in_(run_chunk))):
                steps[step.run_id].append(step)
            for contact in session.execute(select(contact_table).where(contact_table.c.run_id.in_(run_chunk))):
                contacts[contact.run_id].append(contact)
            for lead in session.execute(select(lead_table).where(lead_table.c.run_id.in_(run_chunk))):
                leads[lead.run_id].append(lead)
        if with_problems:
            for problem in session.scalars(select(SchoolProblem).where(SchoolProblem.school_id.in_(chunk))):
                problems[problem.school_id].append(problem)
    result = []
    for school in schools:
        data = {
            "id": school.id,
            "name": school.name,
            "municipality": common.municipality_json(common.municipality_by_code(session, school.municipality_code)),
            "payer": school_payer_json(session, school),
            "programmes": [
                _run_json(run, steps[run.id], contacts[run.id], leads[run.id], today, known)
                for run in sorted(runs[school.id], key=lambda r: (r.start, r.id))
            ],
        }
        if with_problems:
            data["problems"] = [
                {"id": p.id, "date": common.iso(p.noted_on), "note": p.note, "void": void_json(p)}
                for p in sorted(problems[school.id], key=lambda p: (p.noted_on, p.id))
            ]
        result.append(data)
    return result


def _running(session: Session, school: School, programme: str) -> SchoolProgramme | None:
    return session.scalar(
        select(SchoolProgramme).where(
            SchoolProgramme.school_id == school.id,
            SchoolProgramme.programme == programme,
            SchoolProgramme.stopped_on.is_(None),
        )
    )


def _latest_run(session: Session, school: School, programme: str) -> SchoolProgramme:
    run = _running(session, school, programme) or session.scalar(
        select(SchoolProgramme)
        .where(SchoolProgramme.school_id == school.id, SchoolProgramme.programme == programme)
        .order_by(SchoolProgramme.start.desc(), SchoolProgramme.id.desc())
        .limit(1)
    )
    if run is None:
        raise NotFound(
            _("{programmes} has never run at {name} (school {id})").format(
                programmes=common.definition(session).programme_name(programme), name=school.name, id=school.id
            )
        )
    return run


def start(db: Database, wanted: ProgrammeStart) -> dict[str, Any]:
    """Start a programme at a school, creating the school if it is new (rule 10)."""
    name = _school_name(wanted.school)
    contact_email = common.email(wanted.contact_email) if wanted.contact_email.strip() else ""
    with db.write("start-school") as session:
        programme = common.programme(session, wanted.programme).code
        home = common.municipality(session, wanted.municipality)
        trainer = common.trainer(session, wanted.trainer)
        school = _same_name(session, home.code, name)
        if school is None:
            school = School(name=name, name_key=rules.name_key(name), municipality_code=home.code)
            session.add(school)
            session.flush()
        running = _running(session, school, programme)
        common.check(
            rules.programme_start(
                programme,
                wanted.contact_name,
                contact_email,
                running.start if running else None,
                common.definition(session),
            )
            + may_train(session, trainer, school, wanted.start)
        )
        run = SchoolProgramme(
            school_id=school.id,
            programme=programme,
            start=wanted.start,
            trainer_id=trainer.id,
            contact_name=" ".join(wanted.contact_name.split()),
            contact_email=contact_email,
            contact_phone=(wanted.contact_phone or "").strip() or None,
        )
        session.add(run)
        session.flush()
        common.refresh_activity(session, SchoolProgramme.id == run.id)
        touched(session, "school", school.id)
        return schools_json(session, [school], with_problems=True)[0]


@contextmanager
def each_school(
    db: Database, municipality: str | None = None, today: date | None = None
) -> Iterator[Iterator[dict[str, Any]]]:
    """Every school (or one municipality's) with its programmes, by municipality and name, worked out 500
    at a time as they are read: the first comes at once, and the country's schools never sit in memory
    all at once (issue 17). Read inside the `with` block."""
    with db.read() as session:
        query = select(School.__table__).order_by(School.municipality_code, School.name_key)
        if municipality is not None:
            query = query.where(School.municipality_code == common.municipality(session, municipality).code)
        rows = list(session.execute(query))
        yield (school for chunk in common.chunks(rows) for school in schools_json(session, chunk, today=today))


def show(db: Database, ref: str, municipality: str | None = None, today: date | None = None) -> dict[str, Any]:
    """One school with its programmes, steps, stops and problems, the name of every trainer named, and the
    trainee reports of the school with their ids (so that one can be voided without opening Excel)."""
    with db.read() as session:
        school = find_school(session, ref, municipality)
        data = schools_json(session, [school], with_problems=True, today=today)[0]
        runs = data["programmes"]
        named = {run["trainer_id"] for run in runs}
        named |= {lead["trainer_id"] for run in runs for lead in run["leads"]}
        named |= {step["trainer_id"] for run in runs for step in run["steps"]}
        trainees = list(
            session.scalars(
                select(Trainee).where(Trainee.school_id == school.id).order_by(Trainee.trained_on, Trainee.id)
            )
        )
        named |= {t.trainer_id for t in trainees}
        names = dict(session.execute(select(Trainer.id, Trainer.name).where(Trainer.id.in_(sorted(named)))).all())
        for run in runs:
            run["trainer_name"] = names.get(run["trainer_id"])
            for entry in (*run["leads"], *run["steps"]):
                entry["trainer_name"] = names.get(entry["trainer_id"])
        data["trainees"] = [
            {
                "id": t.id,
                "name": t.name,
                "email": t.email,
                "programme": t.programme,
                "date": common.iso(t.trained_on),
                "trainer_id": t.trainer_id,
                "trainer_name": names.get(t.trainer_id),
                "reported_on": common.iso(t.reported_on),
                "void": void_json(t),
            }
            for t in trainees
        ]
        return data


def _school_name(text: str) -> str:
    name = " ".join(text.split())
    if not name:
        raise BadInput(_("the school's name is empty"))
    if name.isdigit():
        raise BadInput(_("a school's name cannot be only digits (digits refer to school ids)"))
    return name


def _same_name(session: Session, municipality_code: str, name: str) -> School | None:
    return session.scalar(
        select(School).where(School.municipality_code == municipality_code, School.name_key == rules.name_key(name))
    )


def add(db: Database, name: str, municipality: str) -> dict[str, Any]:
    """Register a school before any programme starts there (rule 25), e.g. for a school-scoped agreement."""
    name = _school_name(name)
    with db.write("school add") as session:
        home = common.municipality(session, municipality)
        existing = _same_name(session, home.code, name)
        if existing is not None:
            raise Conflict(
                _("{name} already has a school called {name2} (school {id})").format(
                    name=home.name, name2=existing.name, id=existing.id
                )
            )
        school = School(name=name, name_key=rules.name_key(name), municipality_code=home.code)
        session.add(school)
        session.flush()
        touched(session, "school", school.id)
        return schools_json(session, [school], with_problems=True)[0]


def edit(
    db: Database, ref: str, name: str | None, municipality: str | None = None, today: date | None = None
) -> dict[str, Any]:
    """Correct a school's name (rule 24); the audit trail keeps the old one."""
    if name is None:
        raise BadInput(_("nothing to change: give --name"))
    new_name = _school_name(name)
    with db.write("school edit") as session:
        school = find_school(session, ref, municipality)
        other = _same_name(session, school.municipality_code, new_name)
        if other is not None and other.id != school.id:
            raise Conflict(
                _("another school in the same municipality is called {name} (school {id})").format(
                    name=other.name, id=other.id
                )
            )
        changed(session, "school", school.id, "name", school.name, new_name)
        school.name, school.name_key = new_name, rules.name_key(new_name)
        return schools_json(session, [school], with_problems=True, today=today)[0]


def _current_contact_from(session: Session, run: SchoolProgramme) -> date:
    latest = session.scalar(
        select(ProgrammeContact.from_date)
        .where(ProgrammeContact.run_id == run.id)
        .order_by(ProgrammeContact.from_date.desc())
        .limit(1)
    )
    return latest or run.start


def change_contact(
    db: Database,
    ref: str,
    programme: str,
    name: str,
    email: str,
    phone: str | None,
    day: date,
    today: date,
    municipality: str | None = None,
) -> dict[str, Any]:
    """A new contact person for a programme from `day` on (rule 25); the earlier ones stay in the history."""
    clean_name = " ".join(name.split())
    if not clean_name:
        raise BadInput(_("the contact person's name is empty (--name)"))
    address = common.email(email)
    with db.write("school contact") as session:
        code = common.programme(session, programme).code
        school = find_school(session, ref, municipality)
        run = _latest_run(session, school, code)
        common.check(
            rules.history_change(
                _("contact person"), day, run.start, run.stopped_on, _current_contact_from(session, run)
            )
        )
        session.add(
            ProgrammeContact(
                run_id=run.id, from_date=day, name=clean_name, email=address, phone=(phone or "").strip() or None
            )
        )
        session.flush()
        touched(session, "school-programme", run.id)
        return schools_json(session, [school], with_problems=True, today=today)[0]


def change_lead(
    db: Database,
    ref: str,
    programme: str,
    trainer_ref: str,
    day: date,
    today: date,
    municipality: str | None = None,
) -> dict[str, Any]:
    """Another trainer leads a programme from `day` on (rule 25), if their agreement covers the school
    that day (rule 9); the earlier ones stay in the history."""
    with db.write("school lead") as session:
        code = common.programme(session, programme).code
        school = find_school(session, ref, municipality)
        trainer = common.trainer(session, trainer_ref)
        run = _latest_run(session, school, code)
        latest = (
            session.scalar(
                select(ProgrammeLead.from_date)
                .where(ProgrammeLead.run_id == run.id)
                .order_by(ProgrammeLead.from_date.desc())
                .limit(1)
            )
            or run.start
        )
        common.check(
            rules.history_change(_("leading trainer"), day, run.start, run.stopped_on, latest)
            + may_train(session, trainer, school, day)
        )
        session.add(ProgrammeLead(run_id=run.id, from_date=day, trainer_id=trainer.id))
        session.flush()
        touched(session, "school-programme", run.id)
        result = schools_json(session, [school], with_problems=True, today=today)[0]
        result["new_lead"] = {"trainer_id": trainer.id, "trainer_name": trainer.name, "from": common.iso(day)}
        return result


def record_step(
    db: Database,
    ref: str,
    programme: str,
    step: str,
    day: date,
    trainer_ref: str,
    today: date,
    municipality: str | None = None,
) -> dict[str, Any]:
    """Record an implementation step led by a trainer (rules 9 and 11)."""
    with db.write("school step") as session:
        known = common.definition(session)
        kind = common.programme(session, programme)
        code = kind.code
        school = find_school(session, ref, municipality)
        trainer = common.trainer(session, trainer_ref)
        run = _latest_run(session, school, code)
        done = [
            (s.step, s.step_date)
            for s in session.scalars(select(Step).where(Step.run_id == run.id, Step.void_on.is_(None)))
        ]
        common.check(
            rules.step_allowed(step, day, done, run.start, run.stopped_on, today, kind, known)
            + may_train(session, trainer, school, day)
        )
        session.add(
            Step(
                run_id=run.id,
                step=step,
                once_key=rules.once_key(known.steps[step]),
                step_date=day,
                trainer_id=trainer.id,
            )
        )
        common.refresh_activity(session, SchoolProgramme.id == run.id)
        touched(session, "school", school.id)
        return schools_json(session, [school], with_problems=True)[0]


def stop(
    db: Database, ref: str, programme: str, day: date, reason: str, today: date, municipality: str | None = None
) -> dict[str, Any]:
    """Stop a running programme, recording the date and the reason (rule 12)."""
    with db.write("school stop") as session:
        code = common.programme(session, programme).code
        school = find_school(session, ref, municipality)
        run = _running(session, school, code)
        if run is None:
            raise NotFound(
                _("{programmes} is not running at {name} (school {id})").format(
                    programmes=common.definition(session).programme_name(code), name=school.name, id=school.id
                )
            )
        common.check(rules.programme_stop(run.start, run.stopped_on, day, reason, today))
        run.stopped_on = day
        run.stop_reason = " ".join(reason.split())
        touched(session, "school", school.id)
        return schools_json(session, [school], with_problems=True)[0]


def note_problem(
    db: Database, ref: str, day: date, note: str, today: date, municipality: str | None = None
) -> dict[str, Any]:
    """Record a dated problem note at a school (rule 12)."""
    with db.write("school problem") as session:
        school = find_school(session, ref, municipality)
        common.check(rules.problem_note(day, note, today))
        session.add(SchoolProblem(school_id=school.id, noted_on=day, note=note.strip()))
        session.flush()
        touched(session, "school", school.id)
        return schools_json(session, [school], with_problems=True)[0]
