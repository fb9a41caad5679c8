"""Voiding what did not happen (rule 24): a step, an attendance, a trainee report or a problem note.

A voided record stays in the register, marked with the day and the reason, and stops counting everywhere:
step order and "once each", compliance, trainee counts and duplicates, exports and the dashboard.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from steg2cli import rules
from steg2cli.db import Database, touched
from steg2cli.errors import BadInput, NotFound
from steg2cli.i18n import N_, _
from steg2cli.models import Attendance, Meeting, SchoolProblem, SchoolProgramme, Step, Trainee
from steg2cli.services import common
from steg2cli.services.common import refresh_activity


def _record(session: Session, kind: str, record_id: int) -> tuple[Any, date, str]:
    """The record, the day it is dated, and how a person calls it."""
    if kind == "step":
        step = session.get(Step, record_id)
        if step is not None:
            return step, step.step_date, common.definition(session).step_name(step.step).lower()
    elif kind == "attendance":
        attendance = session.get(Attendance, record_id)
        if attendance is not None:
            meeting = session.get(Meeting, attendance.meeting_id)
            assert meeting is not None
            return attendance, meeting.meeting_date, N_("attendance")
    elif kind == "trainee":
        trainee = session.get(Trainee, record_id)
        if trainee is not None:
            return trainee, trainee.trained_on, N_("trainee report")
    elif kind == "problem":
        problem = session.get(SchoolProblem, record_id)
        if problem is not None:
            return problem, problem.noted_on, N_("problem note")
    else:
        raise BadInput(
            _("cannot void a '{kind}' (use one of {join})").format(kind=kind, join=", ".join(rules.VOIDABLE))
        )
    raise NotFound(_("no {kind} has the id {record_id}").format(kind=kind, record_id=record_id))


def void(db: Database, kind: str, record_id: int, reason: str, day: date, today: date) -> dict[str, Any]:
    """Mark a record void from `day` with a reason; it stays, shown as void, and stops counting."""
    with db.write(f"void {kind}") as session:
        record, record_day, what = _record(session, kind, record_id)
        problems = rules.voiding(_("the {what}").format(what=_(what)), record_day, record.void_on, day, reason, today)
        if kind == "step" and not problems:
            live = session.scalars(
                select(Step.step).where(Step.run_id == record.run_id, Step.void_on.is_(None), Step.id != record.id)
            )
            problems += rules.step_voiding(record.step, list(live), common.definition(session))
        if problems:
            from steg2cli.services.common import check

            check(problems)
        record.void_on, record.void_reason = day, " ".join(reason.split())
        touched(session, kind, record.id)
        if kind == "step":
            refresh_activity(session, SchoolProgramme.id == record.run_id)
        elif kind == "trainee":
            refresh_activity(
                session, SchoolProgramme.school_id == record.school_id, SchoolProgramme.programme == record.programme
            )
        owner: dict[str, Any] = {}
        if kind == "step":
            run = session.get(SchoolProgramme, record.run_id)
            assert run is not None
            owner = {"school_id": run.school_id, "programme": run.programme}
        elif kind in ("trainee", "problem"):
            owner = {"school_id": record.school_id}
        elif kind == "attendance":
            owner = {"meeting_id": record.meeting_id, "trainer_id": record.trainer_id}
        return {
            "kind": kind,
            "id": record.id,
            "what": what,
            **owner,
            "void": {"date": day.isoformat(), "reason": record.void_reason},
        }
