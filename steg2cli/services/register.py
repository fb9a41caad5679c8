"""The register workbook (rule 37): MÄN's spreadsheets into steg2 in one go, and the register out again.

One workbook, five optional sheets (`SHEETS`, headers as CLI.md gives them). `import_register` takes it
whole or not at all: the sheets are read in the order their references need (trainers, schools with their
programmes and steps, agreements, people trained, unpaid invoices), each good row written in the one
transaction as it is read, so a later sheet finds what an earlier one added (an agreement for a trainer in
the same workbook); every bad row is kept with its sheet, row, column and reason, and one of them rolls
the whole transaction back. What is already in the register adds nothing, so the same workbook twice adds
nothing.

Imported history obeys the rules of order and dates (rules 0, 6-8, 10-12, 14) but not rule 9: an agreement
of years ago may be missing. The people trained go through the trainee list's own streaming checker
(`trainees.TraineeChecker`) and its bulk insert, without the agreement check.

An invoice from `Obetalda fakturor` is stored with kind `imported`, its old number in `old_number` and a
negative internal number (outside steg2's gapless series), its old payment reference as its OCR reference.
It is payable like any invoice (`rules.PAYABLE_KINDS`): it takes payments, becomes overdue and can be
reminded, but it is never written as an e-invoice or a PDF nor booked again in SIE. What the old system had
already received on it (`Betalt`) is kept as a payment of source `imported`, not booked either.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from steg2cli import rules
from steg2cli.db import Database, touched
from steg2cli.errors import BadInput, SheetRowErrors
from steg2cli.i18n import _, ngettext
from steg2cli.models import (
    Agreement,
    Course,
    CourseParticipant,
    Invoice,
    Municipality,
    Payer,
    ProgrammeContact,
    ProgrammeLead,
    School,
    SchoolProgramme,
    Step,
    Trainee,
    Trainer,
)
from steg2cli.services import common, openitems, settings, trainees

TRAINERS = "Utbildare"
AGREEMENTS = "Överenskommelser"
SCHOOLS = "Skolor"
TRAINED = "Utbildade"
INVOICES = "Obetalda fakturor"
#: The steps of programmes whose steps are not among the `Skolor` sheet's six columns (a loaded definition).
OTHER_STEPS = "Övriga steg"

STEP_COLUMNS = (
    "Förankringssamtal",
    "Kunskapshalvdag",
    "Grundutbildning del 1",
    "Grundutbildning del 2",
    "Grundutbildning del 3",
    "Handledning",
)

#: Every sheet of the register workbook with its header row, in the order they are read.
SHEETS: dict[str, tuple[str, ...]] = {
    TRAINERS: (
        "Namn",
        "E-post",
        "Telefon",
        "Kommun",
        "Grundutbildning",
        "Programserie hållen",
        "Utsedd av",
        "Certifierad",
        "Nivå",
    ),
    SCHOOLS: (
        "Skola",
        "Kommun",
        "Program",
        "Start",
        "Avslutat",
        "Orsak",
        "Kontaktperson",
        "Kontaktens e-post",
        "Kontaktens telefon",
        "Ledande utbildare",
        *STEP_COLUMNS,
    ),
    AGREEMENTS: ("Utbildare", "Start", "Slut", "Skola", "Fakturerat t.o.m."),
    TRAINED: rules.TRAINEE_COLUMNS,
    INVOICES: ("Fakturanummer", "Fakturadatum", "Förfallodatum", "Betalare", "Belopp", "Betalt", "Referens"),
    OTHER_STEPS: ("Skola", "Kommun", "Program", "Start", "Steg", "Datum"),
}
#: The sheets in the workbook's own order (as CLI.md lists them): the template has these.
WORKBOOK_ORDER = (TRAINERS, AGREEMENTS, SCHOOLS, TRAINED, INVOICES)
#: Every sheet an export may write and an import reads, in the workbook's order: `Övriga steg` follows
#: `Skolor` and is there only when the register holds steps outside the six columns.
ALL_SHEETS = (TRAINERS, AGREEMENTS, SCHOOLS, OTHER_STEPS, TRAINED, INVOICES)
DATE_COLUMNS: dict[str, tuple[str, ...]] = {
    TRAINERS: ("Grundutbildning", "Programserie hållen", "Certifierad"),
    SCHOOLS: ("Start", "Avslutat", *STEP_COLUMNS[:-1]),
    AGREEMENTS: ("Start", "Slut", "Fakturerat t.o.m."),
    TRAINED: ("Datum",),
    INVOICES: ("Fakturadatum", "Förfallodatum"),
    OTHER_STEPS: ("Start", "Datum"),
}
COUNTS = ("trainers", "agreements", "schools", "programmes", "steps", "trainees", "invoices")
#: The longest text each column can hold (the register's own limits): a longer cell is a bad row, never cut.
TEXT_LIMITS: dict[str, dict[str, int]] = {
    TRAINERS: {"Namn": 200, "E-post": 254, "Telefon": 40, "Utsedd av": 200, "Nivå": 40},
    SCHOOLS: {
        "Skola": 200,
        "Orsak": 400,
        "Kontaktperson": 200,
        "Kontaktens e-post": 254,
        "Kontaktens telefon": 40,
    },
    INVOICES: {"Fakturanummer": 40, "Referens": 30},
    OTHER_STEPS: {"Skola": 200, "Steg": 40},
}


#: The step of MÄN's definition each of the workbook's step columns holds (the columns are CLI.md's).
STEP_CODES = (
    "forankring",
    "kunskapshalvdag",
    "grundutbildning-1",
    "grundutbildning-2",
    "grundutbildning-3",
    "handledning",
)


def programme_steps(session: Session) -> dict[str, list[tuple[str, str, bool]]]:
    """The one place the register workbook reads the programmes and their steps: each programme of the
    register's definition → the workbook's step columns as (step code, column, whether it happens once), in
    the columns' order. The workbook has MÄN's six step columns; a step the definition does not hold is taken
    as once-only (a programme loaded with other steps has them recorded with `school step`)."""
    known = common.definition(session)
    steps = [
        (step, column, known.steps[step].once if step in known.steps else True)
        for step, column in zip(STEP_CODES, STEP_COLUMNS, strict=True)
    ]
    return dict.fromkeys(known.programmes, steps)


def programme_of(session: Session, text: str) -> str | None:
    """A programme's code from a cell (its code or Swedish name), through the same look-up as trainee lists."""
    return trainees.programme_lookup(common.definition(session), text)


