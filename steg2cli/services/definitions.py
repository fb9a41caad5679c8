"""Programmes as data (rule 45): load a definition file into the register, list, show and export it."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from steg2cli import definitions, rules
from steg2cli.db import Database, changed, touched
from steg2cli.errors import BadInput, NotFound, RuleViolation
from steg2cli.files import write_bytes
from steg2cli.i18n import _
from steg2cli.models import (
    Attendance,
    DefinitionLoad,
    GatheringKindRow,
    LevelRow,
    Meeting,
    ObligationRow,
    ProgrammeRow,
    ProgrammeStepRow,
    School,
    SchoolProgramme,
    Step,
    StepKindRow,
)
from steg2cli.services import common


def programme_json(known: rules.Definition, programme: rules.ProgrammeKind) -> dict[str, Any]:
    """A programme as CLI.md describes it: code, name, steps (code, name, once, after)."""
    return {
        "code": programme.code,
        "name": programme.name,
        "aliases": list(programme.aliases),
        "steps": [
            {
                "code": code,
                "name": known.step_name(code),
                "once": known.steps[code].once if code in known.steps else True,
                "after": known.steps[code].after if code in known.steps else None,
            }
            for code in programme.steps
        ],
    }


def definition_json(known: rules.Definition) -> dict[str, Any]:
    """`programme list --json`: the programmes, the levels with every version of their obligations, and the
    gathering kinds."""
    return {
        "programmes": [programme_json(known, p) for p in known.programmes.values()],
        "levels": [
            {
                "code": level.code,
                "name": level.name,
                "obligations": [
                    {"kind": o.kind, "count": o.count, "from_year": o.from_year} for o in level.obligations
                ],
            }
            for level in known.levels.values()
        ],
        "gathering_kinds": [{"code": code, "name": name} for code, name in known.gatherings.items()],
    }


def list_all(db: Database) -> dict[str, Any]:
    with db.read() as session:
        return definition_json(common.definition(session))


def show(db: Database, code: str) -> dict[str, Any]:
    with db.read() as session:
        known = common.definition(session)
        found = known.programme_code(code)
        if found is None:
            raise NotFound(
                _("unknown programme '{text}' (use one of {join})").format(text=code, join=", ".join(known.programmes))
            )
        result = programme_json(known, known.programmes[found])
        result["runs"] = {
            "running": session.scalar(
                select(func.count())
                .select_from(SchoolProgramme)
                .where(SchoolProgramme.programme == found, SchoolProgramme.stopped_on.is_(None))
            )
            or 0,
            "all": session.scalar(
                select(func.count()).select_from(SchoolProgramme).where(SchoolProgramme.programme == found)
            )
            or 0,
        }
        return result


def export(db: Database, path: Path) -> dict[str, Any]:
    """The register's definition as TOML that `programme load` reads back."""
    with db.read() as session:
        known = common.definition(session)
    text = "# steg2 programme definition, written by `steg2 programme export`\n\n" + definitions.dump(known)
    write_bytes(path, text.encode("utf-8"))
    return {"path": str(path), **{k: len(v) for k, v in definition_json(known).items()}}


def _in_use(session: Session) -> tuple[dict[str, set[str]], set[str], int | None]:
    """What recorded history holds the definition to: the steps recorded per programme, the steps recorded
    more than once in one run (live), and the last year any attendance was recorded."""
    used: dict[str, set[str]] = {}
    for programme, step in session.execute(
        select(SchoolProgramme.programme, Step.step).join(Step, Step.run_id == SchoolProgramme.id).distinct()
    ):
        used.setdefault(programme, set()).add(step)
    twice = set(
        session.scalars(
            select(Step.step).where(Step.void_on.is_(None)).group_by(Step.run_id, Step.step).having(func.count() > 1)
        )
    )
    for (programme,) in session.execute(select(SchoolProgramme.programme).distinct()):
        used.setdefault(programme, set())
    latest = session.scalar(
        select(func.max(Meeting.meeting_date))
        .join(Attendance, Attendance.meeting_id == Meeting.id)
        .where(Attendance.void_on.is_(None))
    )
    return used, twice, latest.year if latest else None


def _out_of_order(session: Session, ordered: dict[str, str]) -> dict[str, definitions.OutOfOrder]:
    """For each step → the step it would now have to come after (rule 11): one run whose live record has it
    first or without that step, if any (the first school by name)."""

    def first(code: str) -> Any:
        """Each run's first live record of a step."""
        return (
            select(Step.run_id, func.min(Step.step_date).label("day"))
            .where(Step.step == code, Step.void_on.is_(None))
            .group_by(Step.run_id)
            .subquery()
        )

    found: dict[str, definitions.OutOfOrder] = {}
    for step, after in ordered.items():
        mine, theirs = first(step), first(after)
        row = session.execute(
            select(SchoolProgramme.programme, School.name, SchoolProgramme.id, mine.c.day, theirs.c.day)
            .select_from(mine)
            .join(SchoolProgramme, SchoolProgramme.id == mine.c.run_id)
            .join(School, School.id == SchoolProgramme.school_id)
            .outerjoin(theirs, theirs.c.run_id == mine.c.run_id)
            .where(or_(theirs.c.day.is_(None), theirs.c.day > mine.c.day))
            .order_by(School.name, SchoolProgramme.id)
            .limit(1)
        ).first()
        if row is not None:
            found[step] = definitions.OutOfOrder(row[0], row[1], row[2], row[3], row[4])
    return found


