"""Trainee lists: reports by hand and from Excel/CSV files; rules 13-15.

A list is checked whole against lookups loaded once (municipalities, schools, trainers, programme runs,
agreements), so 20 000 rows cost a handful of queries; the good list is then inserted in bulk with
`ON CONFLICT DO NOTHING` on the report's unique key (rule 14), and one bad row writes nothing (rule 15).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from steg2cli import rules
from steg2cli.db import Database, bulk_insert, touched
from steg2cli.errors import BadInput, RowErrors
from steg2cli.i18n import N_, _
from steg2cli.models import Agreement, Municipality, School, SchoolProgramme, Trainee, Trainer
from steg2cli.services import common

Progress = Callable[[int], None]


@dataclass(frozen=True)
class Report:
    """One checked row: a trained person ready to be stored."""

    row: int
    name: str
    email: str
    school_id: int
    programme: str
    day: date
    trainer_id: int


class Lookups:
    """Everything a list is checked against, loaded once per list."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.municipalities = {m.code: m for m in session.scalars(select(Municipality))}
        self.municipality_names = {rules.name_key(m.name): m.code for m in self.municipalities.values()}
        self.schools: dict[tuple[str, str], int] = {}
        self.school_places: dict[int, str] = {}
        for school_id, place, key in session.execute(select(School.id, School.municipality_code, School.name_key)):
            self.schools[(place, key)] = school_id
            self.school_places[school_id] = place
        self.trainers_by_email = {
            email: trainer_id for trainer_id, email in session.execute(select(Trainer.id, Trainer.email))
        }
        self.trainer_ids = set(self.trainers_by_email.values())
        self.runs: dict[tuple[int, str], list[tuple[date, date | None]]] = defaultdict(list)
        for school_id, programme, start, stopped in session.execute(
            select(
                SchoolProgramme.school_id, SchoolProgramme.programme, SchoolProgramme.start, SchoolProgramme.stopped_on
            )
        ):
            self.runs[(school_id, programme)].append((start, stopped))
        self.agreements: dict[int, list[tuple[rules.Span, rules.Scope]]] = defaultdict(list)
        for holder, start, end, place, scope_school in session.execute(
            select(
                Agreement.trainer_id, Agreement.start, Agreement.end, Agreement.municipality_code, Agreement.school_id
            )
        ):
            self.agreements[holder].append((rules.Span(start, end), rules.Scope(place, scope_school)))

    def municipality(self, value: Any) -> str:
        """A municipality code from a cell (code, number or name)."""
        code = rules.municipality_code(value) if isinstance(value, (int, str)) else None
        if isinstance(value, float) and value.is_integer():
            code = rules.municipality_code(int(value))
        if code is not None:
            if code in self.municipalities:
                return code
            raise ValueError(_("no municipality has the code {code}").format(code=code))
        found = self.municipality_names.get(rules.name_key(str(value)))
        if found is None:
            names = [m.name for m in self.municipalities.values()]
            raise ValueError(
                _("unknown municipality '{value}'{did_you_mean}").format(
                    value=value, did_you_mean=common.did_you_mean(str(value), names)
                )
            )
        return found

    def trainer(self, value: Any) -> int:
        """A trainer id from a cell (e-mail address or id)."""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value).strip()
        if text.isdigit() and int(text) in self.trainer_ids:
            return int(text)
        if "@" in text and text.lower() in self.trainers_by_email:
            return self.trainers_by_email[text.lower()]
        raise ValueError(_("unknown trainer '{text}'").format(text=text))

    def check(self, report: Report, today: date) -> list[str]:
        """Rule 13 (and 9) for one checked row."""
        pairs = self.agreements.get(report.trainer_id, [])
        agreement = rules.may_train(pairs, self.school_places[report.school_id], report.school_id, report.day)
        return rules.trainee_report(
            report.day, self.runs.get((report.school_id, report.programme), []), agreement, today
        )


def _cell_date(value: Any) -> date:
    # An Excel day number was already read as a date (openpyxl knows the workbook's 1900 or 1904 system).
    if isinstance(value, datetime):
        return rules.parse_date(value.date())
    if isinstance(value, date):
        return rules.parse_date(value)
    return rules.parse_date(str(value))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        return value.date().isoformat()  # a date cell reads as midnight: show the day
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