DEFAULT_LEVEL = "steg2"
#: The contact person of a programme after `person erase` (rule 23): no e-mail address is left.
ERASED_CONTACT = "Raderad kontaktperson"


# ---- the template and the export --------------------------------------------------------------


def _columns(sheet: str) -> list[Any]:
    from steg2cli.excel import Column

    dated = DATE_COLUMNS.get(sheet, ())
    money = ("Belopp", "Betalt")
    return [
        Column(
            header, 14 if header in dated else 30, "date" if header in dated else "money" if header in money else "text"
        )
        for header in SHEETS[sheet]
    ]


def _example_rows() -> dict[str, list[list[Any]]]:
    day = date(2024, 1, 15)
    return {
        TRAINERS: [
            [
                "Anna Andersson",
                "anna.andersson@gavle.se",
                "070-123 45 67",
                "Gävle",
                date(2021, 9, 1),
                date(2022, 5, 20),
                "Per Persson, rektor",
                date(2023, 3, 10),
                "steg2",
            ]
        ],
        AGREEMENTS: [["anna.andersson@gavle.se", date(2023, 4, 1), None, None, date(2025, 3, 31)]],
        SCHOOLS: [
            [
                "Vasaskolan",
                "Gävle",
                "mvp-hs",
                date(2023, 8, 15),
                None,
                None,
                "Eva Ek",
                "eva.ek@gavle.se",
                None,
                "anna.andersson@gavle.se",
                date(2023, 9, 1),
                date(2023, 10, 2),
                date(2023, 11, 6),
                day,
                None,
                "2024-02-12, 2024-04-08",
            ]
        ],
        TRAINED: [
            ["Karin Lund", "karin.lund@gavle.se", "Vasaskolan", "Gävle", "mvp-hs", day, "anna.andersson@gavle.se"]
        ],
        INVOICES: [["2025-117", date(2025, 4, 1), date(2025, 5, 1), "Gävle", 10000, 0, "11700021"]],
    }


def template(path: Path) -> dict[str, int]:
    """The empty register workbook: every sheet with its headers and an example row each."""
    from steg2cli.excel import Sheet, write_workbook

    examples = _example_rows()
    return write_workbook(path, [Sheet(name, _columns(name), examples[name]) for name in WORKBOOK_ORDER])


