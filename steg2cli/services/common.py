"""What every service needs: finding records from what the user typed, and refusing with rules."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from steg2cli import rules
from steg2cli.errors import BadInput, NotFound, RuleViolation
from steg2cli.i18n import _
from steg2cli.models import Course, Invoice, Municipality, Payer, School, Trainer

#: The largest id a database integer column holds (64 bits).
MAX_ID = 2**63 - 1


def record_id(text: str) -> int | None:
    """An id typed by a person: ASCII digits within 64 bits, else None (so that `99999999999999999999`
    is an unknown record, not an overflow)."""
    cleaned = text.strip()
    if not (cleaned.isascii() and cleaned.isdigit()) or len(cleaned) > 19 or int(cleaned) > MAX_ID:
        return None
    return int(cleaned)


def check(problems: Iterable[str]) -> None:
    """Raise every violation at once, or do nothing when there is none."""
    found = list(problems)
    if found:
        raise RuleViolation(found)


def iso(day: date | None) -> str | None:
    """A date as JSON wants it."""
    return None if day is None else day.isoformat()


def email(text: str) -> str:
    """A well-formed e-mail address (lower case), or BadInput."""
    try:
        return rules.normalize_email(text)
    except ValueError as exc:
        raise BadInput(str(exc)) from None


# ---- municipalities ---------------------------------------------------------------------------


def _all_municipalities(session: Session) -> dict[str, Municipality]:
    cache: dict[str, Municipality] | None = session.info.get("municipalities")
    if cache is None:
        cache = {m.code: m for m in session.scalars(select(Municipality))}
        session.info["municipalities"] = cache
    return cache


def municipality(session: Session, text: str | int) -> Municipality:
    """A municipality by 4-digit code (`2180`, also `180` for `0180`) or name (`Gävle`, any case)."""
    every = _all_municipalities(session)
    code = rules.municipality_code(text)
    if code is not None:
        if code in every:
            return every[code]
        raise NotFound(_("no municipality has the code {code}").format(code=code))
    wanted = rules.name_key(str(text))
    for found in every.values():
        if rules.name_key(found.name) == wanted:
            return found
    hint = did_you_mean(str(text), [m.name for m in every.values()])
    raise NotFound(_("unknown municipality '{text}'{hint}").format(text=text, hint=hint))


_municipality = municipality  # for functions whose `municipality` parameter hides it


def did_you_mean(text: str, names: Iterable[str]) -> str:
    """`; did you mean Gävle?` for a misspelled name (accents and case aside), else empty."""
    import difflib

    folded = {rules.fold_accents(name): name for name in names}
    close = difflib.get_close_matches(rules.fold_accents(text.strip()), list(folded), n=3, cutoff=0.75)
    return _("; did you mean {names}?").format(names=_(" or ").join(folded[c] for c in close)) if close else ""


def municipality_json(found: Municipality | None) -> dict[str, str] | None:
    """`{"code", "name"}` for JSON output."""
    return None if found is None else {"code": found.code, "name": found.name}


def place_name(session: Session, code: str) -> str:
    """`Gävle (2180)` for a municipality code."""
    found = municipality_by_code(session, code)
    return f"{found.name} ({code})" if found else code


def municipality_by_code(session: Session, code: str | None) -> Municipality | None:
    """The municipality with this code from the per-session cache."""
    return None if code is None else _all_municipalities(session)[code]


# ---- trainers and courses ---------------------------------------------------------------------


def trainer(session: Session, ref: str | int) -> Trainer:
    """A trainer by id or e-mail address."""
    text = str(ref).strip()
    if text.isdigit():
        number = record_id(text)
        found = session.get(Trainer, number) if number is not None else None
    elif "@" in text:
        found = session.scalar(select(Trainer).where(Trainer.email == text.lower()))
    else:
        raise NotFound(_("unknown trainer '{text}': give the trainer's id or e-mail address").format(text=text))
    if found is None:
        raise NotFound(_("unknown trainer '{text}'").format(text=text))
    return found


def course(session: Session, ref: str | int) -> Course:
    """A course by id."""
    text = str(ref).strip()
    number = record_id(text)
    found = session.get(Course, number) if number is not None else None
    if found is None:
        raise NotFound(_("unknown course '{text}'").format(text=text))
    return found


def definition(session: Session) -> rules.Definition:
    """The register's programmes, steps, levels and gathering kinds (rule 45), read once per session."""
    found = session.info.get("definition")
    if found is None:
        found = session.info["definition"] = _read_definition(session)
    return found


