"""Follow-up: network meetings and the conference, the compliance report, the coordinator's dashboard."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from steg2cli import rules
from steg2cli.db import Database, touched
from steg2cli.errors import NotFound
from steg2cli.i18n import _
from steg2cli.models import Agreement, Attendance, Invoice, Meeting, School, SchoolProgramme, Step, Trainer
from steg2cli.services import common
from steg2cli.services.agreements import in_force_filter
from steg2cli.services.courses import certified_dates

# ---- meetings ---------------------------------------------------------------------------------


def _meeting_json(session: Session, meeting: Meeting, with_records: bool = True) -> dict[str, Any]:
    from steg2cli.services.schools import void_json

    records = list(
        session.execute(
            select(Attendance, Trainer.name)
            .join(Trainer, Trainer.id == Attendance.trainer_id)
            .where(Attendance.meeting_id == meeting.id)
            .order_by(Attendance.trainer_id, Attendance.id)
        )
    )
    attendees = [a.trainer_id for a, _ in records if a.void_on is None]
    data: dict[str, Any] = {
        "id": meeting.id,
        "kind": meeting.kind,
        "cohort_id": meeting.cohort_id,
        "date": common.iso(meeting.meeting_date),
        "title": meeting.title,
        "attendees": attendees,
        "attendee_count": len(attendees),
    }
    if with_records:
        data["attendance"] = [
            {"id": a.id, "trainer_id": a.trainer_id, "name": name, "void": void_json(a)} for a, name in records
        ]
    return data


def add_meeting(db: Database, kind: str, day: date, title: str | None, cohort: str | None = None) -> dict[str, Any]:
    """Plan a gathering of a kind the definition names (network meeting, conference, ...), optionally one
    of a cohort's gatherings (rule 46)."""
    with db.write("meeting add") as session:
        known = common.definition(session)
        common.check(rules.meeting_definition(kind, title or "", list(known.gatherings)))
        cohort_id = None
        if cohort is not None:
            from steg2cli.services.cohorts import find_cohort

            found = find_cohort(session, cohort)
            common.check(rules.cohort_meeting(found.name, found.start, day))
            cohort_id = found.id
        default = known.gatherings[kind]
        meeting = Meeting(kind=kind, meeting_date=day, title=(title or "").strip() or default, cohort_id=cohort_id)
        session.add(meeting)
        session.flush()
        touched(session, "meeting", meeting.id)
        return _meeting_json(session, meeting)


def attend(db: Database, meeting_id: int, trainer_refs: list[str], today: date) -> dict[str, Any]:
    """Record who attended a meeting; attending twice counts once."""
    with db.write("meeting attend") as session:
        meeting = session.get(Meeting, meeting_id)
        if meeting is None:
            raise NotFound(_("unknown meeting '{meeting_id}'").format(meeting_id=meeting_id))
        common.check(rules.not_in_future(_("the attendance"), meeting.meeting_date, today))
        trainers = [common.trainer(session, ref) for ref in trainer_refs]
        already = set(
            session.scalars(
                select(Attendance.trainer_id).where(Attendance.meeting_id == meeting.id, Attendance.void_on.is_(None))
            )
        )
        added = []
        for trainer in trainers:
            if trainer.id not in already:
                session.add(Attendance(meeting_id=meeting.id, trainer_id=trainer.id))
                already.add(trainer.id)
                added.append(trainer.id)
        session.flush()
        if added:
            touched(session, "meeting", meeting.id)
        data = _meeting_json(session, meeting)
        data["added"] = len(added)
        data["already_attending"] = len(trainers) - len(added)
        return data


def list_meetings(db: Database, year: int | None = None) -> list[dict[str, Any]]:
    """Meetings, oldest first (one year's, if given)."""
    with db.read() as session:
        query = select(Meeting).order_by(Meeting.meeting_date, Meeting.id)
        if year is not None:
            query = query.where(Meeting.meeting_date.between(date(year, 1, 1), date(year, 12, 31)))
        return [_meeting_json(session, m) for m in session.scalars(query)]


def show_meeting(db: Database, meeting_id: int) -> dict[str, Any]:
    """One meeting with every attendance recorded (ids, and void ones marked)."""
    with db.read() as session:
        meeting = session.get(Meeting, meeting_id)
        if meeting is None:
            raise NotFound(_("unknown meeting '{meeting_id}'").format(meeting_id=meeting_id))
        return _meeting_json(session, meeting)


