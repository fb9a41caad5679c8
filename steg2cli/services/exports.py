"""The Excel lists that leave MÄN: trainees, trainers, schools, and the empty trainee list template.

Rows are read from the database in batches (`yield_per`) and written in openpyxl's write-only mode as
they arrive, so memory stays flat whatever the size of the register.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from steg2cli import rules
from steg2cli.db import Database
from steg2cli.excel import Column, Sheet, write_workbook
from steg2cli.i18n import _
from steg2cli.models import (
    Agreement,
    Attendance,
    Course,
    CourseParticipant,
    Meeting,
    Municipality,
    School,
    SchoolProblem,
    SchoolProgramme,
    Step,
    Trainee,
    Trainer,
)
from steg2cli.services import common
from steg2cli.services.courses import certified_dates
from steg2cli.services.trainees import template_rows

BATCH = 2000
Progress = Callable[[int], None]


@dataclass(frozen=True)
class Filters:
    """What `export` narrows to; None means no filter."""

    year: int | None = None
    municipality: str | None = None
    trainer: str | None = None
    programme: str | None = None


@dataclass(frozen=True)
class _Resolved:
    first: date | None
    last: date | None
    municipality: str | None
    trainer_id: int | None
    programme: str | None
    year_bounds: int | None = None  # the calendar year itself, when one was given


def _resolve(session: Session, filters: Filters) -> _Resolved:
    return _Resolved(
        first=date(filters.year, 1, 1) if filters.year else None,
        last=date(filters.year, 12, 31) if filters.year else None,
        municipality=common.municipality(session, filters.municipality).code if filters.municipality else None,
        trainer_id=common.trainer(session, filters.trainer).id if filters.trainer else None,
        programme=common.programme(session, filters.programme).code if filters.programme else None,
        year_bounds=filters.year,
    )


def template(path: Path) -> dict[str, int]:
    """The empty trainee list a trainer fills in and sends back."""
    return write_workbook(
        path,
        [
            Sheet(
                "Utbildade",
                [
                    Column(name, width)
                    for name, width in zip(rules.TRAINEE_COLUMNS, (24, 30, 28, 16, 18, 12, 30), strict=True)
                ],
                [],
            ),
            Sheet("Instruktioner", [Column("Kolumn", 14), Column("Vad den ska innehålla", 80)], template_rows()),
        ],
    )


TRAINEE_COLUMNS = [
    Column("Namn", 24),
    Column("E-post", 30),
    Column("Skola", 28),
    Column("Kommun", 16),
    Column("Program", 20),
    Column("Datum", 12, "date"),
    Column("Utbildare", 30),
    Column("Utbildarens namn", 24),
    Column("Kommunkod", 11),
    Column("Id", 10, "int"),
]
VOID_TRAINEE_COLUMNS = [*TRAINEE_COLUMNS, Column("Makulerad", 12, "date"), Column("Orsak", 40)]


def trainees(db: Database, path: Path, filters: Filters, progress: Progress | None = None) -> int:
    """Every reported trainee (filtered), in the columns of the trainee list and a few more (so that the
    sheet `Utbildade` can be read back in); voided reports (rule 24) on a sheet of their own, `Makulerade`
    (left out when there are none)."""
    with db.read() as session:
        wanted = _resolve(session, filters)
        query = (
            select(
                Trainee.name,
                Trainee.email,
                School.name,
                Municipality.name,
                Trainee.programme,
                Trainee.trained_on,
                Trainer.email,
                Trainer.name,
                Municipality.code,
                Trainee.id,
                Trainee.void_on,
                Trainee.void_reason,
            )
            .join(School, School.id == Trainee.school_id)
            .join(Municipality, Municipality.code == School.municipality_code)
            .join(Trainer, Trainer.id == Trainee.trainer_id)
            .order_by(Trainee.trained_on, Trainee.id)
        )
        if wanted.first and wanted.last:
            query = query.where(Trainee.trained_on.between(wanted.first, wanted.last))
        if wanted.municipality:
            query = query.where(School.municipality_code == wanted.municipality)
        if wanted.trainer_id:
            query = query.where(Trainee.trainer_id == wanted.trainer_id)
        if wanted.programme:
            query = query.where(Trainee.programme == wanted.programme)

        def data(void: bool) -> Iterator[list[Any]]:
            chosen = query.where(Trainee.void_on.is_not(None) if void else Trainee.void_on.is_(None))
            for (
                name,
                email,
                school,
                place,
                programme,
                day,
                trainer_email,
                trainer_name,
                code,
                trainee_id,
                void_on,
                void_reason,
            ) in session.execute(chosen.execution_options(yield_per=BATCH)):
                row = [
                    name,
                    email,
                    school,
                    place,
                    common.definition(session).programme_name(programme),
                    day,
                    trainer_email,
                    trainer_name,
                    code,
                    trainee_id,
                ]
                yield [*row, void_on, void_reason] if void else row

        return write_workbook(
            path,
            [
                Sheet("Utbildade", TRAINEE_COLUMNS, data(False)),
                Sheet("Makulerade", VOID_TRAINEE_COLUMNS, data(True), optional=True),
            ],
            progress,
        )["Utbildade"]


def trainers(db: Database, path: Path, filters: Filters, today: date, progress: Progress | None = None) -> int:
    """The trainer register: contact, certification and the agreement in force (or the latest)."""
    with db.read() as session:
        wanted = _resolve(session, filters)
        certified = certified_dates(session)
        agreements: dict[int, list[Agreement]] = defaultdict(list)
        for agreement in session.scalars(select(Agreement).order_by(Agreement.start)):
            agreements[agreement.trainer_id].append(agreement)
        schools = {row.id: row.name for row in session.execute(select(School.id, School.name))}
        query = select(Trainer).where(Trainer.erased_on.is_(None)).order_by(Trainer.name, Trainer.id)
        if wanted.municipality:
            query = query.where(Trainer.municipality_code == wanted.municipality)
        if wanted.trainer_id:
            query = query.where(Trainer.id == wanted.trainer_id)

        def overlaps_year(trainer_id: int) -> bool:
            first, last = wanted.first, wanted.last
            assert first is not None and last is not None
            return any(
                a.start <= last and (a.end is None or a.end > first) and a.end != a.start
                for a in agreements[trainer_id]
            )

        def data() -> Iterator[list[Any]]:
            for trainer in session.scalars(query.execution_options(yield_per=BATCH)):
                programmes = [p for p in trainer.programmes.split(",") if p]
                if wanted.programme and wanted.programme not in programmes:
                    continue
                if wanted.first and not overlaps_year(trainer.id):
                    continue
                own = agreements[trainer.id]
                current = next((a for a in own if rules.Span(a.start, a.end).in_force_on(today)), None)
                shown = current or (own[-1] if own else None)
                place = common.municipality_by_code(session, trainer.municipality_code)
                status = "överenskommelse" if current else ("certifierad" if trainer.id in certified else "registrerad")
                yield [
                    trainer.name,
                    trainer.email,
                    trainer.phone,
                    place.name if place else "",
                    trainer.municipality_code,
                    ", ".join(common.definition(session).programme_name(p) for p in programmes),
                    trainer.basic_training,
                    trainer.series_held,
                    trainer.appointed_by,
                    certified.get(trainer.id),
                    shown.id if shown else None,
                    shown.start if shown else None,
                    shown.end if shown else None,
                    (schools.get(shown.school_id, "") if shown and shown.school_id else ("kommunen" if shown else "")),
                    status,
                ]

        columns = [
            Column("Namn", 24),
            Column("E-post", 30),
            Column("Telefon", 16),
            Column("Kommun", 16),
            Column("Kommunkod", 11),
            Column("Program", 30),
            Column("Grundutbildning", 15, "date"),
            Column("Programserie hållen", 18, "date"),
            Column("Utsedd av", 28),
            Column("Certifierad", 12, "date"),
            Column("Överenskommelse", 15, "int"),
            Column("Från", 12, "date"),
            Column("Till (första dag utan)", 20, "date"),
            Column("Omfattning", 24),
            Column("Status", 16),
        ]
        return write_workbook(path, [Sheet("Utbildare", columns, data())], progress)["Utbildare"]


def schools(db: Database, path: Path, filters: Filters, progress: Progress | None = None) -> int:
    """Every programme run at every school (filtered): start, leader, contact, steps, stop."""
    with db.read() as session:
        wanted = _resolve(session, filters)
        steps: dict[int, list[str]] = defaultdict(list)
        for run_id, step in session.execute(select(Step.run_id, Step.step).where(Step.void_on.is_(None))):
            steps[run_id].append(step)
        trainer_names = {row.id: row.name for row in session.execute(select(Trainer.id, Trainer.name))}
        notes: dict[int, list[str]] = defaultdict(list)
        for school_id, noted_on, note in session.execute(
            select(SchoolProblem.school_id, SchoolProblem.noted_on, SchoolProblem.note)
            .where(SchoolProblem.void_on.is_(None))
            .order_by(SchoolProblem.noted_on, SchoolProblem.id)
        ):
            notes[school_id].append(f"{noted_on.isoformat()}: {note}")
        query = (
            select(SchoolProgramme, School.name, Municipality.name, Municipality.code)
            .join(School, School.id == SchoolProgramme.school_id)
            .join(Municipality, Municipality.code == School.municipality_code)
            .order_by(Municipality.name, School.name_key, SchoolProgramme.start)
        )
        if wanted.municipality:
            query = query.where(School.municipality_code == wanted.municipality)
        if wanted.programme:
            query = query.where(SchoolProgramme.programme == wanted.programme)
        if wanted.trainer_id:
            query = query.where(SchoolProgramme.trainer_id == wanted.trainer_id)
        if wanted.first and wanted.last:
            query = query.where(SchoolProgramme.start <= wanted.last).where(
                SchoolProgramme.stopped_on.is_(None) | (SchoolProgramme.stopped_on > wanted.first)
            )

        known = common.definition(session)

        def data() -> Iterator[list[Any]]:
            for run, school, place, code in session.execute(query.execution_options(yield_per=BATCH)):
                held = steps[run.id]
                once = [k.name for k in known.steps.values() if k.code in held and k.once]
                yield [
                    school,
                    place,
                    code,
                    known.programme_name(run.programme),
                    run.start,
                    trainer_names.get(run.trainer_id, ""),
                    run.contact_name,
                    run.contact_email,
                    run.contact_phone,
                    ", ".join(once),
                    held.count("handledning"),
                    run.stopped_on,
                    run.stop_reason,
                    "\n".join(notes.get(run.school_id, [])),
                ]

        columns = [
            Column("Skola", 28),
            Column("Kommun", 16),
            Column("Kommunkod", 11),
            Column("Program", 20),
            Column("Start", 12, "date"),
            Column("Ledande utbildare", 24),
            Column("Kontaktperson", 24),
            Column("Kontaktens e-post", 30),
            Column("Kontaktens telefon", 16),
            Column("Genomförda insatser", 50),
            Column("Handledningar", 14, "int"),
            Column("Avslutad", 12, "date"),
            Column("Orsak", 30),
            Column("Problem (noteringar)", 50, "wrap"),
        ]
        return write_workbook(path, [Sheet("Skolor", columns, data())], progress)["Skolor"]


def agreements(db: Database, path: Path, filters: Filters) -> int:
    """Every agreement (the year's, with --year): trainer, scope, start, end and why it ended."""
    with db.read() as session:
        wanted = _resolve(session, filters)
        schools = {row.id: row.name for row in session.execute(select(School.id, School.name))}
        query = (
            select(Agreement, Trainer.name, Trainer.email)
            .join(Trainer, Trainer.id == Agreement.trainer_id)
            .order_by(Agreement.start, Agreement.id)
        )
        if wanted.municipality:
            query = query.where(Agreement.municipality_code == wanted.municipality)
        if wanted.trainer_id:
            query = query.where(Agreement.trainer_id == wanted.trainer_id)
        rows = []
        for agreement, name, email in session.execute(query):
            if wanted.year_bounds and not rules.in_force_during_year(
                [rules.Span(agreement.start, agreement.end)], wanted.year_bounds
            ):
                continue
            place = common.municipality_by_code(session, agreement.municipality_code)
            rows.append(
                [
                    agreement.id,
                    name,
                    email,
                    place.name if place else "",
                    agreement.municipality_code,
                    schools.get(agreement.school_id, "") if agreement.school_id else "kommunen",
                    agreement.start,
                    agreement.end,
                    rules.end_reason_text(agreement.end_reason, "flyttade till {place}") or "",
                ]
            )
        columns = [
            Column("Överenskommelse", 15, "int"),
            Column("Utbildare", 24),
            Column("E-post", 30),
            Column("Kommun", 16),
            Column("Kommunkod", 11),
            Column("Omfattning", 24),
            Column("Från", 12, "date"),
            Column("Till (första dag utan)", 20, "date"),
            Column("Orsak till slut", 30, "wrap"),
        ]
        return write_workbook(path, [Sheet("Överenskommelser", columns, rows)])["Överenskommelser"]


def courses(db: Database, path: Path, filters: Filters) -> int:
    """Every Steg 2 course (the year's, with --year) and each participant: one row per participant."""
    with db.read() as session:
        wanted = _resolve(session, filters)
        query = (
            select(Course, CourseParticipant, Trainer.name, Trainer.email)
            .outerjoin(CourseParticipant, CourseParticipant.course_id == Course.id)
            .outerjoin(Trainer, Trainer.id == CourseParticipant.trainer_id)
            .order_by(Course.course_date, Course.id, Trainer.name)
        )
        if wanted.first and wanted.last:
            query = query.where(Course.course_date.between(wanted.first, wanted.last))
        if wanted.municipality:
            query = query.where(Course.municipality_code == wanted.municipality)
        rows = []
        for course, seat, name, email in session.execute(query):
            place = common.municipality_by_code(session, course.municipality_code)
            rows.append(
                [
                    course.id,
                    "öppen" if course.kind == "open" else "köpt",
                    course.course_date,
                    place.name if place else "",
                    course.place or "",
                    course.completed_on,
                    course.cancelled_on,
                    course.cancel_reason or "",
                    name or "",
                    email or "",
                    seat.unenrolled_on if seat else None,
                    (seat.unenrol_reason or "") if seat else "",
                ]
            )
        columns = [
            Column("Kurs", 8, "int"),
            Column("Slag", 8),
            Column("Datum", 12, "date"),
            Column("Kommun (köpt)", 16),
            Column("Plats", 20),
            Column("Genomförd", 12, "date"),
            Column("Inställd", 12, "date"),
            Column("Varför inställd", 30),
            Column("Deltagare", 24),
            Column("E-post", 30),
            Column("Avanmäld", 12, "date"),
            Column("Varför avanmäld", 30),
        ]
        return write_workbook(path, [Sheet("Kurser", columns, rows)])["Kurser"]


def meetings(db: Database, path: Path, filters: Filters) -> int:
    """Attendance per trainer: every trainer under agreement in the year, a column per meeting (x = came)."""
    from steg2cli.services.followup import _compliance_rows

    with db.read() as session:
        wanted = _resolve(session, filters)
        if wanted.year_bounds is None:
            from steg2cli.errors import BadInput

            raise BadInput(_("export meetings needs --year (attendance is counted per calendar year)"))
        year = wanted.year_bounds
        held = list(
            session.scalars(
                select(Meeting)
                .where(Meeting.meeting_date.between(date(year, 1, 1), date(year, 12, 31)))
                .order_by(Meeting.meeting_date, Meeting.id)
            )
        )
        came = {
            (a.meeting_id, a.trainer_id)
            for a in session.scalars(select(Attendance).where(Attendance.void_on.is_(None)))
        }
        rows = []
        for row in _compliance_rows(session, year):
            if wanted.municipality and row["municipality"]["code"] != wanted.municipality:
                continue
            rows.append(
                [
                    row["trainer_id"],
                    row["name"],
                    row["municipality"]["name"],
                    *("x" if (m.id, row["trainer_id"]) in came else "" for m in held),
                    row["network_meetings"],
                    row["conferences"],
                    "ja" if row["ok"] else "nej",
                ]
            )
        columns = [
            Column("Utbildare (id)", 14, "int"),
            Column("Namn", 24),
            Column("Kommun", 16),
            *(Column(f"{m.meeting_date.isoformat()} {m.title}"[:60], 14) for m in held),
            Column("Nätverksträffar", 16, "int"),
            Column("Konferenser", 12, "int"),
            Column("Uppfyllt", 10),
        ]
        return write_workbook(path, [Sheet(f"Närvaro {year}", columns, rows)])[f"Närvaro {year}"]
