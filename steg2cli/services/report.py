"""The year in numbers (rule 36): what MÄN reports to its board and funders, as figures and charts.

Every figure comes from the same queries and rules the other commands use: trainers in force as
`compliance` and `export trainers --year` count them, schools reached as `export schools --year`,
people trained as `export trainees --year`, meetings as `meeting list`, money as `invoice list --year`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import extract, func, select
from sqlalchemy.orm import Session

from steg2cli import rules
from steg2cli.db import Database
from steg2cli.documents.report import Money, Section
from steg2cli.errors import BadInput
from steg2cli.i18n import _
from steg2cli.models import Agreement, Attendance, Meeting, Municipality, School, SchoolProgramme, Trainee
from steg2cli.services import common, invoicing, settings
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
    "to_pay_back": "Att betala tillbaka (kr)",
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
    # A trainer who moved during the year worked (and was billed an annual fee) in both places: they count
    # in every county where an agreement of theirs was in force some day of the year.
    trainers_by_county = Counter(
        county
        for agreements in by_trainer.values()
        for county in {counties[agreement.municipality_code] for agreement in agreements}
    )

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
        # What the year's invoices kept: money paid beyond an invoice's total, or on an invoice since
        # credited, is not paid for anything (rule 42) but owed back, until set off or refunded.
        "paid": sum(i["paid"] - i["overpaid"] - i["to_pay_back"] for i in issued),
        "outstanding": sum(i["balance"] for i in issued if i["state"] in ("open", "overdue")),
        "to_pay_back": sum(i["overpaid"] + i["to_pay_back"] for i in issued),
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
    programme_names = {code: p.name for code, p in common.definition(session).programmes.items()}
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
            for code, name in programme_names.items()
        ],
        "trained_by_programme": [
            {"programme": code, "name": name, "trained": trained_by_programme.get(code, 0)}
            for code, name in programme_names.items()
        ],
        "trained_by_county": [{"county": c, "trained": n} for c, n in sorted(trained_by_county.items())],
        "trained_by_month": [{"month": m, "trained": trained_by_month.get(m, 0)} for m in range(1, 13)],
        "meetings": meetings,
        "invoicing": money,
    }


def year_report(db: Database, year: int) -> dict[str, Any]:
    """The year's figures beside the previous year's."""
    common.check(rules.year_allowed(year) + rules.year_allowed(year - 1))
    from steg2cli.services.cohorts import year_sections

    with db.read() as session:
        this = _figures(session, db, year)
        before = _figures(session, db, year - 1)
        cohorts = year_sections(session, year)
    result = {**this, "previous": {"year": year - 1, "figures": before["figures"]}}
    if cohorts:  # rule 46: a section per cohort running some day of the year
        result["cohorts"] = cohorts
    return result


def sections(report: dict[str, Any]) -> list[Section]:
    """The report's tables, each with what its chart shows: the same for the workbook and the PDF."""
    year = report["year"]
    previous = report["previous"]["figures"]
    money = {key for key, label in FIGURES.items() if label.endswith(" (kr)")}

    def shown(key: str, value: int) -> int | Money:
        return Money(value) if key in money else value

    invoicing = report["invoicing"]
    cohorts = [
        Section(
            f"Kohort {c['id']}",
            f"{c['name']} ({c['programme_name']}, {c['start']} – {c['end']})",
            ("Kommun", "Pågående program", "Utbildade"),
            tuple((m["name"], m["running_programmes"], m["trained"]) for m in c["figures"]["municipalities"]),
            f"{c['name']}: utbildade {year}, per kommun",
            "Kommun",
            "Utbildade",
            chart_columns=(2,),
            horizontal=True,
            note=f"Kohortens träffar {year}: {len(c['figures']['gatherings'])}, "
            f"närvarande sammanlagt: {c['figures']['attendance']}.",
        )
        for c in report.get("cohorts", [])
        if c["figures"]["municipalities"]
    ]
    return [
        Section(
            "Sammanfattning",
            f"Nyckeltal {year} och {year - 1}",
            ("Nyckeltal", str(year), str(year - 1)),
            tuple(
                (label.removesuffix(" (kr)"), shown(key, report["figures"][key]), shown(key, previous[key]))
                for key, label in FIGURES.items()
            ),
            f"Nyckeltal {year} och {year - 1} (antal)",
            "Nyckeltal",
            "Antal",
            chart_columns=(1, 2),
            chart_rows=10,
            horizontal=True,
        ),
        Section(
            "Utbildare per län",
            "Utbildare med överenskommelse, per län",
            ("Län", "Utbildare med överenskommelse"),
            tuple((r["county"], r["trainers"]) for r in report["trainers_by_county"]),
            f"Utbildare med överenskommelse {year}, per län",
            "Län",
            "Utbildare",
            horizontal=True,
            note="En utbildare som flyttat under året räknas i båda länen.",
        ),
        Section(
            "Kommuner och skolor",
            "Kommuner och skolor med program",
            ("Kommun", "Län", "Skolor med program"),
            tuple((r["name"], r["county"], r["schools"]) for r in report["municipalities"]),
            f"Skolor med program {year}, per kommun",
            "Kommun",
            "Skolor",
            chart_columns=(2,),
            horizontal=True,
        ),
        Section(
            "Programstarter",
            "Program som startade och avslutades",
            ("Program", "Startade", "Avslutade"),
            tuple((r["name"], r["starts"], r["stops"]) for r in report["programmes"]),
            f"Program som startade och avslutades {year}",
            "Program",
            "Antal",
            chart_columns=(1, 2),
        ),
        Section(
            "Utbildade per program",
            "Utbildade MVP/AT-ledare, per program",
            ("Program", "Utbildade"),
            tuple((r["name"], r["trained"]) for r in report["trained_by_programme"]),
            f"Utbildade MVP/AT-ledare {year}, per program",
            "Program",
            "Utbildade",
        ),
        Section(
            "Utbildade per län",
            "Utbildade MVP/AT-ledare, per län",
            ("Län", "Utbildade"),
            tuple((r["county"], r["trained"]) for r in report["trained_by_county"]),
            f"Utbildade MVP/AT-ledare {year}, per län",
            "Län",
            "Utbildade",
            horizontal=True,
        ),
        Section(
            "Utbildade per månad",
            "Utbildade MVP/AT-ledare, per månad",
            ("Månad", "Utbildade"),
            tuple((MONTHS[r["month"] - 1], r["trained"]) for r in report["trained_by_month"]),
            f"Utbildade MVP/AT-ledare {year}, per månad",
            "Månad",
            "Utbildade",
        ),
        Section(
            "Nätverksträffar",
            "Nätverksträffar och konferens",
            ("Träff", "Datum", "Slag", "Närvarande"),
            tuple(
                (
                    m["title"] or ("Nätverksträff" if m["kind"] == "network" else "Konferens"),
                    date.fromisoformat(m["date"]),
                    "nätverksträff" if m["kind"] == "network" else "konferens",
                    m["attended"],
                )
                for m in report["meetings"]
            ),
            f"Närvaro vid nätverksträffar och konferens {year}",
            "Träff",
            "Närvarande",
            chart_columns=(3,),
            horizontal=True,
        ),
        Section(
            "Fakturering",
            "Fakturering",
            ("", "Kronor"),
            (
                ("Fakturerat", Money(invoicing["billed"])),
                ("Krediterat", Money(invoicing["credited"])),
                ("Betalt", Money(invoicing["paid"])),
                ("Obetalt", Money(invoicing["outstanding"])),
                ("Att betala tillbaka", Money(invoicing["to_pay_back"])),
            ),
            f"Fakturering {year}",
            "",
            "Kronor",
            note=(
                "Årets fakturor och kreditfakturor; betalt och obetalt på årets fakturor i dag. Betalt över "
                "fakturans belopp, eller på en krediterad faktura, är att betala tillbaka."
            ),
        ),
        *cohorts,
    ]