class TraineeChecker:
    """Checks trainee rows one at a time as they stream past (rules 13-15), for a trainee list and for the
    `Utbildade` sheet of the register workbook alike: good rows come back as `Report`s, every bad cell is
    kept in `errors`. Nothing is loosened for speed: a list repeats the same school, municipality,
    programme, day and trainer on many rows, so each distinct cell value is read once per column and
    remembered, and so is the rule-13 check of each combination; a row is searched for control characters
    in one pass over its text, and only a row that holds one is looked at cell by cell.

    A row of a person who was erased (GDPR art. 17: `raderad-N@invalid`, as `person export` and
    `export trainees` write it) is no report of anyone: it is counted in `erased` and skipped, so an
    export read back in is taken whole. With `keep_erased` (a whole register moving in, rule 37) it is
    kept as the pseudonymised record it is, so the people trained are counted alike after the move.
    """

    def __init__(self, lookups: Lookups, today: date, keep_erased: bool = False) -> None:
        self.lookups = lookups
        self.today = today
        self.keep_erased = keep_erased
        self.errors: list[tuple[int, str, str, str]] = []
        self.erased = 0
        self._emails: dict[Any, tuple[Any, str | None]] = {}
        self._places: dict[Any, tuple[Any, str | None]] = {}
        self._schools: dict[tuple[str, Any], tuple[Any, str | None]] = {}
        self._programmes: dict[Any, tuple[Any, str | None]] = {}
        self._days: dict[Any, tuple[Any, str | None]] = {}
        self._trainers: dict[Any, tuple[Any, str | None]] = {}
        self._checked: dict[tuple[int, int, str, date], list[str]] = {}

    @staticmethod
    def _read(cache: dict[Any, tuple[Any, str | None]], key: Any, reader: Callable[[], Any]) -> tuple[Any, str | None]:
        try:
            return cache[key]
        except KeyError:
            pass
        try:
            found: tuple[Any, str | None] = (reader(), None)
        except ValueError as exc:
            found = (None, str(exc))
        except TypeError:  # an unhashable cell cannot reach here; a cell of an odd type reads as text
            found = (None, _("cannot be read"))
        cache[key] = found
        return found

    def _school(self, place: str, value: Any) -> int:
        school_id = self.lookups.schools.get((place, rules.name_key(_text(value))))
        if school_id is None:
            raise ValueError(_("no school of that name in {name}").format(name=self.lookups.municipalities[place].name))
        return school_id

    def row(self, number: int, cells: Sequence[Any]) -> Report | None:
        """Check one row (its number in the file, its cells); the report, or None (bad, empty or erased)."""
        width = len(rules.TRAINEE_COLUMNS)
        values = list(cells[:width])
        if len(values) < width:
            values += [None] * (width - len(values))
        texts = [v for v in values if isinstance(v, str)]
        if len(texts) == width and all(texts):
            pass  # every cell holds text: not an empty row
        elif all(v is None or _text(v) == "" for v in values):
            return None  # Excel leaves empty rows behind
        if texts and rules.has_control_characters("".join(texts)):
            controls = [
                (number, column, repr(value)[1:-1][:60], _("holds a control character; type the value again"))
                for column, value in zip(rules.TRAINEE_COLUMNS, values, strict=True)
                if isinstance(value, str) and rules.has_control_characters(value)
            ]
            self.errors += controls
            return None
        name_cell, email_cell, school_cell, place_cell, programme_cell, day_cell, trainer_cell = values
        erased = isinstance(email_cell, str) and rules.is_erased_email(email_cell)
        if erased:
            self.erased += 1
            if not self.keep_erased:
                return None
        bad: list[tuple[int, str, str, str]] = []
        name = _text(name_cell)
        if not name:
            bad.append((number, "Namn", "", _("the name is empty")))
        elif len(name) > rules.NAME_MAX:
            bad.append(
                (
                    number,
                    "Namn",
                    name[:40] + "…",
                    _("the name is longer than {name_max} characters").format(name_max=rules.NAME_MAX),
                )
            )
        lookups = self.lookups
        email, problem = (
            (str(email_cell).strip(), None)
            if erased
            else self._emails.get(email_cell)
            or self._read(self._emails, email_cell, lambda: rules.normalize_email(_text(email_cell)))
        )
        if problem:
            bad.append((number, "E-post", _text(email_cell), problem))
        place, problem = self._places.get(place_cell) or self._read(
            self._places, place_cell, lambda: lookups.municipality("" if place_cell is None else place_cell)
        )
        if problem:
            bad.append((number, "Kommun", _text(place_cell), problem))
        school_id = None
        if place is not None:
            school_id, problem = self._schools.get((place, school_cell)) or self._read(
                self._schools, (place, school_cell), lambda: self._school(place, school_cell)
            )
            if problem:
                bad.append((number, "Skola", _text(school_cell), problem))
        programme, problem = self._programmes.get(programme_cell) or self._read(
            self._programmes, programme_cell, lambda: _programme(programme_cell)
        )
        if problem:
            bad.append((number, "Program", _text(programme_cell), problem))
        day, problem = self._days.get(day_cell) or self._read(
            self._days, day_cell, lambda: _cell_date("" if day_cell is None else day_cell)
        )
        if problem:
            bad.append((number, "Datum", _text(day_cell), problem))
        trainer_id, problem = self._trainers.get(trainer_cell) or self._read(
            self._trainers, trainer_cell, lambda: lookups.trainer("" if trainer_cell is None else trainer_cell)
        )
        if problem:
            bad.append((number, "Utbildare", _text(trainer_cell), problem))
        if bad:
            self.errors += bad
            return None
        report = Report(number, name, email, school_id, programme, day, trainer_id)  # type: ignore[arg-type]
        combination = (trainer_id, school_id, programme, day)
        problems = self._checked.get(combination)  # type: ignore[arg-type]
        if problems is None:
            problems = self._checked[combination] = lookups.check(report, self.today)  # type: ignore[index]
        if problems:
            self.errors += [
                (number, column, _text(values[rules.TRAINEE_COLUMNS.index(column)]), p)
                for p in problems
                for column in [_column_for(p)]
            ]
            return None
        return report