def _read_definition(session: Session) -> rules.Definition:
    from steg2cli.models import (
        GatheringKindRow,
        LevelRow,
        ObligationRow,
        ProgrammeRow,
        ProgrammeStepRow,
        StepKindRow,
    )

    listed: dict[str, list[str]] = {}
    for programme_code, step_code in session.execute(
        select(ProgrammeStepRow.programme_code, ProgrammeStepRow.step_code).order_by(
            ProgrammeStepRow.programme_code, ProgrammeStepRow.position
        )
    ):
        listed.setdefault(programme_code, []).append(step_code)
    programmes = {
        code: rules.ProgrammeKind(code, name, tuple(listed.get(code, ())), tuple(a for a in aliases.split("|") if a))
        for code, name, aliases in session.execute(
            select(ProgrammeRow.code, ProgrammeRow.name, ProgrammeRow.aliases).order_by(ProgrammeRow.position)
        )
    }
    steps = {
        code: rules.StepKind(code, name, bool(once), after)
        for code, name, once, after in session.execute(
            select(StepKindRow.code, StepKindRow.name, StepKindRow.once, StepKindRow.after).order_by(
                StepKindRow.position
            )
        )
    }
    obligations: dict[str, list[rules.Obligation]] = {}
    for level_code, kind, from_year, count in session.execute(
        select(ObligationRow.level_code, ObligationRow.kind, ObligationRow.from_year, ObligationRow.count).order_by(
            ObligationRow.level_code, ObligationRow.from_year, ObligationRow.kind
        )
    ):
        obligations.setdefault(level_code, []).append(rules.Obligation(kind, count, from_year))
    levels = {
        code: rules.Level(code, name, tuple(obligations.get(code, ())))
        for code, name in session.execute(select(LevelRow.code, LevelRow.name).order_by(LevelRow.position))
    }
    gatherings = dict(
        session.execute(select(GatheringKindRow.code, GatheringKindRow.name).order_by(GatheringKindRow.position)).all()
    )
    return rules.Definition(programmes, steps, levels, gatherings)


def programme(session: Session, text: str) -> rules.ProgrammeKind:
    """A programme of the definition (`mvp-ms`, `mvp-hs`, `mvp-gy`, `at` in MÄN's) from a code, name or alias."""
    known = definition(session)
    code = known.programme_code(text)
    if code is None:
        raise BadInput(
            _("unknown programme '{text}' (use one of {join})").format(text=text, join=", ".join(known.programmes))
        )
    return known.programmes[code]


def level(session: Session, code: str) -> rules.Level:
    """A trainer level of the definition (`steg2` in MÄN's)."""
    known = definition(session)
    found = known.levels.get(code.strip().casefold())
    if found is None:
        raise BadInput(_("unknown level '{code}' (use one of {join})").format(code=code, join=", ".join(known.levels)))
    return found


# ---- schools and their payers ---------------------------------------------------------------


def find_school(session: Session, ref: str | int, municipality: str | None = None) -> School:
    """A school by id, or by name where the name is unique (`municipality` narrows)."""
    text = str(ref).strip()
    if text.isdigit():
        number = record_id(text)
        found = session.get(School, number) if number is not None else None
        if found is None:
            raise NotFound(_("unknown school '{text}'").format(text=text))
        return found
    query = select(School).where(School.name_key == rules.name_key(text))
    if municipality is not None:
        query = query.where(School.municipality_code == _municipality(session, municipality).code)
    candidates = list(session.scalars(query.order_by(School.id)))
    if not candidates:
        where = (
            _(" in {municipality}").format(municipality=_municipality(session, municipality).name)
            if municipality
            else ""
        )
        # Only on this path (a name that matched nothing) are the names read, to suggest the one meant.
        names = select(School.name)
        if municipality is not None:
            names = names.where(School.municipality_code == _municipality(session, municipality).code)
        hint = did_you_mean(text, set(session.scalars(names)))
        raise NotFound(_("unknown school '{text}'{where}{hint}").format(text=text, where=where, hint=hint))
    if len(candidates) > 1:
        listed = ", ".join(
            f"{s.id} ({municipality_by_code(session, s.municipality_code).name})"  # type: ignore[union-attr]
            for s in candidates
        )
        raise NotFound(
            _("{candidates_count} schools are called '{text}': {listed}; give the id or --municipality").format(
                candidates_count=len(candidates), text=text, listed=listed
            )
        )
    return candidates[0]