# ---- compliance (rule 21) ---------------------------------------------------------------------


def _reaching(year: int) -> Any:
    """Rule 21 in SQL: an agreement in force on at least one day of the calendar year (one ended on its
    start date never was)."""
    first, after = date(year, 1, 1), date(year + 1, 1, 1)
    return (
        Agreement.start < after,
        or_(Agreement.end.is_(None), and_(Agreement.end > first, Agreement.end > Agreement.start)),
    )


def _planned(session: Session, day: date) -> tuple[dict[str, int], dict[str, str]]:
    """Gatherings of each kind still to come in `day`'s year (after `day`), and the next one's date."""
    after = date(day.year + 1, 1, 1)
    rows = session.execute(
        select(Meeting.kind, func.count(), func.min(Meeting.meeting_date))
        .where(Meeting.meeting_date > day, Meeting.meeting_date < after)
        .group_by(Meeting.kind)
    ).all()
    return {kind: count for kind, count, _first in rows}, {kind: first.isoformat() for kind, _count, first in rows}


def _compliance_rows(
    session: Session, year: int, with_municipality: bool = True, day: date | None = None
) -> list[dict[str, Any]]:
    """Rule 21 per trainer under agreement some day of the year, against their level's obligations for the
    year. With `day` (the dashboard): `short` holds only what can no longer be met by the gatherings still
    planned that year, and trainers marked inactive by then are left out."""
    known = common.definition(session)
    planned, upcoming = _planned(session, day) if day is not None else (None, {})
    spans: dict[int, list[rules.Span]] = defaultdict(list)
    # Only the agreements that reach into the year (the rule below decides; the database narrows).
    reaching = _reaching(year)
    for trainer_id, first, end in session.execute(
        select(Agreement.trainer_id, Agreement.start, Agreement.end).where(*reaching)
    ):
        spans[trainer_id].append(rules.Span(first, end))
    attended: dict[int, list[tuple[str, date]]] = defaultdict(list)
    for trainer_id, kind, when in session.execute(
        select(Attendance.trainer_id, Meeting.kind, Meeting.meeting_date)
        .join(Meeting, Meeting.id == Attendance.meeting_id)
        .where(Meeting.meeting_date.between(date(year, 1, 1), date(year, 12, 31)), Attendance.void_on.is_(None))
    ):
        attended[trainer_id].append((kind, when))
    rows = []
    for trainer in session.execute(
        select(Trainer.id, Trainer.name, Trainer.municipality_code, Trainer.level, Trainer.inactive_from)
        .where(Trainer.id.in_(select(Agreement.trainer_id).where(*reaching)))
        .order_by(Trainer.name, Trainer.id)
    ):
        if trainer.id not in spans or not rules.in_force_during_year(spans[trainer.id], year):
            continue
        if day is not None and not rules.active_on(trainer.inactive_from, day):
            continue
        required = rules.obligations_for(known.levels.get(trainer.level), year)
        result = rules.compliance(attended[trainer.id], year, required)
        row = {
            "trainer_id": trainer.id,
            "name": trainer.name,
            "level": trainer.level,
            "network_meetings": result.network_meetings,
            "conferences": result.conferences,
            "attended": {kind: result.attended.get(kind, 0) for kind in required},
            "required": required,
            "ok": result.ok,
            "short": result.short(planned),
            "next": {kind: upcoming[kind] for kind in required if kind in upcoming},
        }
        if with_municipality:
            place = common.municipality_by_code(session, trainer.municipality_code)
            row = {**row, "municipality": common.municipality_json(place)}
        rows.append(row)
    return rows


def compliance(db: Database, year: int) -> list[dict[str, Any]]:
    """Rule 21: every trainer under agreement some day of the year, with meetings attended."""
    with db.read() as session:
        return _compliance_rows(session, year)


def gathering_names(db: Database) -> dict[str, str]:
    """The gathering kinds of the programme definition, code to name, in the definition's order."""
    with db.read() as session:
        return dict(common.definition(session).gatherings)


