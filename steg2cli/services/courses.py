"""Steg 2 courses: open and purchased, enrolment and completion; rules 2-3."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from steg2cli import rules
from steg2cli.db import Database, touched
from steg2cli.errors import Conflict
from steg2cli.i18n import _
from steg2cli.models import Course, CourseParticipant, Trainer
from steg2cli.services import common


def certified_on(session: Session, trainer_id: int) -> date | None:
    """Rule 3: the day the trainer's first Steg 2 course was completed, or None."""
    dates = session.scalars(
        select(Course.completed_on)
        .join(CourseParticipant, CourseParticipant.course_id == Course.id)
        .where(CourseParticipant.trainer_id == trainer_id, CourseParticipant.unenrolled_on.is_(None))
    )
    return rules.certified_on(dates)


def certified_dates(session: Session, trainer_ids: Sequence[int] | None = None) -> dict[int, date]:
    """Rule 3 for every trainer at once (or for these): trainer id → certification date."""
    query = (
        select(CourseParticipant.trainer_id, func.min(Course.completed_on))
        .join(Course, Course.id == CourseParticipant.course_id)
        .where(Course.completed_on.is_not(None), CourseParticipant.unenrolled_on.is_(None))
        .group_by(CourseParticipant.trainer_id)
    )
    if trainer_ids is not None:
        query = query.where(CourseParticipant.trainer_id.in_(trainer_ids))
    return {row[0]: row[1] for row in session.execute(query) if row[1] is not None}


def course_json(session: Session, course: Course, with_participants: bool = True) -> dict[str, Any]:
    """A course with its participants."""
    data: dict[str, Any] = {
        "id": course.id,
        "kind": course.kind,
        "date": common.iso(course.course_date),
        "municipality": common.municipality_json(common.municipality_by_code(session, course.municipality_code)),
        "place": course.place,
        "completed_on": common.iso(course.completed_on),
        "cancelled": None
        if course.cancelled_on is None
        else {"date": common.iso(course.cancelled_on), "reason": course.cancel_reason},
    }
    rows = session.execute(
        select(CourseParticipant, Trainer.name)
        .join(Trainer, Trainer.id == CourseParticipant.trainer_id)
        .where(CourseParticipant.course_id == course.id)
        .order_by(Trainer.name)
    ).all()
    data["participant_count"] = sum(1 for p, _ in rows if p.unenrolled_on is None)
    if with_participants:
        data["participants"] = [
            {
                "trainer_id": p.trainer_id,
                "name": name,
                "municipality": common.municipality_json(common.municipality_by_code(session, p.municipality_code)),
                "unenrolled": None
                if p.unenrolled_on is None
                else {"date": common.iso(p.unenrolled_on), "reason": p.unenrol_reason},
            }
            for p, name in rows
        ]
    return data


def add(db: Database, kind: str, course_date: date, municipality: str | None, place: str | None) -> dict[str, Any]:
    """Plan a Steg 2 course (rule 2: a purchased course belongs to one municipality)."""
    with db.write("course add") as session:
        found = common.municipality(session, municipality) if municipality else None
        common.check(rules.course_definition(kind, found.code if found else None))
        if place is None:
            place = "Stockholm" if kind == "open" else (found.name if found else None)
        course = Course(
            kind=kind,
            course_date=course_date,
            municipality_code=found.code if found else None,
            place=place,
            billed=kind == "open",  # an open course owes nothing itself: its seats do (rule 17)
        )
        session.add(course)
        session.flush()
        touched(session, "course", course.id)
        return course_json(session, course)