def export(db: Database, path: Path, progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """The register as the register workbook (rule 37): read back in, it gives the same rows."""
    from steg2cli.excel import Sheet, write_workbook

    with db.read() as session:
        places = {m.code: m.name for m in session.scalars(select(Municipality))}
        emails = dict(session.execute(select(Trainer.id, Trainer.email)).all())
        school_names = dict(session.execute(select(School.id, School.name)).all())
        sheets = [
            Sheet(TRAINERS, _columns(TRAINERS), _trainer_rows(session, places)),
            Sheet(AGREEMENTS, _columns(AGREEMENTS), _agreement_rows(session, emails, school_names)),
            Sheet(SCHOOLS, _columns(SCHOOLS), _school_rows(session, places, emails)),
            Sheet(OTHER_STEPS, _columns(OTHER_STEPS), _other_step_rows(session, places), optional=True),
            # Sheets are optional on import: one with no rows is left out, so nobody prints a page of headers.
            Sheet(TRAINED, _columns(TRAINED), _trainee_rows(session, places, emails), optional=True),
            Sheet(INVOICES, _columns(INVOICES), _invoice_rows(session), optional=True),
        ]
        return write_workbook(path, sheets, progress)


def _trainer_rows(session: Session, places: dict[str, str]) -> Iterator[list[Any]]:
    certified: dict[int, date | None] = {}
    for trainer_id, completed in session.execute(
        select(CourseParticipant.trainer_id, func.min(Course.completed_on))
        .join(Course, Course.id == CourseParticipant.course_id)
        .where(
            Course.completed_on.is_not(None), Course.cancelled_on.is_(None), CourseParticipant.unenrolled_on.is_(None)
        )
        .group_by(CourseParticipant.trainer_id)
    ):
        certified[trainer_id] = completed
    for t in session.scalars(select(Trainer).order_by(Trainer.id)):
        yield [
            t.name,
            t.email,
            t.phone,
            places[t.municipality_code],
            t.basic_training,
            t.series_held,
            t.appointed_by,
            certified.get(t.id),
            t.level,
        ]


def _agreement_rows(session: Session, emails: dict[int, str], schools: dict[int, str]) -> Iterator[list[Any]]:
    for a in session.scalars(select(Agreement).order_by(Agreement.id)):
        yield [emails[a.trainer_id], a.start, a.end, schools.get(a.school_id) if a.school_id else None, a.billed_until]


def _school_rows(session: Session, places: dict[str, str], emails: dict[int, str]) -> Iterator[list[Any]]:
    today = date.today()
    runs = defaultdict(list)
    for run in session.scalars(select(SchoolProgramme).order_by(SchoolProgramme.id)):
        runs[run.school_id].append(run)
    contacts: dict[int, list[ProgrammeContact]] = defaultdict(list)
    for found_contact in session.scalars(
        select(ProgrammeContact).order_by(ProgrammeContact.from_date, ProgrammeContact.id)
    ):
        contacts[found_contact.run_id].append(found_contact)
    leads: dict[int, list[ProgrammeLead]] = defaultdict(list)
    for found_lead in session.scalars(select(ProgrammeLead).order_by(ProgrammeLead.from_date, ProgrammeLead.id)):
        leads[found_lead.run_id].append(found_lead)
    steps: dict[int, dict[str, list[date]]] = defaultdict(lambda: defaultdict(list))
    for run_id, step, day in session.execute(
        select(Step.run_id, Step.step, Step.step_date).where(Step.void_on.is_(None)).order_by(Step.step_date, Step.id)
    ):
        steps[run_id][step].append(day)
    steps_of = programme_steps(session)
    for school in session.scalars(select(School).order_by(School.id)):
        place = places[school.municipality_code]
        if not runs[school.id]:
            yield [school.name, place, *([None] * (len(SHEETS[SCHOOLS]) - 2))]
            continue
        for run in runs[school.id]:
            contact = (run.contact_name, run.contact_email, run.contact_phone)
            for later in contacts[run.id]:
                if later.from_date <= today:
                    contact = (later.name, later.email, later.phone)
            lead = run.trainer_id
            for later_lead in leads[run.id]:
                if later_lead.from_date <= today:
                    lead = later_lead.trainer_id
            done = steps[run.id]
            cells: list[Any] = []
            for step, _column, once in steps_of.get(run.programme, []):
                days = done.get(step, [])
                if not once:
                    cells.append(", ".join(d.isoformat() for d in days) or None)
                else:
                    cells.append(days[0] if days else None)
            yield [
                school.name,
                place,
                run.programme,
                run.start,
                run.stopped_on,
                run.stop_reason,
                *contact,
                emails.get(lead),
                *cells,
            ]


def _other_step_rows(session: Session, places: dict[str, str]) -> Iterator[list[Any]]:
    """The standing steps the `Skolor` sheet has no column for, each with the run it belongs to."""
    query = (
        select(School.name, School.municipality_code, SchoolProgramme.programme, SchoolProgramme.start, Step.step)
        .add_columns(Step.step_date)
        .join(SchoolProgramme, SchoolProgramme.id == Step.run_id)
        .join(School, School.id == SchoolProgramme.school_id)
        .where(Step.void_on.is_(None), Step.step.not_in(STEP_CODES))
        .order_by(School.id, SchoolProgramme.id, Step.step_date, Step.id)
    )
    for name, place, programme, start, step, day in session.execute(query):
        yield [name, places[place], programme, start, step, day]


def _trainee_rows(session: Session, places: dict[str, str], emails: dict[int, str]) -> Iterator[list[Any]]:
    query = (
        select(
            Trainee.name,
            Trainee.email,
            School.name,
            School.municipality_code,
            Trainee.programme,
            Trainee.trained_on,
            Trainee.trainer_id,
        )
        .join(School, School.id == Trainee.school_id)
        .where(Trainee.void_on.is_(None))
        .order_by(Trainee.trained_on, Trainee.id)
        .execution_options(yield_per=2000)
    )
    for name, email, school, place, programme, day, trainer_id in session.execute(query):
        yield [name, email, school, places[place], programme, day, emails[trainer_id]]


def _invoice_rows(session: Session) -> Iterator[list[Any]]:
    from steg2cli.services import invoicing

    rows = list(
        session.execute(
            select(
                Invoice.number,
                Invoice.old_number,
                Invoice.invoice_date,
                Invoice.due_date,
                Invoice.payer_code,
                Invoice.payer_org_number,
                Invoice.payer_name,
                Invoice.total_ore,
                Invoice.ocr,
            )
            .where(Invoice.kind == "imported")
            .order_by(Invoice.number.desc())
        )
    )
    paid = invoicing.paid_by_invoice(session, [r.number for r in rows]) if rows else {}
    places = {m.code: m.name for m in session.scalars(select(Municipality))}
    for r in rows:
        if paid.get(r.number, 0) >= r.total_ore:
            continue  # paid in full since it moved in: no longer an unpaid invoice (the sheet takes none)
        payer = places.get(r.payer_code or "") or r.payer_org_number or r.payer_name
        reference = "" if r.ocr == _no_reference(r.old_number) else r.ocr
        yield [r.old_number, r.invoice_date, r.due_date, payer, r.total_ore, paid.get(r.number, 0), reference or None]


def _no_reference(old_number: str) -> str:
    """The OCR column of an imported invoice without an old payment reference: never a bank's reference."""
    return f"gammal:{old_number}"[:30]


# ---- the import --------------------------------------------------------------------------------


class _Sheet:
    """The rows of one sheet being read: each cell by its header, errors kept with the sheet's name."""

    def __init__(self, name: str, errors: list[tuple[str, int, str, str, str]]) -> None:
        self.name = name
        self.columns = SHEETS[name]
        self.errors = errors

    def bad(self, row: int, column: str, value: Any, reason: str) -> None:
        self.errors.append((self.name, row, column, trainees._text(value)[:60], reason))


class _Importer:
    def __init__(self, session: Session, today: date, file_name: str) -> None:
        self.session = session
        self.today = today
        self.file_name = file_name
        self.errors: list[tuple[str, int, str, str, str]] = []
        self.added = dict.fromkeys(COUNTS, 0)
        self.present = dict.fromkeys(COUNTS, 0)
        self.municipalities = {m.code: m for m in session.scalars(select(Municipality))}
        self.place_names = {rules.name_key(m.name): m.code for m in self.municipalities.values()}
        self.trainers = {
            email: (tid, place)
            for tid, email, place in session.execute(select(Trainer.id, Trainer.email, Trainer.municipality_code))
        }
        self.schools = {
            (place, key): sid
            for sid, place, key in session.execute(select(School.id, School.municipality_code, School.name_key))
        }
        self.touched: dict[str, list[int]] = defaultdict(list)
        #: The e-mail addresses of trainers on the Utbildare sheet whose row was refused: rows referring to
        #: them are skipped quietly (the trainer's own row says what is wrong), not reported as unknown.
        self.refused_trainers: set[str] = set()

    # -- cells

    def place_of(self, trainer_id: int) -> str:
        for found_id, place in self.trainers.values():
            if found_id == trainer_id:
                return place
        raise KeyError(trainer_id)

    def place(self, value: Any) -> str:
        text = trainees._text(value)
        code = rules.municipality_code(text) if text else None
        if code is not None:
            if code in self.municipalities:
                return code
            raise ValueError(_("no municipality has the code {code}").format(code=code))
        found = self.place_names.get(rules.name_key(text))
        if found is None:
            raise ValueError(
                _("unknown municipality '{value}'{did_you_mean}").format(
                    value=text,
                    did_you_mean=common.did_you_mean(text, [m.name for m in self.municipalities.values()]),
                )
            )
        return found

    def trainer(self, value: Any) -> int | None:
        """A trainer by e-mail; None for one on the Utbildare sheet whose row was refused."""
        text = trainees._text(value).lower()
        found = self.trainers.get(text)
        if found is None:
            if text and text in self.refused_trainers:
                return None
            raise ValueError(_("unknown trainer '{text}'").format(text=text))
        return found[0]

    @staticmethod
    def day(value: Any) -> date:
        return trainees._cell_date(value)

    @staticmethod
    def optional_day(value: Any) -> date | None:
        return None if trainees._text(value) == "" else trainees._cell_date(value)

    @staticmethod
    def kronor(value: Any) -> int:
        if isinstance(value, int | float) and not isinstance(value, bool):
            from decimal import Decimal

            ore = Decimal(str(value)) * 100
            if ore != ore.to_integral_value() or ore < 0 or ore > rules.MAX_AMOUNT_ORE:
                raise ValueError(_("'{value}' is not an amount in kronor").format(value=value))
            return int(ore)
        text = trainees._text(value)
        return 0 if text == "" else rules.parse_kr(text)

    def read(self, sheet: _Sheet, row: int, cells: dict[str, Any], column: str, reader: Callable[[Any], Any]) -> Any:
        try:
            return reader(cells.get(column))
        except ValueError as exc:
            sheet.bad(row, column, cells.get(column), str(exc))
            return None

    def rows(self, reader: Any, name: str) -> Iterator[tuple[_Sheet, int, dict[str, Any]]]:
        sheet = _Sheet(name, self.errors)
        columns = SHEETS[name]
        found = reader.sheet(name, [columns.index(c) for c in DATE_COLUMNS.get(name, ())])
        if found is None:
            return
        header, data = found
        if not any(header) and not reader.holds_anything(name):
            return  # a sheet left empty: it has no rows to lose, like a sheet left out
        if [h.casefold() for h in header[: len(columns)]] != [c.casefold() for c in columns]:
            sheet.bad(
                1,
                _("header"),
                " | ".join(h for h in header if h),
                _("the header row must be {columns}").format(columns=" | ".join(columns)),
            )
            return
        for number, values in enumerate(data, start=2):
            if all(v is None or trainees._text(v) == "" for v in values):
                continue
            cells = dict(zip(columns, values, strict=False))
            bad = [c for c, v in cells.items() if isinstance(v, str) and rules.has_control_characters(v)]
            for column in bad:
                sheet.bad(
                    number, column, repr(cells[column])[1:-1], _("holds a control character; type the value again")
                )
            for column, most in TEXT_LIMITS.get(name, {}).items():
                value = cells.get(column)
                if isinstance(value, str) and len(value.strip()) > most:
                    bad.append(column)
                    sheet.bad(number, column, value[:40], _("longer than {count} characters").format(count=most))
            if not bad:
                yield sheet, number, cells

    # -- Utbildare

    def trainers_sheet(self, reader: Any) -> None:
        seen: set[str] = set()
        for sheet, row, cells in self.rows(reader, TRAINERS):
            text = _texts(cells)
            before = len(self.errors)
            name = text("Namn")
            if not name:
                sheet.bad(row, "Namn", "", _("the name is empty"))
            erased = rules.is_erased_email(text("E-post"))  # a trainer erased before (rule 23), as exported
            email = (
                text("E-post")
                if erased
                else self.read(sheet, row, cells, "E-post", lambda v: rules.normalize_email(trainees._text(v)))
            )
            place = self.read(sheet, row, cells, "Kommun", self.place)
            basic = self.read(sheet, row, cells, "Grundutbildning", self.day)
            series = self.read(sheet, row, cells, "Programserie hållen", self.day)
            certified = self.read(sheet, row, cells, "Certifierad", self.optional_day)
            level = text("Nivå").casefold()
            levels = common.definition(self.session).levels
            if level and level not in levels:
                sheet.bad(row, "Nivå", level, _("unknown level (use {levels})").format(levels=", ".join(levels)))
            if basic and series:
                # Rule 1 (rules.trainer_eligibility), each problem in the cell it is about, with its value.
                for problem in rules.not_in_future(_("the grundutbildning"), basic, self.today):
                    sheet.bad(row, "Grundutbildning", basic.isoformat(), problem)
                for problem in rules.not_in_future(_("the programme series"), series, self.today):
                    sheet.bad(row, "Programserie hållen", series.isoformat(), problem)
                if series < basic:
                    sheet.bad(
                        row,
                        "Programserie hållen",
                        series.isoformat(),
                        _(
                            "the programme series ({series_held}) must be held after the grundutbildning "
                            "({basic_training})"
                        ).format(series_held=series.isoformat(), basic_training=basic.isoformat()),
                    )
                for problem in rules.appointment(text("Utsedd av")):
                    sheet.bad(row, "Utsedd av", text("Utsedd av"), problem)
            if certified:
                for problem in rules.not_in_future(_("the certification"), certified, self.today):
                    sheet.bad(row, "Certifierad", certified.isoformat(), problem)
            if email and email in seen:
                sheet.bad(row, "E-post", email, _("the same trainer is on an earlier row"))
            if len(self.errors) > before or email is None:
                if text("E-post") and (email or text("E-post").lower()) not in seen:
                    self.refused_trainers.add(email or text("E-post").lower())
                continue
            seen.add(email)
            if email in self.trainers:
                self.present["trainers"] += 1
                trainer_id = self.trainers[email][0]
            else:
                trainer = Trainer(
                    name=name,
                    email=email,
                    phone=text("Telefon") or None,
                    municipality_code=place,
                    basic_training=basic,
                    series_held=series,
                    appointed_by=" ".join(text("Utsedd av").split()),
                    programmes="",
                    level=level or DEFAULT_LEVEL,
                    registered_on=self.today,
                    erased_on=self.today if erased else None,
                )
                self.session.add(trainer)
                self.session.flush()
                trainer_id = trainer.id
                self.trainers[email] = (trainer_id, place)
                self.added["trainers"] += 1
                self.touched["trainer"].append(trainer_id)
            if certified:
                self._certify(trainer_id, self.trainers[email][1], certified)

    def _certify(self, trainer_id: int, place: str, day: date) -> None:
        """The certification before steg2 (rule 3), as a completed course of kind `imported` (never billed)."""
        already = self.session.scalar(
            select(CourseParticipant.id)
            .join(Course, Course.id == CourseParticipant.course_id)
            .where(
                CourseParticipant.trainer_id == trainer_id,
                Course.completed_on.is_not(None),
                Course.cancelled_on.is_(None),
                CourseParticipant.unenrolled_on.is_(None),
            )
            .limit(1)
        )
        if already is not None:
            return
        course = Course(
            kind="imported",
            course_date=day,
            municipality_code=None,
            place=self.file_name[:200],
            completed_on=day,
            billed=True,
        )
        self.session.add(course)
        self.session.flush()
        self.session.add(
            CourseParticipant(course_id=course.id, trainer_id=trainer_id, municipality_code=place, billed=True)
        )
        self.touched["course"].append(course.id)

    # -- Skolor

    def schools_sheet(self, reader: Any) -> None:
        steps_of = programme_steps(self.session)
        runs: dict[int, list[SchoolProgramme]] = defaultdict(list)
        for run in self.session.scalars(select(SchoolProgramme)):
            runs[run.school_id].append(run)
        touched_runs: list[int] = []
        counted: set[int] = set()
        for sheet, row, cells in self.rows(reader, SCHOOLS):
            text = _texts(cells)
            before = len(self.errors)
            name = text("Skola")
            if not name:
                sheet.bad(row, "Skola", "", _("the school's name is empty"))
            elif len(name) > rules.NAME_MAX:
                sheet.bad(
                    row,
                    "Skola",
                    name[:40],
                    _("the name is longer than {name_max} characters").format(name_max=rules.NAME_MAX),
                )
            place = self.read(sheet, row, cells, "Kommun", self.place)
            programme = None
            if text("Program"):
                programme = programme_of(self.session, text("Program"))
                if programme is None:
                    sheet.bad(
                        row,
                        "Program",
                        text("Program"),
                        _("unknown programme (use {join})").format(join=", ".join(steps_of)),
                    )
            if len(self.errors) > before:
                continue
            key = (place, rules.name_key(name))
            school_id = self.schools.get(key)
            if school_id is None:
                school = School(name=name, name_key=rules.name_key(name), municipality_code=place)
                self.session.add(school)
                self.session.flush()
                school_id = self.schools[key] = school.id
                counted.add(school_id)
                self.added["schools"] += 1
                self.touched["school"].append(school_id)
            elif school_id not in counted:
                self.present["schools"] += 1
            counted.add(school_id)
            if programme is None:
                continue
            start = self.read(sheet, row, cells, "Start", self.day)
            stopped = self.read(sheet, row, cells, "Avslutat", self.optional_day)
            lead = self.read(sheet, row, cells, "Ledande utbildare", self.trainer)
            contact_email = None
            if text("Kontaktens e-post"):
                contact_email = self.read(
                    sheet, row, cells, "Kontaktens e-post", lambda v: rules.normalize_email(trainees._text(v))
                )
            if len(self.errors) > before or start is None or lead is None:
                continue  # lead None: a trainer refused on the Utbildare sheet, reported there
            existing = next((r for r in runs[school_id] if r.programme == programme and r.start == start), None)
            if existing is None:
                running = [
                    r
                    for r in runs[school_id]
                    if r.programme == programme
                    and (r.stopped_on is None or r.stopped_on > start)
                    and (stopped is None or r.start < stopped)
                ]
                erased_contact = text("Kontaktperson") == ERASED_CONTACT and not text("Kontaktens e-post")
                problems = rules.programme_start(
                    programme,
                    text("Kontaktperson"),
                    "-" if erased_contact else text("Kontaktens e-post"),
                    running[0].start if running else None,
                    common.definition(self.session),
                )
                if stopped is not None:
                    problems += rules.programme_stop(start, None, stopped, text("Orsak"), self.today)
                for problem in problems:
                    sheet.bad(row, _column_of(problem), "", problem)
                if problems:
                    continue
                run = SchoolProgramme(
                    school_id=school_id,
                    programme=programme,
                    start=start,
                    trainer_id=lead,
                    contact_name=text("Kontaktperson"),
                    contact_email=contact_email or "",
                    contact_phone=text("Kontaktens telefon") or None,
                    stopped_on=stopped,
                    stop_reason=text("Orsak") or None,
                )
                self.session.add(run)
                self.session.flush()
                runs[school_id].append(run)
                self.added["programmes"] += 1
                self.touched["school"].append(school_id)
            else:
                run = existing
                self.present["programmes"] += 1
            touched_runs.append(run.id)
            self._steps(sheet, row, cells, run, steps_of[programme])
        if touched_runs:
            for chunk in common.chunks(touched_runs):
                common.refresh_activity(self.session, SchoolProgramme.id.in_(chunk))

    def _steps(
        self,
        sheet: _Sheet,
        row: int,
        cells: dict[str, Any],
        run: SchoolProgramme,
        steps: Sequence[tuple[str, str, bool]],
    ) -> None:
        done = [
            (step, day)
            for step, day in self.session.execute(
                select(Step.step, Step.step_date).where(Step.run_id == run.id, Step.void_on.is_(None))
            )
        ]
        wanted: list[tuple[str, str, date]] = []
        for step, column, once in steps:
            value = cells.get(column)
            if trainees._text(value) == "":
                continue
            if not once and isinstance(value, str):
                parts = [p for p in (part.strip() for part in value.split(",")) if p]
            else:
                parts = [str(value) if not isinstance(value, date) else value]  # type: ignore[list-item]
            for part in parts:
                try:
                    wanted.append((step, column, self.day(part)))
                except ValueError as exc:
                    sheet.bad(row, column, part, str(exc))
        for step, column, day in wanted:
            self._record_step(sheet, row, column, day.isoformat(), run, step, day, done)

    def _record_step(
        self,
        sheet: _Sheet,
        row: int,
        column: str,
        value: str,
        run: SchoolProgramme,
        step: str,
        day: date,
        done: list[tuple[str, date]],
    ) -> bool:
        """One step of a run from a sheet, under the programme's rules of order (`done`: the run's steps so
        far, kept up to date); whether it was added (already there: counted as present)."""
        if (step, day) in done:
            self.present["steps"] += 1
            return False
        known = common.definition(self.session)
        kind = known.programmes.get(run.programme) or rules.ProgrammeKind(run.programme, run.programme)
        problems = rules.step_allowed(step, day, done, run.start, run.stopped_on, self.today, kind, known)
        for problem in problems:
            sheet.bad(row, column, value, problem)
        if problems:
            return False
        self.session.add(
            Step(
                run_id=run.id,
                step=step,
                once_key=rules.once_key(known.steps[step]),
                step_date=day,
                trainer_id=run.trainer_id,
            )
        )
        done.append((step, day))
        self.added["steps"] += 1
        return True

    # -- Övriga steg

    def other_steps_sheet(self, reader: Any) -> None:
        """Steps of programmes whose steps the `Skolor` sheet has no column for, each naming its run (school,
        programme, start) from the register or from the `Skolor` sheet read before it."""
        known = common.definition(self.session)
        by_name = {step.name.casefold(): code for code, step in known.steps.items()}
        done: dict[int, list[tuple[str, date]]] = {}
        touched_runs: list[int] = []
        for sheet, row, cells in self.rows(reader, OTHER_STEPS):
            text = _texts(cells)
            before = len(self.errors)
            place = self.read(sheet, row, cells, "Kommun", self.place)
            programme = programme_of(self.session, text("Program")) if text("Program") else None
            if programme is None:
                sheet.bad(
                    row,
                    "Program",
                    text("Program"),
                    _("unknown programme (use {join})").format(join=", ".join(known.programmes)),
                )
            start = self.read(sheet, row, cells, "Start", self.day)
            day = self.read(sheet, row, cells, "Datum", self.day)
            typed = text("Steg")
            step = typed.lower() if typed.lower() in known.steps else by_name.get(typed.casefold())
            if step is None:
                sheet.bad(row, "Steg", typed, _("unknown step (use {join})").format(join=", ".join(known.steps)))
            if len(self.errors) > before or step is None:
                continue
            school_id = self.schools.get((place, rules.name_key(text("Skola"))))
            run = (
                self.session.scalar(
                    select(SchoolProgramme).where(
                        SchoolProgramme.school_id == school_id,
                        SchoolProgramme.programme == programme,
                        SchoolProgramme.start == start,
                    )
                )
                if school_id is not None
                else None
            )
            if run is None:
                sheet.bad(
                    row,
                    "Skola",
                    text("Skola"),
                    _("the school has no {programme} started {start} (in the register or on sheet {sheet})").format(
                        programme=programme, start=start, sheet=SCHOOLS
                    ),
                )
                continue
            if run.id not in done:
                done[run.id] = [
                    (found, on)
                    for found, on in self.session.execute(
                        select(Step.step, Step.step_date).where(Step.run_id == run.id, Step.void_on.is_(None))
                    )
                ]
            if self._record_step(sheet, row, "Steg", step, run, step, day, done[run.id]):
                touched_runs.append(run.id)
        if touched_runs:
            self.session.flush()
            for chunk in common.chunks(sorted(set(touched_runs))):
                common.refresh_activity(self.session, SchoolProgramme.id.in_(chunk))

    # -- Överenskommelser

    def agreements_sheet(self, reader: Any) -> None:
        spans: dict[int, list[rules.Span]] = defaultdict(list)
        #: (trainer, start) → its `Fakturerat t.o.m.`, of every agreement in the register or added before
        known: dict[tuple[int, date], date | None] = {}
        for holder, start, end, billed_until in self.session.execute(
            select(Agreement.trainer_id, Agreement.start, Agreement.end, Agreement.billed_until)
        ):
            spans[holder].append(rules.Span(start, end))
            known[(holder, start)] = billed_until
        for sheet, row, cells in self.rows(reader, AGREEMENTS):
            before = len(self.errors)
            trainer_id = self.read(sheet, row, cells, "Utbildare", self.trainer)
            start = self.read(sheet, row, cells, "Start", self.day)
            end = self.read(sheet, row, cells, "Slut", self.optional_day)
            billed = self.read(sheet, row, cells, "Fakturerat t.o.m.", self.optional_day)
            if len(self.errors) > before or trainer_id is None:
                continue  # trainer_id None: refused on the Utbildare sheet, reported there
            place = self.place_of(trainer_id)
            school_id = None
            school_text = trainees._text(cells.get("Skola"))
            if school_text:
                school_id = self.schools.get((place, rules.name_key(school_text)))
                if school_id is None:
                    sheet.bad(
                        row,
                        "Skola",
                        school_text,
                        _("no school of that name in {name}").format(name=self.municipalities[place].name),
                    )
                    continue
            if (trainer_id, start) in known:
                registered = known[(trainer_id, start)]
                if registered != billed:
                    # The day decides which yearly fees steg2 bills: a different one is never passed over.
                    sheet.bad(
                        row,
                        "Fakturerat t.o.m.",
                        cells.get("Fakturerat t.o.m."),
                        _(
                            "the register has this agreement with Fakturerat t.o.m. {registered}; an import "
                            "changes nothing in it"
                        ).format(registered=registered.isoformat() if registered else _("empty")),
                    )
                    continue
                self.present["agreements"] += 1
                continue
            if end is not None and end < start:
                sheet.bad(
                    row,
                    "Slut",
                    end.isoformat(),
                    _("the end ({end}) is before the start ({start})").format(
                        end=end.isoformat(), start=start.isoformat()
                    ),
                )
                continue
            span = rules.Span(start, end)
            if not span.never_in_force and any(
                not other.never_in_force and other.start < (end or date.max) and start < (other.end or date.max)
                for other in spans[trainer_id]
            ):
                sheet.bad(
                    row,
                    "Start",
                    start.isoformat(),
                    _("the trainer already has an agreement in force then (one agreement at a time)"),
                )
                continue
            agreement = Agreement(
                trainer_id=trainer_id,
                start=start,
                end=end,
                end_reason=(f"importerad ({self.file_name})"[:400] if end is not None else None),
                municipality_code=place,
                school_id=school_id,
                billed_until=billed,
            )
            self.session.add(agreement)
            self.session.flush()
            spans[trainer_id].append(span)
            known[(trainer_id, start)] = billed
            self.added["agreements"] += 1
            self.touched["agreement"].append(agreement.id)

    # -- Utbildade

    def _about_a_refused_trainer(self, value: str, reason: str) -> bool:
        """A trainee row's "unknown trainer" about a trainer refused on the Utbildare sheet: a follow-on
        error, left out (the trainer's own row says what is wrong)."""
        text = value.strip().lower()
        return text in self.refused_trainers and reason == _("unknown trainer '{text}'").format(text=value.strip())

    def trainees_sheet(self, reader: Any) -> None:
        found = reader.sheet(TRAINED, [rules.TRAINEE_COLUMNS.index("Datum")])
        if found is None:
            return
        header, data = found
        problems = rules.trainee_header(header)
        if problems:
            self.errors.append((TRAINED, 1, _("header"), " | ".join(h for h in header if h), problems[0]))
            return
        self.session.flush()
        checker = trainees.TraineeChecker(_HistoryLookups(self.session), self.today, keep_erased=True)
        stored = trainees.store_checked(self.session, checker, enumerate(data, start=2), reported_on=None)
        self.errors += [
            (TRAINED, row, column, value, reason)
            for row, column, value, reason in checker.errors
            if not self._about_a_refused_trainer(value, reason)
        ]
        if self.errors or not stored.rows:
            return
        self.added["trainees"] += stored.added
        self.present["trainees"] += stored.rows - stored.added
        for chunk in common.chunks(sorted(stored.schools or ())):
            common.refresh_activity(self.session, SchoolProgramme.school_id.in_(chunk))
        touched(self.session, "trainee-report", stored.rows)

    # -- Obetalda fakturor

    def invoices_sheet(self, reader: Any) -> None:
        payers_by_org = {
            org: pid
            for pid, org in self.session.execute(
                select(Payer.id, Payer.org_number).where(Payer.org_number.is_not(None))
            )
        }
        by_place = common.municipality_payers(self.session)
        from steg2cli.services import invoicing, payments

        old = set(self.session.scalars(select(Invoice.old_number).where(Invoice.old_number.is_not(None))))
        ocrs: set[str] = set()
        zero_led = invoicing.zero_led_references(self.session)
        lowest = self.session.scalar(select(func.min(Invoice.number))) or 0
        number_start = int(settings.all_settings(self.session)["invoice.number-start"])
        seller = json.dumps(settings.seller(self.session), ensure_ascii=False, sort_keys=True)
        created = datetime.now(UTC).replace(tzinfo=None, microsecond=0)

        seen: set[str] = set()
        for sheet, row, cells in self.rows(reader, INVOICES):
            before = len(self.errors)
            number = trainees._text(cells.get("Fakturanummer"))
            if not number:
                sheet.bad(row, "Fakturanummer", "", _("the invoice number is empty"))
            elif len(number) > 40:
                sheet.bad(row, "Fakturanummer", number, _("the invoice number is longer than 40 characters"))
            elif number in seen:
                sheet.bad(row, "Fakturanummer", number, _("the same invoice is on an earlier row"))
            issued = self.read(sheet, row, cells, "Fakturadatum", self.day)
            due = self.read(sheet, row, cells, "Förfallodatum", self.day)
            total = self.read(sheet, row, cells, "Belopp", self.kronor)
            paid = self.read(sheet, row, cells, "Betalt", self.kronor)
            payer_text = trainees._text(cells.get("Betalare"))
            payer_id = None
            digits = payer_text.replace("-", "")
            if len(digits) == 10 and digits.isdigit():
                payer_id = payers_by_org.get(digits)
            else:
                try:
                    payer_id = by_place.get(self.place(payer_text))
                except ValueError:
                    payer_id = None
            if payer_id is None:
                sheet.bad(row, "Betalare", payer_text, _("no payer is this municipality or organisation number"))
            reference = trainees._text(cells.get("Referens")).replace(" ", "")
            if len(self.errors) > before:
                continue
            seen.add(number)
            if number in old:
                self.present["invoices"] += 1
                continue
            for problem in rules.old_number_allowed(number, number_start):
                sheet.bad(row, "Fakturanummer", number, problem)
            problems = rules.not_in_future(_("the invoice"), issued, self.today)
            if due < issued:
                problems.append(_("the due date is before the invoice date"))
            if total <= 0:
                sheet.bad(row, "Belopp", cells.get("Belopp"), _("an invoice is an amount above zero"))
            elif paid >= total:
                sheet.bad(
                    row, "Betalt", cells.get("Betalt"), _("the invoice is paid in full; only unpaid invoices move in")
                )
            for problem in problems:
                sheet.bad(row, "Fakturadatum", issued.isoformat(), problem)
            ocr = reference or _no_reference(number)
            # A reference matches with or without its leading zeros (rule 32): `0012345` is `12345`.
            bare = (ocr.lstrip("0") or ocr) if rules.is_plain_number(ocr) else ocr
            if len(ocr) > 30:
                sheet.bad(row, "Referens", reference, _("the reference is longer than 30 characters"))
            elif (
                bare in ocrs
                or bare in zero_led
                or self.session.scalar(select(Invoice.number).where(Invoice.ocr.in_({ocr, bare}))) is not None
            ):
                sheet.bad(row, "Referens", reference, _("another invoice has this payment reference"))
            if len(self.errors) > before:
                continue
            ocrs.add(bare)
            lowest = min(lowest, 0) - 1
            invoice = Invoice(
                number=lowest,
                kind="imported",
                invoice_date=issued,
                due_date=due,
                seller=seller,
                net_ore=total,
                vat_ore=0,
                total_ore=total,
                vat_note="",
                credits_number=None,
                reason=f"importerad ({self.file_name})"[:400],
                created_at=created,
                ocr=ocr,
                waived=False,
                old_number=number,
                **invoicing.payer_snapshot(self.session, payer_id or 0),
            )
            self.session.add(invoice)
            self.session.flush()
            if paid:
                payments.record(
                    self.session,
                    invoice,
                    issued,
                    paid,
                    reference or number,
                    self.today,
                    source="imported",
                    note=_("paid before steg2"),
                )
            openitems.reopen(self.session, invoice.number)
            self.added["invoices"] += 1
            self.touched["invoice"].append(invoice.number)


def _texts(cells: dict[str, Any]) -> Callable[[str], str]:
    """A row's cell as text, by its column's header."""

    def text(column: str) -> str:
        return trainees._text(cells.get(column))

    return text


class _HistoryLookups(trainees.Lookups):
    """A trainee list's look-ups for history moving in (rule 37): rule 13 holds, rule 9 does not (an agreement
    of years ago may be missing from the workbook)."""

    def check(self, report: trainees.Report, today: date) -> list[str]:
        return rules.trainee_report(report.day, self.runs.get((report.school_id, report.programme), []), [], today)


def _column_of(problem: str) -> str:
    lowered = problem.casefold()
    if "contact" in lowered or "kontakt" in lowered:
        return "Kontaktperson"
    if "stop" in lowered or "reason" in lowered or "orsak" in lowered or "avslut" in lowered:
        return "Avslutat"
    return "Start"


def closest_sheet(name: str) -> str | None:
    """The register workbook's sheet a mistyped sheet name most likely means (`Skolor ` → `Skolor`), or None."""
    import difflib

    plain = " ".join(name.split()).casefold()
    for known in ALL_SHEETS:
        if known.casefold() == plain:
            return known
    found = difflib.get_close_matches(plain, [known.casefold() for known in ALL_SHEETS], n=1, cutoff=0.6)
    return next((known for known in ALL_SHEETS if found and known.casefold() == found[0]), None)


def _unknown_sheets(path: Path, unknown: list[str]) -> str:
    """The refusal of a workbook with sheets that are not the register workbook's: their rows would be lost."""
    named = []
    for name in unknown:
        match = closest_sheet(name)
        named.append(_("'{name}' (did you mean '{match}'?)").format(name=name, match=match) if match else f"'{name}'")
    return ngettext(
        "{path}: the sheet {sheets} is not one of the register workbook's sheets ({known}), so its rows would be "
        "lost; rename it or take it out (nothing was written)",
        "{path}: the sheets {sheets} are not among the register workbook's sheets ({known}), so their rows would "
        "be lost; rename them or take them out (nothing was written)",
        len(unknown),
    ).format(path=path.name, sheets=", ".join(named), known=", ".join(ALL_SHEETS))


def import_register(db: Database, path: Path, today: date, dry_run: bool = False) -> dict[str, Any]:
    """Rule 37: the register workbook whole or not at all; again adds nothing."""
    from steg2cli.excel import SheetReader

    path = Path(path)
    if not path.exists():
        raise BadInput(_("{path}: no such file").format(path=path))
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise BadInput(_("{path}: the register workbook is an .xlsx file").format(path=path))
    reader = SheetReader(path)
    try:
        unknown = [name for name in reader.names if name not in SHEETS and reader.holds_anything(name)]
        if unknown:
            raise BadInput(_unknown_sheets(path, unknown))
        if not any(name in reader.names for name in SHEETS):
            raise BadInput(
                _("{path} has none of the register workbook's sheets ({names})").format(
                    path=path, names=", ".join(ALL_SHEETS)
                )
            )
        with db.write("import register", rollback=dry_run) as session:
            importer = _Importer(session, today, path.name)
            importer.trainers_sheet(reader)
            importer.schools_sheet(reader)
            importer.other_steps_sheet(reader)
            importer.agreements_sheet(reader)
            importer.trainees_sheet(reader)
            importer.invoices_sheet(reader)
            if importer.errors:
                order = {name: i for i, name in enumerate(ALL_SHEETS)}
                raise SheetRowErrors(sorted(importer.errors, key=lambda e: (order[e[0]], e[1], e[2])))
            session.flush()
            for kind, ids in importer.touched.items():
                touched(session, kind, *ids)
            touched(session, "imported-from", path.name)
    finally:
        reader.close()
    return {"added": importer.added, "already_present": importer.present, "dry_run": dry_run, "file": path.name}