def export_compliance(db: Database, year: int, path: Path) -> int:
    """The compliance report as an Excel workbook."""
    from steg2cli.excel import Column, Sheet, write_workbook

    rows = compliance(db, year)
    columns = [
        Column("Utbildare (id)", 14, "int"),
        Column("Namn", 24),
        Column("Kommun", 16),
        Column("Nätverksträffar", 16, "int"),
        Column("Konferenser", 12, "int"),
        Column("Uppfyllt", 10),
    ]
    data = (
        [
            r["trainer_id"],
            r["name"],
            r["municipality"]["name"],
            r["network_meetings"],
            r["conferences"],
            "ja" if r["ok"] else "nej",
        ]
        for r in rows
    )
    return write_workbook(path, [Sheet(f"Närvaro {year}", columns, data)])[f"Närvaro {year}"]


# ---- the dashboard ----------------------------------------------------------------------------

#: A programme run as the dashboard reads it (plain rows, not ORM objects: issue 17).
_RUN_ROW = (
    SchoolProgramme.id,
    SchoolProgramme.school_id,
    SchoolProgramme.programme,
    SchoolProgramme.start,
    SchoolProgramme.trainer_id,
    School.name,
)


def uncertain_deliveries(session: Session) -> list[dict[str, Any]]:
    """The deliveries started and never confirmed (rule 43), an invoice from before steg2 by its old number."""
    from steg2cli.services.delivery import uncertain

    found = uncertain(session)
    shown = common.shown_numbers(session, [d["number"] for d in found])
    for d in found:
        if d["number"] is not None:
            d["internal_number"] = d["number"]
            d["number"] = shown[d["number"]]
    return found


def status(db: Database, day: date) -> dict[str, Any]:
    """The coordinator's morning view of what needs doing, as of `day`."""
    from steg2cli.services import reminders
    from steg2cli.services.delivery import not_delivered
    from steg2cli.services.invoicing import invoices_with_void_charges, not_yet_invoiced, overdue
    from steg2cli.services.payments import unmatched

    with db.read() as session:
        trainers = list(
            session.execute(
                select(Trainer.id, Trainer.name, Trainer.inactive_from).where(
                    Trainer.erased_on.is_(None), Trainer.registered_on <= day
                )
            )
        )
        names = {t.id: t.name for t in trainers}
        certified = certified_dates(session)
        in_force = list(
            session.execute(
                select(
                    Agreement.id, Agreement.trainer_id, Agreement.start, Agreement.end, Agreement.municipality_code
                ).where(in_force_filter(day))
            )
        )
        under_agreement = {a.trainer_id for a in in_force}

        renewals = []
        within_30_days = day + relativedelta(days=30)
        for agreement in in_force:
            renewal = rules.next_renewal(rules.Span(agreement.start, agreement.end), day)
            if renewal is not None and renewal <= within_30_days:
                renewals.append(
                    {
                        "agreement_id": agreement.id,
                        "trainer_id": agreement.trainer_id,
                        "name": names.get(agreement.trainer_id, ""),
                        "renews_on": common.iso(renewal),
                    }
                )
        renewals.sort(key=lambda r: (r["renews_on"], r["agreement_id"]))

        # Plain rows, not ORM objects: every running programme in the country is read (issue 17).
        running = [
            (run, run.name, run.municipality_code)
            for run in session.execute(
                select(*_RUN_ROW, School.municipality_code)
                .join(School, School.id == SchoolProgramme.school_id)
                .where(_running(day))
            )
        ]
        per_place = Counter(a.municipality_code for a in in_force)
        running_per_place = Counter(code for _, _, code in running)
        short = rules.understaffed((code for _, _, code in running), dict(per_place))
        understaffed = [
            {
                "municipality": common.municipality_json(common.municipality_by_code(session, code)),
                "trainers_in_force": per_place.get(code, 0),
                "running_programmes": running_per_place[code],
            }
            for code in short
        ]

        last_step: dict[int, date] = {
            run_id: latest
            for run_id, latest in session.execute(
                select(Step.run_id, func.max(Step.step_date))
                .where(Step.step_date <= day, Step.void_on.is_(None))
                .group_by(Step.run_id)
            )
            if latest is not None
        }
        stalled = []
        quiet_since = rules.stall_threshold(day)
        for run, school_name, _code in sorted(running, key=lambda r: r[0].id):
            latest = max(run.start, last_step.get(run.id, run.start))
            if latest <= quiet_since:
                stalled.append(
                    {
                        "school_id": run.school_id,
                        "school": school_name,
                        "programme": run.programme,
                        "last_activity": common.iso(latest),
                    }
                )
        # By the last activity, then the school, then the run (the order status_summary reads them in).
        stalled.sort(key=lambda s: (s["last_activity"], s["school_id"]))

        stopped = _stopped_this_year(session, day)
        short_on_meetings = [
            {key: row[key] for key in _SHORT_KEYS}
            for row in _compliance_rows(session, day.year, with_municipality=False, day=day)
            if row["short"]
        ]

        last_run = _last_run(session)
        # What is due within 30 days and not invoiced, worked out once; what is due today is part of it.
        soon = not_yet_invoiced(session, day + relativedelta(days=30))
        due = [c for c in soon if c.due <= day]
        payers_not_ready = _payers_not_ready(session, soon)

        return {
            "date": common.iso(day),
            "trainers": {
                "registered": len(trainers),
                "certified": sum(1 for t in trainers if t.id in certified and certified[t.id] <= day),
                "under_agreement": len(under_agreement),
            },
            "renewals_within_30_days": renewals,
            "understaffed_municipalities": understaffed,
            "short_on_meetings": short_on_meetings,
            "stalled_programmes": stalled,
            "stopped_this_year": stopped,
            "last_invoice_run": last_run,
            "not_invoiced": {
                "charges": len(due),
                "total": sum(c.amount for c in due),
                "payers": len({c.payer for c in due}),
            },
            "invoices_to_credit": invoices_with_void_charges(session),
            "payers_not_ready": payers_not_ready,
            "certified_without_agreement": [
                {"trainer_id": t.id, "name": t.name, "certified_on": common.iso(certified[t.id])}
                for t in sorted(trainers, key=lambda t: (t.name, t.id))
                if t.id in certified
                and certified[t.id] <= day
                and t.id not in under_agreement
                and rules.active_on(t.inactive_from, day)
            ],
            "programmes_without_trainee_list": _silent_programmes(session, running, day),
            "overdue": overdue(session, day),
            "reminders_due": reminders.due(session, day),
            "to_collection": reminders.for_collection(session, day),
            "payments_to_match": unmatched(session),
            "uncertain_deliveries": uncertain_deliveries(session),
            "not_delivered": not_delivered(session),
        }


