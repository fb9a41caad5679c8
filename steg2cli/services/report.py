"""The year in numbers (rule 36): what MÄN reports to its board and funders, as figures and charts.

Every figure comes from the same queries and rules the other commands use: trainers in force as
`compliance` and `export trainers --year` count them, schools reached as `export schools --year`,
people trained as `export trainees --year`, meetings as `meeting list`, money as `invoice list --year`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import extract, func, select
from sqlalchemy.orm import Session

from steg2cli import rules
from steg2cli.db import Database
from steg2cli.errors import BadInput
from steg2cli.i18n import _
from steg2cli.models import Agreement, Attendance, Meeting, Municipality, School, SchoolProgramme, Trainee
from steg2cli.services import common, invoicing
from steg2cli.services.agreements import span
from steg2cli.services.followup import _compliance_rows

#: The key figures, in the order the summary shows them: key → Swedish label.
FIGURES = {
    "trainers_in_force": "Utbildare med överenskommelse",
    "municipalities_reached": "Kommuner med program",
    "schools_reached": "Skolor med program",
    "programme_starts": "Programstarter",
    "programme_stops": "Avslutade program",
    "people_trained": "Utbildade MVP/AT-ledare",
    "network_meetings": "Nätverksträffar",
    "conferences": "Konferenser",
    "attendances": "Närvaro vid träffar (personer × träffar)",
    "trainers_meeting_obligations": "Utbildare som uppfyllt närvarokravet",
    "billed": "Fakturerat (kr)",
    "credited": "Krediterat (kr)",
    "paid": "Betalt (kr)",
    "outstanding": "Obetalt (kr)",
}
MONTHS = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


def _year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _counties(session: Session) -> dict[str, str]:
    return {str(code): str(county) for code, county in session.execute(select(Municipality.code, Municipality.county))}


def _figures(session: Session, db: Database, year: int) -> dict[str, Any]:
    """Everything for one year."""
    first, last = _year_bounds(year)
    counties = _counties(session)

    # Trainers in force some day of the year (rule 21's reading, as compliance and `export trainers`).
    compliance = _compliance_rows(session, year)
    in_force_ids = {row["trainer_id"] for row in compliance}
    by_trainer: dict[int, list[Agreement]] = defaultdict(list)
    for agreement in session.scalars(select(Agreement).order_by(Agreement.start, Agreement.id)):
        if agreement.trainer_id in in_force_ids and rules.in_force_during_year([span(agreement)], year):
            by_trainer[agreement.trainer_id].append(agreement)
    trainers_by_county = Counter(counties[agreements[-1].municipality_code] for agreements in by_trainer.values())

    # Schools and municipalities reached: a programme running some day of the year (as `export schools`).
    running = list(
        session.execute(
            select(SchoolProgramme.school_id, SchoolProgramme.programme, School.municipality_code)
            .join(School, School.id == SchoolProgramme.school_id)
            .where(SchoolProgramme.start <= last)
            .where(SchoolProgramme.stopped_on.is_(None) | (SchoolProgramme.stopped_on > first))
        )
    )
    schools = {school_id for school_id, _, _ in running}
    # municipality code → schools reached there
    places: Counter[str] = Counter(code for _, code in {(school_id, code) for school_id, _, code in running})
    starts = Counter(
        programme
        for (programme,) in session.execute(
            select(SchoolProgramme.programme).where(SchoolProgramme.start.between(first, last))
        )
    )
    stops = Counter(
        programme
        for (programme,) in session.execute(
            select(SchoolProgramme.programme).where(SchoolProgramme.stopped_on.between(first, last))
        )
    )

    # People trained: reports that stand (not void), as `export trainees --year` lists them.
    trained = list(
        session.execute(
            select(Trainee.programme, School.municipality_code, extract("month", Trainee.trained_on), func.count())
            .join(School, School.id == Trainee.school_id)
            .where(Trainee.trained_on.between(first, last), Trainee.void_on.is_(None))
            .group_by(Trainee.programme, School.municipality_code, extract("month", Trainee.trained_on))
        )
    )
    trained_by_programme: Counter[str] = Counter()
    trained_by_county: Counter[str] = Counter()
    trained_by_month: Counter[int] = Counter()
    for programme, code, month, count in trained:
        trained_by_programme[programme] += count
        trained_by_county[counties[code]] += count
        trained_by_month[int(month)] += count

    # Meetings, with the attendances that stand (as `meeting list`).
    meetings: list[dict[str, Any]] = []
    for meeting in session.scalars(
        select(Meeting).where(Meeting.meeting_date.between(first, last)).order_by(Meeting.meeting_date, Meeting.id)
    ):
        attended = (
            session.scalar(
                select(func.count())
                .select_from(Attendance)
                .where(Attendance.meeting_id == meeting.id, Attendance.void_on.is_(None))
            )
            or 0
        )
        meetings.append(
            {
                "id": meeting.id,
                "date": meeting.meeting_date.isoformat(),
                "kind": meeting.kind,
                "title": meeting.title,
                "attended": attended,
            }
        )

    # Money: the year's invoices and credit notes as `invoice list --year` shows them.
    invoices = invoicing.list_invoices(db, year=year)
    issued = [i for i in invoices if i["kind"] == "invoice"]
    money = {
        "billed": sum(i["total"] for i in issued),
        "credited": -sum(i["total"] for i in invoices if i["kind"] == "credit"),
        "paid": sum(i["paid"] for i in issued),
        "outstanding": sum(i["balance"] for i in issued if i["state"] in ("open", "overdue")),
    }

    figures = {
        "trainers_in_force": len(in_force_ids),
        "municipalities_reached": len(places),
        "schools_reached": len(schools),
        "programme_starts": sum(starts.values()),
        "programme_stops": sum(stops.values()),
        "people_trained": sum(trained_by_programme.values()),
        "network_meetings": sum(1 for m in meetings if m["kind"] == "network"),
        "conferences": sum(1 for m in meetings if m["kind"] == "conference"),
        "attendances": sum(m["attended"] for m in meetings),
        "trainers_meeting_obligations": sum(1 for row in compliance if row["ok"]),
        **money,
    }
    municipality = {code: common.municipality_by_code(session, code) for code in places}
    return {
        "year": year,
        "figures": figures,
        "trainers_by_county": [{"county": c, "trainers": n} for c, n in sorted(trainers_by_county.items())],
        "municipalities": [
            {"code": code, "name": municipality[code].name, "county": counties[code], "schools": n}  # type: ignore[union-attr]
            for code, n in sorted(places.items(), key=lambda item: municipality[item[0]].name)  # type: ignore[union-attr]
        ],
        "programmes": [
            {"programme": code, "name": name, "starts": starts.get(code, 0), "stops": stops.get(code, 0)}
            for code, name in rules.PROGRAMMES.items()
        ],
        "trained_by_programme": [
            {"programme": code, "name": name, "trained": trained_by_programme.get(code, 0)}
            for code, name in rules.PROGRAMMES.items()
        ],
        "trained_by_county": [{"county": c, "trained": n} for c, n in sorted(trained_by_county.items())],
        "trained_by_month": [{"month": m, "trained": trained_by_month.get(m, 0)} for m in range(1, 13)],
        "meetings": meetings,
        "invoicing": money,
    }


def year_report(db: Database, year: int) -> dict[str, Any]:
    """The year's figures beside the previous year's."""
    common.check(rules.year_allowed(year) + rules.year_allowed(year - 1))
    with db.read() as session:
        this = _figures(session, db, year)
        before = _figures(session, db, year - 1)
    return {**this, "previous": {"year": year - 1, "figures": before["figures"]}}


def write_workbook(db: Database, year: int, path: Path) -> dict[str, Any]:
    """The report as one Swedish workbook: a summary sheet and one sheet per area, each with a native chart."""
    from steg2cli.excel import write_report

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise BadInput(_("{path}: the report is an .xlsx file").format(path=path))
    report = year_report(db, year)
    previous = report["previous"]["figures"]
    money = {"billed", "credited", "paid", "outstanding"}
    summary = [
        [label, _value(report["figures"][key], key in money), _value(previous[key], key in money)]
        for key, label in FIGURES.items()
    ]
    sheets = [
        (
            "Sammanfattning",
            ["Nyckeltal", str(year), str(year - 1)],
            summary,
            ("Nyckeltal " + str(year) + " och " + str(year - 1), "Nyckeltal", "Antal", 10),
        ),
        (
            "Utbildare per län",
            ["Län", "Utbildare med överenskommelse"],
            [[r["county"], r["trainers"]] for r in report["trainers_by_county"]],
            (f"Utbildare med överenskommelse {year}, per län", "Län", "Utbildare", None),
        ),
        (
            "Kommuner och skolor",
            ["Kommun", "Län", "Skolor med program"],
            [[r["name"], r["county"], r["schools"]] for r in report["municipalities"]],
            (f"Skolor med program {year}, per kommun", "Kommun", "Skolor", None),
        ),
        (
            "Programstarter",
            ["Program", "Startade", "Avslutade"],
            [[r["name"], r["starts"], r["stops"]] for r in report["programmes"]],
            (f"Program som startade och avslutades {year}", "Program", "Antal", None),
        ),
        (
            "Utbildade per program",
            ["Program", "Utbildade"],
            [[r["name"], r["trained"]] for r in report["trained_by_programme"]],
            (f"Utbildade MVP/AT-ledare {year}, per program", "Program", "Utbildade", None),
        ),
        (
            "Utbildade per län",
            ["Län", "Utbildade"],
            [[r["county"], r["trained"]] for r in report["trained_by_county"]],
            (f"Utbildade MVP/AT-ledare {year}, per län", "Län", "Utbildade", None),
        ),
        (
            "Utbildade per månad",
            ["Månad", "Utbildade"],
            [[MONTHS[r["month"] - 1], r["trained"]] for r in report["trained_by_month"]],
            (f"Utbildade MVP/AT-ledare {year}, per månad", "Månad", "Utbildade", None),
        ),
        (
            "Nätverksträffar",
            ["Träff", "Datum", "Slag", "Närvarande"],
            [
                [
                    m["title"],
                    date.fromisoformat(m["date"]),
                    "nätverksträff" if m["kind"] == "network" else "konferens",
                    m["attended"],
                ]
                for m in report["meetings"]
            ],
            (f"Närvaro vid nätverksträffar och konferens {year}", "Träff", "Närvarande", None),
        ),
        (
            "Fakturering",
            ["", "Kronor"],
            [
                ["Fakturerat", report["invoicing"]["billed"] / 100],
                ["Krediterat", report["invoicing"]["credited"] / 100],
                ["Betalt", report["invoicing"]["paid"] / 100],
                ["Obetalt", report["invoicing"]["outstanding"] / 100],
            ],
            (f"Fakturering {year}", "", "Kronor", None),
        ),
    ]
    write_report(path, sheets)
    return {"file": str(path), "year": year, "sheets": [name for name, *_ in sheets]}


def _value(value: int, money: bool) -> float | int:
    """Money in kronor for the workbook (öre in JSON), counts as they are."""
    return value / 100 if money else value
