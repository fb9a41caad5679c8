"""Personal data (rule 23): everything held about one person, and erasure by pseudonymisation.

The register holds names, e-mail addresses and phone numbers of trainers, school contact persons and
trainees; never personal identity numbers. Issued invoices are bookkeeping material and stay exactly as
issued for seven years; they hold a trainer's name, never an e-mail address or a phone number.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import or_, select, text, update
from sqlalchemy.orm import Session

from steg2cli import rules
from steg2cli.db import Database, touched
from steg2cli.errors import Conflict, NotFound
from steg2cli.i18n import _
from steg2cli.models import (
    Agreement,
    Attendance,
    AuditEntry,
    Charge,
    Course,
    CourseParticipant,
    Invoice,
    InvoiceLine,
    Meeting,
    ProgrammeContact,
    School,
    SchoolProgramme,
    Trainee,
    Trainer,
    TrainerMove,
)
from steg2cli.services import common
from steg2cli.services.agreements import agreement_json, span

KEPT = (
    "Fakturor som redan är utställda sparas oförändrade i sju år enligt bokföringslagen (GDPR art. 17.3 b); "
    "de innehåller en utbildares namn men aldrig e-postadress eller telefonnummer. Loggen över ändringar "
    "innehåller id-nummer och, för rättade uppgifter, det tidigare och det nya värdet; de värdena tas bort "
    "när personen raderas."
)


def _programme_row(run: SchoolProgramme, school: School) -> dict[str, Any]:
    return {
        "school_id": school.id,
        "school": school.name,
        "programme": run.programme,
        "start": common.iso(run.start),
        "stopped_on": common.iso(run.stopped_on),
    }


def export(db: Database, email: str) -> dict[str, Any]:
    """Everything held about the person with this e-mail address (GDPR art. 15)."""
    address = common.email(email)
    with db.read() as session:
        result: dict[str, Any] = {
            "email": address,
            "as_trainer": None,
            "as_contact_person": [],
            "as_trainee": [],
            "on_invoices": [],
            "what_is_kept_and_why": KEPT,
        }
        trainer = session.scalar(select(Trainer).where(Trainer.email == address))
        if trainer is not None:
            result["as_trainer"] = _trainer_record(session, trainer)
            result["on_invoices"] = [
                {
                    "invoice": number,
                    "date": common.iso(day),
                    "kind": kind,
                    "description": line.description,
                    "name_on_invoice": line.who,
                    "amount": line.amount_ore,
                }
                for line, number, day, kind in session.execute(
                    select(InvoiceLine, Invoice.number, Invoice.invoice_date, Invoice.kind)
                    .join(Invoice, Invoice.number == InvoiceLine.invoice_number)
                    .join(Charge, Charge.id == InvoiceLine.charge_id)
                    .where(InvoiceLine.who == trainer.name)
                    .order_by(Invoice.number)
                )
            ]
        for run, school in session.execute(
            select(SchoolProgramme, School)
            .join(School, School.id == SchoolProgramme.school_id)
            .where(SchoolProgramme.contact_email == address)
            .order_by(SchoolProgramme.start)
        ):
            result["as_contact_person"].append(
                {
                    **_programme_row(run, school),
                    "from": common.iso(run.start),
                    "name": run.contact_name,
                    "email": run.contact_email,
                    "phone": run.contact_phone,
                }
            )
        for contact, run, school in session.execute(
            select(ProgrammeContact, SchoolProgramme, School)
            .join(SchoolProgramme, SchoolProgramme.id == ProgrammeContact.run_id)
            .join(School, School.id == SchoolProgramme.school_id)
            .where(ProgrammeContact.email == address)
            .order_by(ProgrammeContact.from_date)
        ):
            result["as_contact_person"].append(
                {
                    **_programme_row(run, school),
                    "from": common.iso(contact.from_date),
                    "name": contact.name,
                    "email": contact.email,
                    "phone": contact.phone,
                }
            )
        for trainee, school, trainer_name in session.execute(
            select(Trainee, School, Trainer.name)
            .join(School, School.id == Trainee.school_id)
            .join(Trainer, Trainer.id == Trainee.trainer_id)
            .where(Trainee.email == address)
            .order_by(Trainee.trained_on)
        ):
            result["as_trainee"].append(
                {
                    "id": trainee.id,
                    "name": trainee.name,
                    "email": trainee.email,
                    "school": school.name,
                    "programme": trainee.programme,
                    "trained_on": common.iso(trainee.trained_on),
                    "trained_by": trainer_name,
                    "reported_on": common.iso(trainee.reported_on),
                    "void": None
                    if trainee.void_on is None
                    else {"date": common.iso(trainee.void_on), "reason": trainee.void_reason},
                }
            )
        from steg2cli.services.delivery import messages_to

        result["messages"] = messages_to(session, address, trainer.id if trainer is not None else None)
        if not (result["as_trainer"] or result["as_contact_person"] or result["as_trainee"] or result["messages"]):
            raise NotFound(_("nothing is held about that e-mail address"))
        return result


def _trainer_record(session: Session, trainer: Trainer) -> dict[str, Any]:
    from steg2cli.services.courses import certified_on
    from steg2cli.services.trainers import trainer_json

    register_entry = trainer_json(session, trainer, certified_on(session, trainer.id), None)
    del register_entry["agreement"], register_entry["state"]
    return {
        **register_entry,
        "moves": [
            {"date": common.iso(m.moved_on), "from": m.from_code, "to": m.to_code}
            for m in session.scalars(select(TrainerMove).where(TrainerMove.trainer_id == trainer.id))
        ],
        "courses": [
            {"id": c.id, "kind": c.kind, "date": common.iso(c.course_date), "completed_on": common.iso(c.completed_on)}
            for c in session.scalars(
                select(Course)
                .join(CourseParticipant, CourseParticipant.course_id == Course.id)
                .where(CourseParticipant.trainer_id == trainer.id)
            )
        ],
        "agreements": [
            agreement_json(session, a)
            for a in session.scalars(select(Agreement).where(Agreement.trainer_id == trainer.id))
        ],
        "meetings": [
            {"kind": kind, "date": common.iso(day)}
            for kind, day in session.execute(
                select(Meeting.kind, Meeting.meeting_date)
                .join(Attendance, Attendance.meeting_id == Meeting.id)
                .where(Attendance.trainer_id == trainer.id)
            )
        ],
        "programmes_led": [
            _programme_row(run, school)
            for run, school in session.execute(
                select(SchoolProgramme, School)
                .join(School, School.id == SchoolProgramme.school_id)
                .where(SchoolProgramme.trainer_id == trainer.id)
            )
        ],
        "trainees_reported": len(
            list(session.scalars(select(Trainee.id).where(Trainee.trainer_id == trainer.id, Trainee.void_on.is_(None))))
        ),
    }


def erase(db: Database, email: str, today: date) -> dict[str, Any]:
    """Pseudonymise the person everywhere in the register (GDPR art. 17); invoices stay as issued."""
    address = common.email(email)
    with db.write("person erase") as session:
        if db.dialect == "sqlite":
            session.execute(text("PRAGMA secure_delete = ON"))  # freed bytes are overwritten with zeros
        erased: dict[str, int] = {"trainer": 0, "contact_person": 0, "trainee": 0}
        trainer = session.scalar(select(Trainer).where(Trainer.email == address))
        if trainer is not None:
            running = [
                a
                for a in session.scalars(select(Agreement).where(Agreement.trainer_id == trainer.id))
                if span(a).overlaps_from(today)
            ]
            if running:
                raise Conflict(
                    _(
                        "trainer {id} has agreement {id2} in force; end it first (steg2 agreement end {id2} --date "
                        "… --reason …)"
                    ).format(id=trainer.id, id2=running[0].id)
                )
            pseudonym = f"Raderad person {trainer.id}"
            # Charges name the trainer as they were called when billed: find them by their keys too.
            agreement_ids = list(session.scalars(select(Agreement.id).where(Agreement.trainer_id == trainer.id)))
            keyed = [
                Charge.who == trainer.name,
                Charge.key.like(f"open-course-seat:%:{trainer.id}"),
                *(Charge.key.like(f"annual-fee:{agreement_id}:%") for agreement_id in agreement_ids),
            ]
            session.execute(update(Charge).where(or_(*keyed)).values(who=pseudonym))
            trainer.name = pseudonym
            trainer.email = f"raderad-{trainer.id}@invalid"
            trainer.phone = None
            trainer.appointed_by = "raderad, raderad"
            trainer.erased_on = today
            erased["trainer"] = 1
            touched(session, "trainer", trainer.id)
        contacts = list(session.scalars(select(SchoolProgramme).where(SchoolProgramme.contact_email == address)))
        for run in contacts:
            run.contact_name = "Raderad kontaktperson"
            run.contact_email = ""
            run.contact_phone = None
        later_contacts = list(session.scalars(select(ProgrammeContact).where(ProgrammeContact.email == address)))
        for contact in later_contacts:
            contact.name, contact.email, contact.phone = "Raderad kontaktperson", "", None
        erased["contact_person"] = len(contacts) + len(later_contacts)
        trainees = list(session.scalars(select(Trainee).where(Trainee.email == address)))
        for trainee in trainees:
            trainee.name = f"Raderad person {trainee.id}"
            trainee.name_key = rules.name_key(trainee.name)
            trainee.email = f"raderad-{trainee.id}@invalid"
        erased["trainee"] = len(trainees)
        from steg2cli.services.delivery import scrub

        erased["delivery_record"] = scrub(session, address, trainer.id if trainer is not None else None)
        if not any(erased.values()):
            raise NotFound(_("nothing is held about that e-mail address"))
        if contacts or later_contacts:
            touched(session, "school-programme", *(run.id for run in contacts), *(c.run_id for c in later_contacts))
        if trainees:
            touched(session, "trainee", *(t.id for t in trainees))
        _scrub_audit(session, address, trainer.id if trainer is not None else None)
    compacted = _compact(db)
    return {"erased": erased, "invoices_kept": True, "compacted": compacted, "what_is_kept_and_why": KEPT}


def _scrub_audit(session: Session, address: str, trainer_id: int | None) -> None:
    """The audit trail holds ids, and the old and new values of edits (rule 24): the erased trainer's
    edits lose their values, and any entry that still names the address goes whole."""
    for entry in session.scalars(select(AuditEntry).where(AuditEntry.touched.contains(address))):
        entry.touched = json.dumps({"erased": True})
    for entry in session.scalars(select(AuditEntry).where(AuditEntry.changes.is_not(None))):
        changes = json.loads(entry.changes or "{}")
        fields = changes.get("trainer", {}).get(str(trainer_id)) if trainer_id is not None else None
        if fields:
            changes["trainer"][str(trainer_id)] = {field: ["raderad", "raderad"] for field in fields}
        if fields or address in (entry.changes or ""):
            entry.changes = json.dumps(changes if address not in json.dumps(changes) else {"erased": True})


def _compact(db: Database) -> bool:
    """Leave no copy of the erased data in the file: rewrite it, and empty SQLite's write-ahead log.
    Returns False when another process was reading, so that the old pages could not all be cleared."""
    from sqlalchemy.exc import OperationalError

    try:
        with db.engine.connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            if db.dialect == "sqlite":
                conn.exec_driver_sql("VACUUM")
                # (busy, log pages, checkpointed pages): busy is 1 when a reader kept the log from being emptied.
                busy, log, done = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
                return not busy and (log in (0, -1) or log == done)
            conn.exec_driver_sql("VACUUM FULL trainers, school_programmes, trainees, charges, programme_contacts")
            return True
    except OperationalError:
        return False