def _silent_programmes(session: Session, running: list[Any], day: date) -> list[dict[str, Any]]:
    """Running programmes, started a year or more ago, for which no trainee was reported in the last year."""
    from steg2cli.models import Trainee

    year_ago = day - relativedelta(years=1)
    reported = {
        (school_id, programme)
        for school_id, programme in session.execute(
            select(Trainee.school_id, Trainee.programme)
            .where(Trainee.reported_on > year_ago, Trainee.reported_on <= day, Trainee.void_on.is_(None))
            .distinct()
        )
    }
    silent = [
        (run, name)
        for run, name, _ in sorted(running, key=lambda r: r[0].id)
        if run.start <= year_ago and (run.school_id, run.programme) not in reported
    ]
    return sorted(_silent_rows(session, silent, day), key=lambda r: (r["school"], r["programme"], r["school_id"]))


def _silent_rows(session: Session, silent: list[tuple[Any, str]], day: date) -> list[dict[str, Any]]:
    """The dashboard's rows for silent programmes (run, school name), with who leads each one on `day`."""
    from steg2cli.models import ProgrammeLead

    if not silent:
        return []
    # Who leads each one today (rule 25): the run's first trainer, or a later one who took over; the
    # changes of these programmes only, in one query per 500.
    leads: dict[int, list[tuple[date, int, int]]] = {}
    for chunk in common.chunks([run.id for run, _name in silent]):
        for run_id, from_date, lead_id, trainer_id in session.execute(
            select(ProgrammeLead.run_id, ProgrammeLead.from_date, ProgrammeLead.id, ProgrammeLead.trainer_id).where(
                ProgrammeLead.run_id.in_(chunk)
            )
        ):
            leads.setdefault(run_id, []).append((from_date, lead_id, trainer_id))
    leading = {
        run.id: rules.in_force_on(
            [(run.start, run.trainer_id)] + [(d, t) for d, _, t in sorted(leads.get(run.id, []))], day
        )
        for run, _name in silent
    }
    names: dict[int, str] = {}
    for chunk in common.chunks(sorted(set(leading.values()))):
        names.update(session.execute(select(Trainer.id, Trainer.name).where(Trainer.id.in_(chunk))).all())
    return [
        {
            "school_id": run.school_id,
            "school": name,
            "programme": run.programme,
            "since": common.iso(run.start),
            "trainer_id": leading[run.id],
            "trainer_name": names.get(leading[run.id], ""),
        }
        for run, name in silent
    ]


