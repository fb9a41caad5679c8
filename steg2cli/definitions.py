"""Programme definitions (rule 45): read a TOML file into a `rules.Definition`, check it whole, and write
one back. Pure: no database (services.definitions keeps them in the register), no clock.

The format (CLI.md): `[[programme]]` (code, name, steps, aliases), `[[step]]` (code, name, once, after),
`[[level]]` (code, name, obligations = [{kind, count}], from_year), `[[gathering]]` (code, name).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

from steg2cli.i18n import _
from steg2cli.rules import Definition, Level, Obligation, ProgrammeKind, StepKind

CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_KEYS = {
    "programme": {"code", "name", "steps", "aliases"},
    "step": {"code", "name", "once", "after"},
    "level": {"code", "name", "obligations", "from_year"},
    "gathering": {"code", "name"},
}
FIRST_YEAR = 0  # obligations without from_year hold from the beginning


def empty() -> Definition:
    return Definition({}, {}, {}, {})


@lru_cache(maxsize=1)
def default_text() -> str:
    """MÄN's definition as shipped (steg2cli/data/programmes.toml)."""
    return resources.files("steg2cli").joinpath("data/programmes.toml").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def default() -> Definition:
    """MÄN's definition: the four programmes, six steps and the level `steg2` (rules 10, 11, 21)."""
    return parse(default_text())


def _text(where: str, table: dict[str, Any], key: str, problems: list[str], required: bool = True) -> str:
    value = table.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        problems.append(_("{where}: '{key}' must be a non-empty text").format(where=where, key=key))
        return ""
    return " ".join(value.split())


def _code(where: str, table: dict[str, Any], problems: list[str]) -> str:
    code = _text(where, table, "code", problems)
    if code and not CODE.match(code):
        problems.append(
            _("{where}: code '{code}' must be lower-case letters, digits and '-' (at most 40)").format(
                where=where, code=code
            )
        )
    return code