def _programme(value: Any) -> str:
    code = programme_lookup(_text(value))
    if code is None:
        raise ValueError(_("unknown programme (use {join})").format(join=", ".join(programme_codes())))
    return code


def programme_lookup(text: str) -> str | None:
    """A programme's code from a cell (its code or Swedish name), None if there is none such."""
    return rules.programme_code(text)


def programme_codes() -> list[str]:
    """Every programme's code."""
    return list(rules.PROGRAMMES)


def parse_rows(
    rows: Iterable[tuple[int, Sequence[Any]]], lookups: Lookups, today: date, progress: Progress | None = None
) -> tuple[list[Report], list[tuple[int, str, str, str]]]:
    """Check file rows (row number, the seven cells); returns the good reports and every bad cell."""
    checker = TraineeChecker(lookups, today)
    reports: list[Report] = []
    for count, (number, cells) in enumerate(rows, start=1):
        if progress is not None and count % 1000 == 0:
            progress(1000)
        report = checker.row(number, cells)
        if report is not None:
            reports.append(report)
    return reports, checker.errors


def _column_for(problem: str) -> str:
    """Which column a rule-13 problem points at."""
    if "never run" in problem:
        return "Program"
    if "outside the scope" in problem:
        return "Utbildare"
    return "Datum"


def store(session: Session, reports: Sequence[Report], today: date) -> tuple[int, int]:
    """Insert the reports in bulk; the same report twice adds nothing (rule 14). Returns (added, already).

    One driver-level `executemany` with `ON CONFLICT DO NOTHING` on the report's unique key: for a list
    of 20 000 rows the ORM's per-row bookkeeping would cost three times the insert itself.
    """
    rows = [
        (r.name, rules.name_key(r.name), r.email, r.school_id, r.programme, r.day, r.trainer_id, today) for r in reports
    ]
    before = session.scalar(select(func.count()).select_from(Trainee)) or 0
    bulk_insert(
        session,
        "trainees",
        ("name", "name_key", "email", "school_id", "programme", "trained_on", "trainer_id", "reported_on"),
        rows,
        skip_conflicts=True,
    )
    after = session.scalar(select(func.count()).select_from(Trainee)) or 0
    if after > before:
        _reported_today(session, sorted({r.school_id for r in reports}), today)
    return after - before, len(reports) - (after - before)


@dataclass
class Stored:
    """What `store_checked` did: rows taken, rows added, and the schools they were for."""

    rows: int = 0
    added: int = 0
    schools: set[int] | None = None


STORE_BATCH = 5000