def _payers_not_ready(session: Session, soon: list[rules.Charge]) -> list[dict[str, Any]]:
    """Rule 29: payers of what is due within 30 days and not yet invoiced (`soon`), that cannot receive an
    e-invoice."""
    from steg2cli.models import Payer
    from steg2cli.services.payers import missing_for_einvoice

    charges = Counter(c.payer for c in soon)
    result = []
    payers = [
        p for chunk in common.chunks(sorted(charges)) for p in session.scalars(select(Payer).where(Payer.id.in_(chunk)))
    ]
    for payer in sorted(payers, key=lambda p: p.id):
        missing = missing_for_einvoice(payer)
        if missing:
            result.append(
                {
                    "id": payer.id,
                    "code": payer.code,
                    "name": payer.name,
                    "missing": missing,
                    "charges": charges[payer.id],
                }
            )
    return result


# ---- the dashboard, bounded -------------------------------------------------------------------

#: The dashboard's list sections, in `status`'s keys.
SECTIONS = (
    "renewals_within_30_days",
    "understaffed_municipalities",
    "short_on_meetings",
    "stalled_programmes",
    "stopped_this_year",
    "certified_without_agreement",
    "programmes_without_trainee_list",
    "overdue",
    "reminders_due",
    "to_collection",
    "payments_to_match",
    "payers_not_ready",
    "invoices_to_credit",
)


def status_summary(db: Database, day: date, most: int = 10) -> dict[str, Any]:
    """What `status` shows at a terminal: the same document with each list cut to its first `most` items,
    and `counts` giving every list's full length (issue 17).

    The lists that grow with the register (trainers short on meetings, quiet and silent programmes,
    certified trainers without an agreement) are counted and cut by the database, through the programme
    runs' stored activity dates and indexes, so that the view costs about the same in a register of any
    size; `status` (the `--json` document) still lists them whole. A test checks that both agree."""
    from steg2cli.services import reminders
    from steg2cli.services.invoicing import invoices_with_void_charges, not_yet_invoiced, overdue_first
    from steg2cli.services.payments import unmatched

    with db.read() as session:
        trainers, idle = _trainers(session, day, most)
        lists: dict[str, tuple[int, list[dict[str, Any]]]] = {
            "certified_without_agreement": idle,
            "renewals_within_30_days": _renewals(session, day, most),
            "understaffed_municipalities": _understaffed(session, day, most),
            "short_on_meetings": _short_on_meetings(session, day, most),
            "stalled_programmes": _quiet(session, day, most),
            "programmes_without_trainee_list": _silent(session, day, most),
            "overdue": overdue_first(session, day, most),
        }
        stopped = _stopped_this_year(session, day)
        lists["stopped_this_year"] = (len(stopped), stopped[:most])
        soon = not_yet_invoiced(session, day + relativedelta(days=30))
        due = [c for c in soon if c.due <= day]
        for key, items in (
            ("reminders_due", reminders.due(session, day)),
            ("to_collection", reminders.for_collection(session, day)),
            ("payments_to_match", unmatched(session)),
            ("payers_not_ready", _payers_not_ready(session, soon)),
            ("invoices_to_credit", invoices_with_void_charges(session)),
        ):
            lists[key] = (len(items), items[:most])
        from steg2cli.services.delivery import not_delivered

        unsure = uncertain_deliveries(session)
        lists["uncertain_deliveries"] = (len(unsure), unsure[:most])
        waiting = not_delivered(session)
        return {
            "date": common.iso(day),
            # What each gathering kind is called (the programme definition's names), for the lines above.
            "gatherings": dict(common.definition(session).gatherings),
            "trainers": trainers,
            "not_delivered": waiting,
            **{key: items for key, (_n, items) in lists.items()},
            "last_invoice_run": _last_run(session),
            "not_invoiced": {
                "charges": len(due),
                "total": sum(c.amount for c in due),
                "payers": len({c.payer for c in due}),
            },
            "counts": {key: n for key, (n, _items) in lists.items()},
        }


def _binary(session: Session, column: Any) -> Any:
    """`column` compared character by character, as Python sorts strings (PostgreSQL would otherwise use
    the database's locale)."""
    return column.collate("C") if session.get_bind().dialect.name == "postgresql" else column