def parse(text: str) -> Definition:
    """A definition from TOML text; raises ValueError listing every problem (nothing is partial)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(_("not a valid TOML file: {error}").format(error=exc)) from None
    except RecursionError:  # arrays nested thousands deep: no definition looks like that
        raise ValueError(_("not a valid TOML file: {error}").format(error=_("nested too deeply"))) from None
    problems: list[str] = []
    for key in data:
        if key not in _KEYS:
            problems.append(
                _("unknown table '{key}' (use {keys})").format(key=key, keys=", ".join(f"[[{k}]]" for k in _KEYS))
            )
    tables: dict[str, list[dict[str, Any]]] = {}
    for kind in _KEYS:
        value = data.get(kind, [])
        if not isinstance(value, list) or not all(isinstance(t, dict) for t in value):
            problems.append(_("'{kind}' must be written [[{kind}]]").format(kind=kind))
            value = []
        tables[kind] = value
    seen: dict[str, set[str]] = {kind: set() for kind in _KEYS}

    def where_of(kind: str, index: int, table: dict[str, Any]) -> str:
        code = table.get("code")
        return f"[[{kind}]] {index + 1}" + (f" ({code})" if isinstance(code, str) else "")

    def check_keys(kind: str, where: str, table: dict[str, Any]) -> None:
        for key in table:
            if key not in _KEYS[kind]:
                problems.append(
                    _("{where}: unknown key '{key}' (use {keys})").format(
                        where=where, key=key, keys=", ".join(sorted(_KEYS[kind]))
                    )
                )

    def unique(kind: str, where: str, code: str) -> None:
        if code and code in seen[kind]:
            problems.append(_("{where}: code '{code}' is defined twice").format(where=where, code=code))
        seen[kind].add(code)

    steps: dict[str, StepKind] = {}
    for i, table in enumerate(tables["step"]):
        where = where_of("step", i, table)
        check_keys("step", where, table)
        code, name = _code(where, table, problems), _text(where, table, "name", problems)
        unique("step", where, code)
        once = table.get("once", True)
        if not isinstance(once, bool):
            problems.append(_("{where}: 'once' is true or false").format(where=where))
            once = True
        after = table.get("after")
        if after is not None and (not isinstance(after, str) or not after.strip()):
            problems.append(_("{where}: 'after' names a step").format(where=where))
            after = None
        steps[code] = StepKind(code, name, once, after.strip() if after else None)

    programmes: dict[str, ProgrammeKind] = {}
    for i, table in enumerate(tables["programme"]):
        where = where_of("programme", i, table)
        check_keys("programme", where, table)
        code, name = _code(where, table, problems), _text(where, table, "name", problems)
        unique("programme", where, code)
        listed = table.get("steps", [])
        aliases = table.get("aliases", [])
        if not isinstance(listed, list) or not all(isinstance(s, str) for s in listed):
            problems.append(_("{where}: 'steps' is a list of step codes").format(where=where))
            listed = []
        if len(set(listed)) != len(listed):
            problems.append(_("{where}: a step is listed twice").format(where=where))
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
            problems.append(_("{where}: 'aliases' is a list of names").format(where=where))
            aliases = []
        programmes[code] = ProgrammeKind(code, name, tuple(listed), tuple(" ".join(a.split()) for a in aliases))

    gatherings: dict[str, str] = {}
    for i, table in enumerate(tables["gathering"]):
        where = where_of("gathering", i, table)
        check_keys("gathering", where, table)
        code, name = _code(where, table, problems), _text(where, table, "name", problems)
        unique("gathering", where, code)
        gatherings[code] = name

    levels: dict[str, Level] = {}
    for i, table in enumerate(tables["level"]):
        where = where_of("level", i, table)
        check_keys("level", where, table)
        code, name = _code(where, table, problems), _text(where, table, "name", problems)
        from_year = table.get("from_year", FIRST_YEAR)
        if not isinstance(from_year, int) or isinstance(from_year, bool) or not FIRST_YEAR <= from_year <= 9999:
            problems.append(_("{where}: 'from_year' is a year such as 2027").format(where=where))
            from_year = FIRST_YEAR
        obligations: list[Obligation] = []
        listed = table.get("obligations", [])
        if not isinstance(listed, list):
            listed = [listed]
        for item in listed:
            if not isinstance(item, dict) or set(item) - {"kind", "count"} or "kind" not in item:
                problems.append(_('{where}: an obligation is {{ kind = "…", count = N }}').format(where=where))
                continue
            count = item.get("count", 1)
            if not isinstance(count, int) or isinstance(count, bool) or not 0 <= count <= 100:
                problems.append(_("{where}: an obligation's count is a whole number from 0 to 100").format(where=where))
                continue
            if any(o.kind == item["kind"] for o in obligations):
                problems.append(
                    _("{where}: the obligation '{kind}' is given twice").format(where=where, kind=item["kind"])
                )
            obligations.append(Obligation(str(item["kind"]), count, from_year))
        earlier = levels.get(code)
        if earlier is not None and any(o.from_year == from_year for o in earlier.obligations):
            problems.append(_("{where}: code '{code}' is defined twice").format(where=where, code=code))
        every = (earlier.obligations if earlier else ()) + tuple(obligations)
        levels[code] = Level(code, name, tuple(sorted(every, key=lambda o: (o.from_year, o.kind))))

    if problems:
        raise ValueError("; ".join(problems))
    return Definition(programmes, steps, levels, gatherings)


def merge(current: Definition, loaded: Definition) -> Definition:
    """What the register holds after loading `loaded` over `current`: programmes, steps, levels and gathering
    kinds are added or renamed; a programme's step list is replaced; a level's obligations change from the
    loaded `from_year` on (earlier versions stay)."""
    levels = dict(current.levels)
    for code, level in loaded.levels.items():
        old = levels.get(code)
        if old is None:
            levels[code] = level
            continue
        start = min((o.from_year for o in level.obligations), default=None)
        kept = tuple(o for o in old.obligations if start is None or o.from_year < start)
        levels[code] = replace(
            old,
            name=level.name,
            obligations=tuple(sorted(kept + level.obligations, key=lambda o: (o.from_year, o.kind))),
        )
    return Definition(
        {**current.programmes, **loaded.programmes},
        {**current.steps, **loaded.steps},
        levels,
        {**current.gatherings, **loaded.gatherings},
    )


@dataclass(frozen=True)
class OutOfOrder:
    """A programme run that recorded a step before the step it would now have to come after (or without it):
    the example a refused change of `after` names."""

    programme: str
    school: str
    run_id: int
    #: The step's first date in the run, and the other step's (None: never recorded in the run).
    day: date
    after_day: date | None


def order_changes(current: Definition, loaded: Definition) -> dict[str, str]:
    """The steps whose `after` loading `loaded` sets or changes: step → the step it must now come after."""
    merged = merge(current, loaded)
    return {
        code: kind.after
        for code, kind in merged.steps.items()
        if kind.after is not None and (code not in current.steps or current.steps[code].after != kind.after)
    }


def check(
    current: Definition,
    loaded: Definition,
    steps_in_use: dict[str, set[str]],
    twice_recorded: set[str],
    last_year_recorded: int | None,
    out_of_order: Mapping[str, OutOfOrder] | None = None,
) -> list[str]:
    """Rule 45: what loading `loaded` over `current` would break. `steps_in_use` maps a programme to the steps
    recorded for it; `twice_recorded` holds the steps recorded more than once in a run; the obligations of
    a level may change only from a year after the last year with attendance recorded (`last_year_recorded`);
    `out_of_order` holds, for a step whose `after` the load changes (`order_changes`), a run that recorded it
    before that step or without it."""
    merged = merge(current, loaded)
    problems: list[str] = []
    changes = order_changes(current, loaded)
    for step, example in sorted((out_of_order or {}).items()):
        if step not in changes:
            continue
        where = {
            "step": step,
            "after": changes[step],
            "programme": example.programme,
            "school": example.school,
            "run": example.run_id,
            "day": example.day.isoformat(),
        }
        if example.after_day is None:
            problems.append(
                _(
                    "step '{step}' cannot come after '{after}': recorded history has it without '{after}', e.g. "
                    "{school} (run {run} of '{programme}') on {day}"
                ).format(**where)
            )
        else:
            problems.append(
                _(
                    "step '{step}' cannot come after '{after}': recorded history has it first, e.g. {school} "
                    "(run {run} of '{programme}') on {day}, '{after}' on {after_day}"
                ).format(**where, after_day=example.after_day.isoformat())
            )
    for programme in merged.programmes.values():
        for step in programme.steps:
            if step not in merged.steps:
                problems.append(
                    _("programme '{programme}' lists the unknown step '{step}'").format(
                        programme=programme.code, step=step
                    )
                )
        if not programme.steps:
            problems.append(_("programme '{programme}' has no steps").format(programme=programme.code))
        for step in sorted(steps_in_use.get(programme.code, set()) - set(programme.steps)):
            problems.append(
                _("step '{step}' is recorded for '{programme}' and cannot be removed from it").format(
                    step=step, programme=programme.code
                )
            )
    for kind in merged.steps.values():
        if kind.after is not None and kind.after not in merged.steps:
            problems.append(
                _("step '{step}' comes after the unknown step '{after}'").format(step=kind.code, after=kind.after)
            )
        seen, cursor = {kind.code}, kind.after
        while cursor is not None and cursor in merged.steps:
            if cursor in seen:
                problems.append(_("step '{step}' comes after itself").format(step=kind.code))
                break
            seen.add(cursor)
            cursor = merged.steps[cursor].after
        if kind.once and kind.code in twice_recorded:
            problems.append(
                _("step '{step}' is recorded more than once in a run and cannot become once-only").format(
                    step=kind.code
                )
            )
    for level in merged.levels.values():
        for obligation in level.obligations:
            if obligation.kind not in merged.gatherings:
                problems.append(
                    _("level '{level}' names the unknown gathering kind '{kind}'").format(
                        level=level.code, kind=obligation.kind
                    )
                )
    for code, level in loaded.levels.items():
        old = current.levels.get(code)
        if old is None or set(old.obligations) == set(level.obligations):
            continue
        start = min((o.from_year for o in level.obligations), default=FIRST_YEAR)
        if start == FIRST_YEAR or (last_year_recorded is not None and start <= last_year_recorded):
            problems.append(
                _("level '{level}' changes obligations already judged: give from_year, a year after {year}").format(
                    level=code, year=last_year_recorded if last_year_recorded is not None else "—"
                )
            )
    return problems


def _string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def dump(definition: Definition) -> str:
    """A definition as TOML that `parse` reads back to the same (one [[level]] per obligations version)."""
    lines: list[str] = []
    for programme in definition.programmes.values():
        lines += ["[[programme]]", f"code = {_string(programme.code)}", f"name = {_string(programme.name)}"]
        if programme.aliases:
            lines.append("aliases = [" + ", ".join(_string(a) for a in programme.aliases) + "]")
        lines += ["steps = [" + ", ".join(_string(s) for s in programme.steps) + "]", ""]
    for step in definition.steps.values():
        lines += ["[[step]]", f"code = {_string(step.code)}", f"name = {_string(step.name)}"]
        lines.append(f"once = {'true' if step.once else 'false'}")
        if step.after:
            lines.append(f"after = {_string(step.after)}")
        lines.append("")
    for level in definition.levels.values():
        years = sorted({o.from_year for o in level.obligations}) or [FIRST_YEAR]
        for year in years:
            lines += ["[[level]]", f"code = {_string(level.code)}", f"name = {_string(level.name)}"]
            if year != FIRST_YEAR:
                lines.append(f"from_year = {year}")
            items = [
                f"{{ kind = {_string(o.kind)}, count = {o.count} }}" for o in level.obligations if o.from_year == year
            ]
            lines += ["obligations = [" + ", ".join(items) + "]", ""]
    for code, name in definition.gatherings.items():
        lines += ["[[gathering]]", f"code = {_string(code)}", f"name = {_string(name)}", ""]
    return "\n".join(lines)