def store_checked(
    session: Session,
    checker: TraineeChecker,
    rows: Iterable[tuple[int, Sequence[Any]]],
    reported_on: date | None = None,
    progress: Progress | None = None,
) -> Stored:
    """Check rows as they stream past and insert the good ones in batches (memory stays flat however long the
    list): one driver-level `executemany` with `ON CONFLICT DO NOTHING` on the report's unique key (rule 14)
    per batch. Once a row is bad nothing more is inserted, but every row is still checked, so that every bad
    row is reported; the caller then refuses, and the transaction is rolled back whole (rule 15).
    `reported_on`: the day every report is recorded as reported (None: each its training day, for history
    moving in)."""
    columns = ("name", "name_key", "email", "school_id", "programme", "trained_on", "trainer_id", "reported_on")
    stored = Stored(schools=set())
    before = session.scalar(select(func.count()).select_from(Trainee)) or 0
    batch: list[tuple[Any, ...]] = []
    for count, (number, cells) in enumerate(rows, start=1):
        if progress is not None and count % 1000 == 0:
            progress(1000)
        report = checker.row(number, cells)
        if report is None or checker.errors:
            continue
        stored.rows += 1
        stored.schools.add(report.school_id)  # type: ignore[union-attr]
        batch.append(
            (
                report.name,
                rules.name_key(report.name),
                report.email,
                report.school_id,
                report.programme,
                report.day,
                report.trainer_id,
                reported_on or report.day,
            )
        )
        if len(batch) >= STORE_BATCH:
            bulk_insert(session, "trainees", columns, batch, skip_conflicts=True)
            batch = []
    if batch and not checker.errors:
        bulk_insert(session, "trainees", columns, batch, skip_conflicts=True)
    if stored.rows and not checker.errors:
        stored.added = (session.scalar(select(func.count()).select_from(Trainee)) or 0) - before
    return stored


def _reported_today(session: Session, school_ids: Sequence[int], today: date) -> None:
    """Keep the programme runs' last report dates exact after a list was stored (issue 17). Every row this
    list added is reported today and stands, so a run whose school and programme now have a report today
    that stands has its date moved up to today (never down); no other run's date changed. Much cheaper
    than `common.refresh_activity`, which reads each school's every report."""
    from sqlalchemy import Table, case, exists, update

    runs = cast(Table, SchoolProgramme.__table__)
    kept = func.coalesce(runs.c.last_report_on, runs.c.start)
    today_reported = exists().where(
        Trainee.reported_on == today,
        Trainee.school_id == runs.c.school_id,
        Trainee.programme == runs.c.programme,
        Trainee.void_on.is_(None),
    )
    for chunk in common.chunks(school_ids):
        session.execute(
            update(runs)
            .where(runs.c.school_id.in_(chunk), today_reported)
            .values(last_report_on=case((kept >= today, kept), else_=today))
        )


def _finish(
    session: Session,
    reports: list[Report],
    errors: list[tuple[int, str, str, str]],
    today: date,
    dry_run: bool,
    what: str,
) -> dict[str, Any]:
    if errors:
        raise RowErrors(sorted(errors), what)
    if not reports:
        raise BadInput(_("the {what} has no data rows").format(what=_(what)))
    added, already = store(session, reports, today)
    touched(session, "trainee-report", len(reports))
    return {"rows": len(reports), "added": added, "already_reported": already, "dry_run": dry_run}


def report_file(
    db: Database, path: Path, today: date, dry_run: bool = False, progress: Progress | None = None
) -> dict[str, Any]:
    """Take a trainer's list (.xlsx or .csv) whole or not at all (rule 15)."""
    header, rows = read_list(path)
    common.check(rules.trainee_header(header))
    with db.write("report-trainees", rollback=dry_run) as session:
        checker = TraineeChecker(Lookups(session), today)
        stored = store_checked(session, checker, enumerate(rows, start=2), today, progress)
        errors = checker.errors
        if errors:
            if path.suffix.lower() in (".xlsx", ".xlsm"):
                errors = _name_formulas(path, errors)
            raise RowErrors(sorted(errors), N_("list"))
        if not stored.rows and not checker.erased:
            raise BadInput(_("the {what} has no data rows").format(what=_(N_("list"))))
        if stored.added:
            _reported_today(session, sorted(stored.schools or ()), today)
        touched(session, "trainee-report", stored.rows)
        result = {
            "rows": stored.rows,
            "added": stored.added,
            "already_reported": stored.rows - stored.added,
            "dry_run": dry_run,
            "erased": checker.erased,
        }
    return result


def _name_formulas(path: Path, errors: list[tuple[int, str, str, str]]) -> list[tuple[int, str, str, str]]:
    """A formula cell that was never calculated reads as empty; say it is a formula instead (only the rows
    already in error are looked at again, so a good list pays nothing for this)."""
    from steg2cli.excel import formula_cells

    formulas = formula_cells(path, "Utbildade", {row for row, _, _, _ in errors}, len(rules.TRAINEE_COLUMNS))
    named = []
    for row, column, value, reason in errors:
        formula = formulas.get((row, rules.TRAINEE_COLUMNS.index(column))) if column in rules.TRAINEE_COLUMNS else None
        if formula is not None:
            named.append((row, column, formula[:60], _("the cell holds a formula; type the value itself instead")))
        else:
            named.append((row, column, value, reason))
    return named