def write_workbook(db: Database, year: int, path: Path) -> dict[str, Any]:
    """The report as one Swedish workbook: a summary sheet and one sheet per area, each with a native chart."""
    from steg2cli.excel import write_report

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise BadInput(_("{path}: the report is an .xlsx file (or .pdf)").format(path=path))
    report = year_report(db, year)
    tables = sections(report)
    write_report(
        path,
        [
            (
                s.sheet,
                list(s.headers),
                [[_excel(cell) for cell in row] for row in s.rows],
                (s.chart_title, s.category_title or s.headers[0], s.value_title, s.chart_rows),
            )
            for s in tables
        ],
    )
    return {"file": str(path), "year": year, "sheets": [s.sheet for s in tables]}


def write_pdf(db: Database, year: int, path: Path, today: date) -> dict[str, Any]:
    """The report as a PDF for print: each table with its chart, whole on its page (rule 39)."""
    from steg2cli.documents.report import YearReport, report_pdf
    from steg2cli.files import write_bytes

    path = Path(path)
    if not path.parent.is_dir():
        raise BadInput(
            _("cannot write {path}: the folder {parent} does not exist").format(path=path, parent=path.parent)
        )
    report = year_report(db, year)
    with db.read() as session:
        organisation = settings.seller(session)["name"]
    tables = sections(report)
    write_bytes(path, report_pdf(YearReport(year, organisation, tuple(tables), today)))
    return {"file": str(path), "year": year, "sections": [s.sheet for s in tables]}


def _excel(cell: Any) -> Any:
    """A cell for the workbook: money as a Decimal of kronor (formatted in kronor there), the rest as is."""
    return Decimal(cell.ore) / 100 if isinstance(cell, Money) else cell