def municipality_payers(session: Session) -> dict[str, int]:
    """Municipality code → its payer's id (cached for the session)."""
    cache: dict[str, int] | None = session.info.get("municipality_payers")
    if cache is None:
        cache = {
            str(code): payer_id
            for payer_id, code in session.execute(select(Payer.id, Payer.code).where(Payer.code.is_not(None)))
        }
        session.info["municipality_payers"] = cache
    return cache


def school_payer_json(session: Session, school: School) -> dict[str, Any]:
    """`{"id", "code", "name"}` of the payer of a school's own agreements."""
    payer_id = school.payer_id or municipality_payers(session)[school.municipality_code]
    # Every payer's name in one query, cached for the session (a few hundred rows: the municipalities and
    # the independent schools' companies), instead of one look-up per school.
    cache: dict[int, dict[str, Any]] | None = session.info.get("payer_json")
    if cache is None:
        cache = {
            pid: {"id": pid, "code": code, "name": name}
            for pid, code, name in session.execute(select(Payer.id, Payer.code, Payer.name))
        }
        session.info["payer_json"] = cache
    return dict(cache[payer_id])


T = TypeVar("T")


def chunks(items: Sequence[T], size: int = 500) -> list[Sequence[T]]:
    """`items` in slices of at most `size`: an IN list each database takes without complaint."""
    return [items[i : i + size] for i in range(0, len(items), size)]


# ---- invoice numbers as a person sees them ----------------------------------------------------------


def shown_number(number: int, old_number: str | None) -> int | str:
    """An invoice as a person sees and types it: steg2's own by its number, one taken over from the old
    system (rule 37: a negative internal number outside the series) by its old number."""
    return old_number if old_number is not None else number


def shown_numbers(session: Session, numbers: Iterable[int | None]) -> dict[int, int | str]:
    """`shown_number` of each of these invoices (None left out); only old invoices are looked up."""
    wanted = {n for n in numbers if n is not None}
    old = sorted(n for n in wanted if n < 0)
    found: dict[int, str | None] = {}
    for chunk in chunks(old):
        for number, old_number in session.execute(
            select(Invoice.number, Invoice.old_number).where(Invoice.number.in_(chunk))
        ):
            found[number] = old_number
    return {n: shown_number(n, found.get(n)) for n in wanted}


def shown(session: Session, number: int) -> int | str:
    """One invoice's `shown_number`."""
    return shown_numbers(session, [number])[number]


def refresh_activity(session: Session, *where: Any) -> None:
    """Work out again the stored activity dates of the programme runs matching `where` (all, if none):
    `last_activity_on`, the start or the latest live step, and `last_report_on`, the start or the latest
    report of a live trainee of the run's school and programme. Every write that adds or voids a step or a
    trainee calls it for the runs it touched, so the dashboard can trust them (issue 17)."""
    from typing import cast

    from sqlalchemy import Table, case, func, update

    from steg2cli.models import SchoolProgramme, Step, Trainee

    runs = cast(Table, SchoolProgramme.__table__)
    latest_step = (
        select(func.max(Step.step_date)).where(Step.run_id == runs.c.id, Step.void_on.is_(None)).scalar_subquery()
    )
    latest_report = (
        select(func.max(Trainee.reported_on))
        .where(Trainee.school_id == runs.c.school_id, Trainee.programme == runs.c.programme, Trainee.void_on.is_(None))
        .scalar_subquery()
    )
    session.flush()  # a plain Core statement does not flush the session first
    session.execute(
        update(runs)
        .where(*where)
        .values(
            last_activity_on=case((latest_step > runs.c.start, latest_step), else_=runs.c.start),
            last_report_on=case((latest_report > runs.c.start, latest_report), else_=runs.c.start),
        )
    )


def count_and_first(session: Session, query: Any, order: Sequence[Any], most: int) -> tuple[int, list[Any]]:
    """How many rows `query` gives, and its first `most` in `order`: the database counts them, and sorts
    (keeping only the first few) when there is anything to show."""
    from sqlalchemy import func

    count = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    return count, (list(session.execute(query.order_by(*order).limit(most))) if count else [])