def _store(session: Session, old: rules.Definition, new: rules.Definition) -> list[str]:
    """Write `new` over `old` (rows added, renamed, a programme's step list and a level's obligations
    replaced); returns what changed, one line each."""
    done: list[str] = []
    for position, step in enumerate(new.steps.values()):
        step_before = old.steps.get(step.code)
        if step_before == step:
            continue
        step_row = session.get(StepKindRow, step.code) or StepKindRow(code=step.code, position=position)
        if step_before is None:
            session.add(step_row)
        step_row.name, step_row.once, step_row.after = step.name, step.once, step.after
        done.append(
            (_("step {code} added") if step_before is None else _("step {code} changed")).format(code=step.code)
        )
    session.flush()
    for position, programme in enumerate(new.programmes.values()):
        programme_before = old.programmes.get(programme.code)
        if programme_before == programme:
            continue
        programme_row = session.get(ProgrammeRow, programme.code) or ProgrammeRow(
            code=programme.code, position=position
        )
        if programme_before is None:
            session.add(programme_row)
        programme_row.name, programme_row.aliases = programme.name, "|".join(programme.aliases)
        session.flush()
        if programme_before is None or programme_before.steps != programme.steps:
            session.execute(delete(ProgrammeStepRow).where(ProgrammeStepRow.programme_code == programme.code))
            session.add_all(
                ProgrammeStepRow(programme_code=programme.code, step_code=code, position=i)
                for i, code in enumerate(programme.steps)
            )
        done.append(
            (_("programme {code} added") if programme_before is None else _("programme {code} changed")).format(
                code=programme.code
            )
        )
    for position, (code, name) in enumerate(new.gatherings.items()):
        if old.gatherings.get(code) == name:
            continue
        gathering_row = session.get(GatheringKindRow, code) or GatheringKindRow(code=code, position=position)
        if code not in old.gatherings:
            session.add(gathering_row)
        gathering_row.name = name
        done.append(
            (_("gathering {code} added") if code not in old.gatherings else _("gathering {code} changed")).format(
                code=code
            )
        )
    session.flush()
    for position, level in enumerate(new.levels.values()):
        level_before = old.levels.get(level.code)
        if level_before == level:
            continue
        level_row = session.get(LevelRow, level.code) or LevelRow(code=level.code, position=position)
        if level_before is None:
            session.add(level_row)
        level_row.name = level.name
        session.flush()
        if level_before is None or set(level_before.obligations) != set(level.obligations):
            session.execute(delete(ObligationRow).where(ObligationRow.level_code == level.code))
            session.add_all(
                ObligationRow(level_code=level.code, kind=o.kind, from_year=o.from_year, count=o.count)
                for o in level.obligations
            )
        done.append(
            (_("level {code} added") if level_before is None else _("level {code} changed")).format(code=level.code)
        )
    session.flush()
    return done


def load(db: Database, path: Path, dry_run: bool = False) -> dict[str, Any]:
    """Load a definition file (rule 45): checked whole against the register and what it has recorded, then
    written in one transaction, or refused with every problem and nothing written."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BadInput(_("cannot read {path}: {strerror}").format(path=path, strerror=exc.strerror)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadInput(_("{path} is not UTF-8 text").format(path=path)) from None
    try:
        loaded = definitions.parse(text)
    except ValueError as exc:
        raise BadInput(_("{path}: {problems}").format(path=path.name, problems=exc)) from None
    with db.write("programme load", rollback=dry_run) as session:
        old = common.definition(session)
        used, twice, last_year = _in_use(session)
        recorded = set().union(*used.values()) if used else set()
        ordered = {s: a for s, a in definitions.order_changes(old, loaded).items() if s in recorded}
        problems = definitions.check(old, loaded, used, twice, last_year, _out_of_order(session, ordered))
        if problems:
            raise RuleViolation(problems)
        new = definitions.merge(old, loaded)
        done = _store(session, old, new)
        session.info["definition"] = new
        record = DefinitionLoad(
            loaded_at=datetime.now(UTC).replace(tzinfo=None, microsecond=0),
            source=str(path.name)[:400],
            sha256=hashlib.sha256(raw).hexdigest(),
            summary="\n".join(done),
        )
        session.add(record)
        session.flush()
        touched(session, "definition", record.id)
        if done:
            changed(session, "definition", record.id, "changes", None, "; ".join(done))
        return {"changes": done, "dry_run": dry_run, "source": str(path), **definition_json(new)}