def report_by_hand(
    db: Database,
    trainer_ref: str,
    school_ref: str,
    programme: str,
    day: date,
    people: Sequence[str],
    today: date,
    dry_run: bool = False,
    municipality: str | None = None,
) -> dict[str, Any]:
    """Report people trained by hand: "Name <email>" each (rules 13-14)."""
    if not people:
        raise BadInput(_('name the people trained: "Name <email>" ...'))
    code = common.programme(programme)
    with db.write("report-trainees", rollback=dry_run) as session:
        trainer = common.trainer(session, trainer_ref)
        school = common.find_school(session, school_ref, municipality)
        lookups = Lookups(session)
        reports: list[Report] = []
        errors: list[tuple[int, str, str, str]] = []
        for number, person in enumerate(people, start=1):
            try:
                name, email = rules.parse_person(person)
            except ValueError as exc:
                errors.append((number, "person", person, str(exc)))
                continue
            reports.append(Report(number, name, email, school.id, code, day, trainer.id))
        if reports:
            common.check(lookups.check(reports[0], today))
        result = _finish(session, reports, errors, today, dry_run, N_("people given"))
        result["reports"] = _report_ids(session, reports, dry_run)
        return result


def _report_ids(session: Session, reports: Sequence[Report], dry_run: bool) -> list[dict[str, Any]]:
    """Each report given by hand with the id of the record that stands for it (new, or reported before), so
    that a mistake can be voided at once (`steg2 void trainee ID`); None in a dry run."""
    found = []
    for report in reports:
        record_id = (
            None
            if dry_run
            else session.scalar(
                select(Trainee.id).where(
                    Trainee.email == report.email,
                    Trainee.name_key == rules.name_key(report.name),
                    Trainee.school_id == report.school_id,
                    Trainee.programme == report.programme,
                    Trainee.trained_on == report.day,
                    Trainee.void_on.is_(None),
                )
            )
        )
        found.append({"id": record_id, "name": report.name, "email": report.email, "date": common.iso(report.day)})
    return found


# ---- reading list files -----------------------------------------------------------------------


def read_list(path: Path) -> tuple[list[str], Iterator[Sequence[Any]]]:
    """The header and rows of a trainee list: .xlsx (openpyxl, read-only) or .csv (UTF-8, , or ;)."""
    path = Path(path)
    if not path.exists():
        raise BadInput(_("{path}: no such file").format(path=path))
    if path.is_dir():
        raise BadInput(_("{path}: is a folder, not a list").format(path=path))
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from steg2cli.excel import read_rows

        return read_rows(path, "Utbildade", date_columns=(rules.TRAINEE_COLUMNS.index("Datum"),))
    if suffix in (".csv", ".txt"):
        return _read_csv(path)
    raise BadInput(_("{path}: a trainee list is an .xlsx or .csv file").format(path=path))


def _read_csv(path: Path) -> tuple[list[str], Iterator[Sequence[Any]]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadInput(_("{path}: not a UTF-8 text file (save the CSV as UTF-8)").format(path=path)) from None
    except OSError as exc:
        raise BadInput(_("{path}: cannot be read ({strerror})").format(path=path, strerror=exc.strerror)) from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader, [])
    except csv.Error as exc:
        raise BadInput(_("{path}: row 1 cannot be read ({exc})").format(path=path, exc=exc)) from None

    def rows() -> Iterator[Sequence[Any]]:
        try:
            yield from reader
        except csv.Error as exc:  # a field of 200 000 characters, a NUL byte, a quote left open
            raise BadInput(
                _("{path}: row {line_num} cannot be read ({exc})").format(path=path, line_num=reader.line_num, exc=exc)
            ) from None

    return [h.strip() for h in header], rows()


def template_rows() -> list[list[str]]:
    """The instructions that go with the empty template."""
    return [
        ["Namn", "Den utbildades för- och efternamn."],
        ["E-post", "Den utbildades e-postadress."],
        ["Skola", "Skolans namn, som det är registrerat hos MÄN."],
        ["Kommun", "Kommunens namn eller fyrsiffriga kod (Gävle eller 2180)."],
        ["Program", "mvp-ms, mvp-hs, mvp-gy eller at (eller programmets namn, t.ex. MVP högstadiet)."],
        ["Datum", "Utbildningsdagen, ÅÅÅÅ-MM-DD."],
        ["Utbildare", "Din e-postadress (Steg 2-utbildaren som höll utbildningen)."],
    ]