def enrol(db: Database, course_ref: str, trainer_refs: list[str]) -> dict[str, Any]:
    """Put trainers on a course; every trainer is checked before anything is written."""
    with db.write("course enrol") as session:
        course = common.course(session, course_ref)
        so_far = (
            session.scalar(
                select(func.count())
                .select_from(CourseParticipant)
                .where(CourseParticipant.course_id == course.id, CourseParticipant.unenrolled_on.is_(None))
            )
            or 0
        )
        problems: list[str] = []
        for ref in trainer_refs:
            trainer = common.trainer(session, ref)
            already = session.scalar(
                select(CourseParticipant).where(
                    CourseParticipant.course_id == course.id, CourseParticipant.trainer_id == trainer.id
                )
            )
            if already is not None and already.unenrolled_on is not None:
                raise Conflict(
                    _(
                        "trainer {id} was unenrolled from course {id2} on {unenrolled_on}; enrolment is not undone"
                    ).format(id=trainer.id, id2=course.id, unenrolled_on=already.unenrolled_on.isoformat())
                )
            if already is not None:
                raise Conflict(
                    _("trainer {id} is already enrolled on course {id2}").format(id=trainer.id, id2=course.id)
                )
            found = [
                _("trainer {id}: {problem}").format(id=trainer.id, problem=p)
                for p in rules.course_enrolment(
                    course.kind,
                    course.municipality_code,
                    trainer.municipality_code,
                    so_far,
                    course.completed_on is not None,
                    course.cancelled_on is not None,
                    {
                        code: common.place_name(session, code)
                        for code in (course.municipality_code, trainer.municipality_code)
                        if code
                    },
                )
            ]
            problems += found
            if not found:
                session.add(
                    CourseParticipant(
                        course_id=course.id,
                        trainer_id=trainer.id,
                        municipality_code=trainer.municipality_code,
                        billed=course.kind == "purchased",  # a purchased course's seats owe nothing (rule 17)
                    )
                )
                session.flush()
                so_far += 1
        common.check(problems)
        touched(session, "course", course.id)
        return course_json(session, course)


def complete(db: Database, course_ref: str, completed_on: date, today: date) -> dict[str, Any]:
    """Mark a course completed: its participants are certified from that day (rule 3)."""
    with db.write("course complete") as session:
        course = common.course(session, course_ref)
        common.check(
            rules.course_completion(course.course_date, completed_on, course.completed_on, today, course.cancelled_on)
        )
        course.completed_on = completed_on
        touched(session, "course", course.id)
        return course_json(session, course)


def list_courses(db: Database) -> list[dict[str, Any]]:
    """Every course, newest first."""
    with db.read() as session:
        courses = session.scalars(select(Course).order_by(Course.course_date.desc(), Course.id.desc()))
        return [course_json(session, c, with_participants=False) for c in courses]


def show(db: Database, course_ref: str) -> dict[str, Any]:
    """One course with its participants."""
    with db.read() as session:
        return course_json(session, common.course(session, course_ref))


def cancel(db: Database, course_ref: str, reason: str, today: date) -> dict[str, Any]:
    """Cancel a course that will not take place (rule 25); its charges are void and never billed (rule 26)."""
    with db.write("course cancel") as session:
        course = common.course(session, course_ref)
        common.check(rules.course_cancelling(course.completed_on, course.cancelled_on, reason))
        course.cancelled_on, course.cancel_reason = today, " ".join(reason.split())
        touched(session, "course", course.id)
        return course_json(session, course)


def unenrol(db: Database, course_ref: str, trainer_refs: list[str], reason: str, today: date) -> dict[str, Any]:
    """Take participants off a course before it is completed (rule 25); their seats are never billed (rule 26)."""
    with db.write("course unenrol") as session:
        course = common.course(session, course_ref)
        problems: list[str] = []
        for ref in trainer_refs:
            trainer = common.trainer(session, ref)
            seat = session.scalar(
                select(CourseParticipant).where(
                    CourseParticipant.course_id == course.id, CourseParticipant.trainer_id == trainer.id
                )
            )
            if seat is None:
                problems.append(_("trainer {id} is not enrolled on course {id2}").format(id=trainer.id, id2=course.id))
                continue
            found = rules.unenrolling(course.completed_on, course.cancelled_on, seat.unenrolled_on, reason)
            problems += [_("trainer {id}: {problem}").format(id=trainer.id, problem=p) for p in found]
            if not found:
                seat.unenrolled_on, seat.unenrol_reason = today, " ".join(reason.split())
        common.check(problems)
        touched(session, "course", course.id)
        return course_json(session, course)
