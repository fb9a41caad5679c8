"""Cohorts (rule 46): municipalities that start a programme together and run a fixed number of months;
their gatherings are meetings of the cohort, and their programmes, people trained and attendance are
reported together."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from steg2cli import rules
from steg2cli.db import Database, touched
from steg2cli.errors import Conflict, NotFound
from steg2cli.i18n import _
from steg2cli.models import (
    Attendance,
    Cohort,
    CohortMunicipality,
    Meeting,
    School,
    SchoolProgramme,
    Trainee,
)
from steg2cli.services import common


def find_cohort(session: Session, ref: str | int) -> Cohort:
    """A cohort by id or name."""
    text = " ".join(str(ref).split())
    number = common.record_id(text)
    found = session.get(Cohort, number) if number is not None else None
    if found is None:
        found = session.scalar(select(Cohort).where(func.lower(Cohort.name) == text.lower()))
    if found is None:
        raise NotFound(_("unknown cohort '{text}'").format(text=text))
    return found


def cohort_json(session: Session, cohort: Cohort) -> dict[str, Any]:
    """A cohort as CLI.md describes it: id, name, programme, start, months, end, municipalities."""
    codes = session.scalars(
        select(CohortMunicipality.municipality_code).where(CohortMunicipality.cohort_id == cohort.id)
    )
    places = sorted(
        (common.municipality_by_code(session, code) for code in codes),
        key=lambda m: (m.name, m.code),  # type: ignore[union-attr]
    )
    return {
        "id": cohort.id,
        "name": cohort.name,
        "programme": cohort.programme_code,
        "programme_name": common.definition(session).programme_name(cohort.programme_code),
        "start": common.iso(cohort.start),
        "months": cohort.months,
        "end": common.iso(rules.cohort_end(cohort.start, cohort.months)),
        "municipalities": [common.municipality_json(m) for m in places],
    }


def add(db: Database, name: str, programme: str, start: date, months: int) -> dict[str, Any]:
    clean = " ".join(name.split())
    common.check(rules.cohort_definition(clean, months))
    with db.write("cohort add") as session:
        code = common.programme(session, programme).code
        if session.scalar(select(Cohort.id).where(func.lower(Cohort.name) == clean.lower())) is not None:
            raise Conflict(_("a cohort named {name} exists already").format(name=clean))
        cohort = Cohort(name=clean, programme_code=code, start=start, months=months)
        session.add(cohort)
        session.flush()
        touched(session, "cohort", cohort.id)
        return cohort_json(session, cohort)


def join(db: Database, ref: str, municipalities: list[str]) -> dict[str, Any]:
    with db.write("cohort join") as session:
        cohort = find_cohort(session, ref)
        end = rules.cohort_end(cohort.start, cohort.months)
        present = set(
            session.scalars(
                select(CohortMunicipality.municipality_code).where(CohortMunicipality.cohort_id == cohort.id)
            )
        )
        problems: list[str] = []
        adding = []
        for text in municipalities:
            place = common.municipality(session, text)
            if place.code in present or place.code in adding:
                continue
            others = [
                (other.name, other.start, rules.cohort_end(other.start, other.months))
                for other in session.scalars(
                    select(Cohort)
                    .join(CohortMunicipality, CohortMunicipality.cohort_id == Cohort.id)
                    .where(
                        CohortMunicipality.municipality_code == place.code,
                        Cohort.programme_code == cohort.programme_code,
                        Cohort.id != cohort.id,
                    )
                )
            ]
            problems += rules.cohort_joining(place.name, cohort.start, end, others)
            adding.append(place.code)
        common.check(problems)
        session.add_all(CohortMunicipality(cohort_id=cohort.id, municipality_code=code) for code in adding)
        session.flush()
        touched(session, "cohort", cohort.id)
        return cohort_json(session, cohort)


def list_all(db: Database) -> list[dict[str, Any]]:
    with db.read() as session:
        return [cohort_json(session, c) for c in session.scalars(select(Cohort).order_by(Cohort.start, Cohort.id))]


def figures(session: Session, cohort: Cohort, first: date | None = None, last: date | None = None) -> dict[str, Any]:
    """A cohort's municipalities with their runs of its programme and people trained in it, and attendance at
    its gatherings, within [first, last] (default: the cohort's own months)."""
    first = first or cohort.start
    last = last or rules.cohort_end(cohort.start, cohort.months)
    codes = list(
        session.scalars(select(CohortMunicipality.municipality_code).where(CohortMunicipality.cohort_id == cohort.id))
    )
    running = dict(
        session.execute(
            select(School.municipality_code, func.count())
            .join(SchoolProgramme, SchoolProgramme.school_id == School.id)
            .where(
                School.municipality_code.in_(codes),
                SchoolProgramme.programme == cohort.programme_code,
                SchoolProgramme.start < last,
                SchoolProgramme.stopped_on.is_(None) | (SchoolProgramme.stopped_on > first),
            )
            .group_by(School.municipality_code)
        ).all()
    )
    trained = dict(
        session.execute(
            select(School.municipality_code, func.count())
            .join(Trainee, Trainee.school_id == School.id)
            .where(
                School.municipality_code.in_(codes),
                Trainee.programme == cohort.programme_code,
                Trainee.void_on.is_(None),
                Trainee.trained_on >= first,
                Trainee.trained_on < last,
            )
            .group_by(School.municipality_code)
        ).all()
    )
    places = sorted(
        (common.municipality_by_code(session, code) for code in codes),
        key=lambda m: (m.name, m.code),  # type: ignore[union-attr]
    )
    gatherings = []
    for meeting in session.scalars(
        select(Meeting)
        .where(Meeting.cohort_id == cohort.id, Meeting.meeting_date >= first, Meeting.meeting_date < last)
        .order_by(Meeting.meeting_date, Meeting.id)
    ):
        attended = session.scalar(
            select(func.count())
            .select_from(Attendance)
            .where(Attendance.meeting_id == meeting.id, Attendance.void_on.is_(None))
        )
        gatherings.append(
            {
                "id": meeting.id,
                "date": common.iso(meeting.meeting_date),
                "kind": meeting.kind,
                "title": meeting.title,
                "attended": attended or 0,
            }
        )
    return {
        "municipalities": [
            {
                "code": m.code,  # type: ignore[union-attr]
                "name": m.name,  # type: ignore[union-attr]
                "running_programmes": running.get(m.code, 0),  # type: ignore[union-attr]
                "trained": trained.get(m.code, 0),  # type: ignore[union-attr]
            }
            for m in places
        ],
        "trained": sum(trained.values()),
        "gatherings": gatherings,
        "attendance": sum(g["attended"] for g in gatherings),
    }


def show(db: Database, ref: str) -> dict[str, Any]:
    with db.read() as session:
        cohort = find_cohort(session, ref)
        return {**cohort_json(session, cohort), "figures": figures(session, cohort)}


def year_sections(session: Session, year: int) -> list[dict[str, Any]]:
    """`report --year`: one section per cohort running some day of the year, its figures for that year."""
    first, after = date(year, 1, 1), date(year + 1, 1, 1)
    sections = []
    for cohort in session.scalars(select(Cohort).where(Cohort.start < after).order_by(Cohort.start, Cohort.id)):
        end = rules.cohort_end(cohort.start, cohort.months)
        if end <= first:
            continue
        sections.append(
            {
                **cohort_json(session, cohort),
                "figures": figures(session, cohort, max(first, cohort.start), min(after, end)),
            }
        )
    return sections