def _registered(day: date) -> Any:
    return (Trainer.erased_on.is_(None), Trainer.registered_on <= day)


def _certified_by(day: date) -> Any:
    """Rule 3 as a subquery: the trainers certified on or before `day` (a completed course they stayed
    enrolled on)."""
    from steg2cli.models import Course, CourseParticipant

    return (
        select(CourseParticipant.trainer_id)
        .join(Course, Course.id == CourseParticipant.course_id)
        .where(Course.completed_on <= day, CourseParticipant.unenrolled_on.is_(None))
    )


def _trainers(session: Session, day: date, most: int) -> tuple[dict[str, int], tuple[int, list[dict[str, Any]]]]:
    """The trainer counts, and the certified trainers without an agreement in force: counted in one pass
    over the trainers, the first few read only when there are any."""
    certified = Trainer.id.in_(_certified_by(day))
    idle = and_(
        certified,
        Trainer.id.not_in(select(Agreement.trainer_id).where(in_force_filter(day))),
        or_(Trainer.inactive_from.is_(None), Trainer.inactive_from > day),
    )
    registered, certified_count, idle_count = session.execute(
        select(func.count(), func.count(case((certified, 1))), func.count(case((idle, 1)))).where(*_registered(day))
    ).one()
    counts = {
        "registered": registered,
        "certified": certified_count,
        "under_agreement": session.scalar(
            select(func.count(func.distinct(Agreement.trainer_id))).where(in_force_filter(day))
        )
        or 0,
    }
    rows = (
        list(
            session.execute(
                select(Trainer.id, Trainer.name)
                .where(*_registered(day), idle)
                .order_by(_binary(session, Trainer.name), Trainer.id)
                .limit(most)
            )
        )
        if idle_count
        else []
    )
    dates = certified_dates(session, [t for t, _ in rows]) if rows else {}
    return counts, (
        idle_count,
        [{"trainer_id": t, "name": name, "certified_on": common.iso(dates[t])} for t, name in rows],
    )


def _names(session: Session, ids: set[int], day: date) -> dict[int, str]:
    """Names of registered trainers among `ids` (an erased or not yet registered one has none here)."""
    return (
        dict(session.execute(select(Trainer.id, Trainer.name).where(Trainer.id.in_(ids), *_registered(day))).all())
        if ids
        else {}
    )


def _renewals(session: Session, day: date, most: int) -> tuple[int, list[dict[str, Any]]]:
    """Agreements in force whose next year starts within 30 days. An agreement year starts on the start's
    day of the year (29 February on the 28th in other years), so only starts on the window's days of the
    year are read; the rule decides."""
    from sqlalchemy import extract

    until = day + relativedelta(days=30)
    days_of_year: dict[int, set[int]] = defaultdict(set)
    for i in range(1, 31):
        when = day + relativedelta(days=i)
        days_of_year[when.month].add(when.day)
        if (when.month, when.day) == (2, 28):
            days_of_year[2].add(29)
    window = or_(
        *(
            and_(extract("month", Agreement.start) == month, extract("day", Agreement.start).between(min(d), max(d)))
            for month, d in days_of_year.items()
        )
    )
    found = []
    for agreement_id, trainer_id, first, end in session.execute(
        select(Agreement.id, Agreement.trainer_id, Agreement.start, Agreement.end).where(in_force_filter(day), window)
    ):
        renewal = rules.next_renewal(rules.Span(first, end), day)
        if renewal is not None and renewal <= until:
            found.append((renewal, agreement_id, trainer_id))
    found.sort()
    names = _names(session, {trainer_id for _, _, trainer_id in found[:most]}, day)
    return len(found), [
        {"agreement_id": a, "trainer_id": t, "name": names.get(t, ""), "renews_on": common.iso(r)}
        for r, a, t in found[:most]
    ]


def _running(day: date) -> Any:
    return and_(
        SchoolProgramme.start <= day, or_(SchoolProgramme.stopped_on.is_(None), SchoolProgramme.stopped_on > day)
    )


def _understaffed(session: Session, day: date, most: int) -> tuple[int, list[dict[str, Any]]]:
    """Rule 22: only the municipalities with fewer than two trainers in force have their running
    programmes counted."""
    from steg2cli.models import Municipality

    per_place = dict(
        session.execute(
            select(Agreement.municipality_code, func.count())
            .where(in_force_filter(day))
            .group_by(Agreement.municipality_code)
        ).all()
    )
    codes = [
        code
        for code in session.scalars(select(Municipality.code).distinct())
        if per_place.get(code, 0) < rules.MIN_TRAINERS_PER_MUNICIPALITY
    ]
    running: dict[str, int] = {}
    for chunk in common.chunks(sorted(codes)):
        running.update(
            session.execute(
                select(School.municipality_code, func.count())
                .join(SchoolProgramme, SchoolProgramme.school_id == School.id)
                .where(School.municipality_code.in_(chunk), _running(day))
                .group_by(School.municipality_code)
            ).all()
        )
    short = rules.understaffed(running, per_place)
    return len(short), [
        {
            "municipality": common.municipality_json(common.municipality_by_code(session, code)),
            "trainers_in_force": per_place.get(code, 0),
            "running_programmes": running[code],
        }
        for code in short[:most]
    ]


_SHORT_KEYS = ("trainer_id", "name", "network_meetings", "conferences", "attended", "required", "short", "next")


def _short_on_meetings(session: Session, day: date, most: int) -> tuple[int, list[dict[str, Any]]]:
    """Rule 21 in the database: active trainers under agreement some day of the year whose level's
    obligations can no longer be met by what they attended and the gatherings still planned this year."""
    year = day.year
    first, after = date(year, 1, 1), date(year + 1, 1, 1)
    known = common.definition(session)
    planned, upcoming = _planned(session, day)
    required = {code: rules.obligations_for(level, year) for code, level in known.levels.items()}
    kinds = sorted({kind for need in required.values() for kind in need} | {"network", "conference"})
    reaching = select(Agreement.trainer_id).where(*_reaching(year))
    attended = (
        select(
            Attendance.trainer_id.label("trainer_id"),
            *(func.sum(case((Meeting.kind == kind, 1), else_=0)).label(f"k{i}") for i, kind in enumerate(kinds)),
        )
        .join(Meeting, Meeting.id == Attendance.meeting_id)
        .where(Meeting.meeting_date >= first, Meeting.meeting_date < after, Attendance.void_on.is_(None))
        .group_by(Attendance.trainer_id)
        .subquery()
    )
    counts = {kind: func.coalesce(attended.c[f"k{i}"], 0) for i, kind in enumerate(kinds)}
    short_by_level = [
        and_(
            Trainer.level == code,
            or_(*(counts[kind] + planned.get(kind, 0) < count for kind, count in need.items())),
        )
        for code, need in required.items()
        if need
    ]
    if not short_by_level:
        return 0, []
    count, rows = common.count_and_first(
        session,
        select(Trainer.id, Trainer.name, Trainer.level, *counts.values())
        .outerjoin(attended, attended.c.trainer_id == Trainer.id)
        .where(
            Trainer.id.in_(reaching),
            or_(Trainer.inactive_from.is_(None), Trainer.inactive_from > day),
            or_(*short_by_level),
        ),
        (Trainer.name, Trainer.id),
        most,
    )
    found = []
    for trainer_id, name, level, *seen in rows:
        have = {kind: int(n) for kind, n in zip(kinds, seen, strict=True)}
        need = required.get(level, {})
        result = rules.Compliance({k: have[k] for k in need if have.get(k)}, need)
        found.append(
            {
                "trainer_id": trainer_id,
                "name": name,
                "network_meetings": have["network"],
                "conferences": have["conference"],
                "attended": {kind: have.get(kind, 0) for kind in need},
                "required": need,
                "short": result.short(planned),
                "next": {kind: upcoming[kind] for kind in need if kind in upcoming},
            }
        )
    return count, found


def _undecided(session: Session, stored: Any, day: date, columns: Sequence[Any]) -> list[Any]:
    """Runs whose stored activity date cannot answer for `day`: running today with it unset or after
    `day` (a dashboard for an earlier day), or stopped after `day`. Each of the three is an index range,
    empty in a dashboard for today."""
    rows: list[Any] = []
    for where in (
        (SchoolProgramme.stopped_on.is_(None), stored.is_(None)),
        (SchoolProgramme.stopped_on.is_(None), stored > day),
        (SchoolProgramme.stopped_on > day,),
    ):
        rows += session.execute(select(*columns).join(School, School.id == SchoolProgramme.school_id).where(*where))
    return rows


def _quiet(session: Session, day: date, most: int) -> tuple[int, list[dict[str, Any]]]:
    """Running programmes with nothing recorded for six months. A run running today whose stored last
    activity lies on or before the threshold is quiet (counted and found by index); those `_undecided`
    leaves are worked out from their steps; any other is not quiet."""
    since = rules.stall_threshold(day)
    certain = (SchoolProgramme.stopped_on.is_(None), SchoolProgramme.last_activity_on <= since)
    count = session.scalar(select(func.count()).select_from(SchoolProgramme).where(*certain)) or 0
    found: list[tuple[Any, ...]] = list(
        session.execute(
            select(
                SchoolProgramme.last_activity_on,
                SchoolProgramme.school_id,
                SchoolProgramme.id,
                School.name,
                SchoolProgramme.programme,
            )
            .join(School, School.id == SchoolProgramme.school_id)
            .where(*certain)
            .order_by(SchoolProgramme.last_activity_on, SchoolProgramme.school_id, SchoolProgramme.id)
            .limit(most)
        )
    )
    columns = (SchoolProgramme.id, SchoolProgramme.school_id, SchoolProgramme.programme, SchoolProgramme.start)
    for run_id, school_id, programme, first, name in _undecided(
        session, SchoolProgramme.last_activity_on, day, (*columns, School.name)
    ):
        if first > since:
            continue
        stepped = session.scalar(
            select(func.max(Step.step_date)).where(Step.run_id == run_id, Step.step_date <= day, Step.void_on.is_(None))
        )
        last = max(first, stepped or first)
        if last <= since:
            count += 1
            found.append((last, school_id, run_id, name, programme))
    found.sort()
    return count, [
        {"school_id": school_id, "school": name, "programme": programme, "last_activity": common.iso(last)}
        for last, school_id, _run_id, name, programme in found[:most]
    ]


def _silent(session: Session, day: date, most: int) -> tuple[int, list[dict[str, Any]]]:
    """Running programmes started a year or more ago with no trainee reported in the last year: as in
    `_quiet`, the stored date of the last report decides, or the reports themselves where it cannot."""
    from steg2cli.models import Trainee

    year_ago = day - relativedelta(years=1)
    certain = (SchoolProgramme.stopped_on.is_(None), SchoolProgramme.last_report_on <= year_ago)
    count = session.scalar(select(func.count()).select_from(SchoolProgramme).where(*certain)) or 0
    found = list(
        session.execute(
            select(*_RUN_ROW)
            .join(School, School.id == SchoolProgramme.school_id)
            .where(*certain)
            .order_by(_binary(session, School.name), SchoolProgramme.programme, SchoolProgramme.school_id)
            .limit(most)
        )
    )
    for run in _undecided(session, SchoolProgramme.last_report_on, day, _RUN_ROW):
        if run.start > year_ago:
            continue
        reported = session.scalar(
            select(func.count())
            .select_from(Trainee)
            .where(
                Trainee.school_id == run.school_id,
                Trainee.programme == run.programme,
                Trainee.reported_on > year_ago,
                Trainee.reported_on <= day,
                Trainee.void_on.is_(None),
            )
        )
        if not reported:
            count += 1
            found.append(run)
    found.sort(key=lambda run: (run.name, run.programme, run.school_id))
    return count, _silent_rows(session, [(run, run.name) for run in found[:most]], day)


def _stopped_this_year(session: Session, day: date) -> list[dict[str, Any]]:
    return [
        {
            "school_id": run.school_id,
            "school": name,
            "programme": run.programme,
            "stopped_on": common.iso(run.stopped_on),
            "reason": run.stop_reason,
        }
        for run, name in session.execute(
            select(SchoolProgramme, School.name)
            .join(School, School.id == SchoolProgramme.school_id)
            .where(SchoolProgramme.stopped_on.between(date(day.year, 1, 1), day))
            .order_by(SchoolProgramme.stopped_on, SchoolProgramme.id)
        )
    ]


def _last_run(session: Session) -> dict[str, Any] | None:
    last_date = session.scalar(select(func.max(Invoice.invoice_date)).where(Invoice.kind == "invoice"))
    if last_date is None:
        return None
    issued = list(
        session.execute(
            select(Invoice.number, Invoice.total_ore).where(
                Invoice.kind == "invoice", Invoice.invoice_date == last_date
            )
        )
    )
    return {
        "date": common.iso(last_date),
        "invoices": len(issued),
        "total": sum(total for _, total in issued),
        "numbers": [number for number, _ in issued],
    }
