"""The domain rules of DOMAIN.md, as pure functions.

Nothing here touches a database, a terminal or the clock: "today" is always a parameter. Checks return
a list of violation messages (empty when the request is allowed); the services raise them as one
`RuleViolation`. The rule numbers in the docstrings are those of DOMAIN.md.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from operator import itemgetter
from typing import Any, NamedTuple, TypeVar

from dateutil.relativedelta import relativedelta

from steg2cli.i18n import N_, _

_T = TypeVar("_T")

# --------------------------------------------------------------------------------------------------
# Values: programmes, dates, e-mail addresses, money

# Programmes, their steps, trainer levels and gathering kinds are data (rule 45): a definition, read by
# steg2cli.definitions from TOML and kept in the register, fills in the few rule kinds below.


@dataclass(frozen=True)
class StepKind:
    """A step of a programme: once only or repeatable, and the step that must come first (rule 11)."""

    code: str
    name: str
    once: bool = True
    after: str | None = None


@dataclass(frozen=True)
class ProgrammeKind:
    """A programme: its code, name, other names it is known by, and its steps in their usual order."""

    code: str
    name: str
    steps: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Obligation:
    """A trainer level's yearly obligation (rule 21): attend `count` gatherings of `kind` each calendar year,
    from `from_year` on (until a later version of the level's obligations)."""

    kind: str
    count: int
    from_year: int = 0


@dataclass(frozen=True)
class Level:
    """A trainer level and every version of its obligations."""

    code: str
    name: str
    obligations: tuple[Obligation, ...] = ()


@dataclass(frozen=True)
class Definition:
    """Programmes, steps, levels and gathering kinds (rule 45), as the register holds them."""

    programmes: dict[str, ProgrammeKind]
    steps: dict[str, StepKind]
    levels: dict[str, Level]
    gatherings: dict[str, str]

    def programme_code(self, text: str) -> str | None:
        """The programme code for a code, a name or an alias (`mvp-hs`, `MVP högstadiet`), else None."""
        wanted = " ".join(text.split()).casefold()
        for programme in self.programmes.values():
            if wanted in {programme.code.casefold(), programme.name.casefold()} | {
                " ".join(a.split()).casefold() for a in programme.aliases
            }:
                return programme.code
        return None

    def programme_name(self, code: str) -> str:
        """A programme's name (its code when it is unknown)."""
        found = self.programmes.get(code)
        return found.name if found else code

    def step_name(self, code: str) -> str:
        """A step's name (its code when it is unknown)."""
        found = self.steps.get(code)
        return found.name if found else code


def programme_code(text: str, definition: Definition) -> str | None:
    """The programme code for a code or name of the definition, else None."""
    return definition.programme_code(text)


def once_key(step: StepKind) -> str | None:
    """Rule 11 in the database: a once-only step's key in the unique index uq_steps_once (run, key); a
    repeatable step has none, so it can be recorded any number of times."""
    return step.code if step.once else None


def obligations_for(level: Level | None, year: int) -> dict[str, int]:
    """Rule 21 per level: the gatherings (kind → count) a trainer of the level attends in `year`: the
    obligations of the latest version starting in or before that year (none before the first)."""
    if level is None:
        return {}
    versions = sorted({o.from_year for o in level.obligations if o.from_year <= year})
    if not versions:
        return {}
    return {o.kind: o.count for o in level.obligations if o.from_year == versions[-1]}


def parse_date(text: str | date | datetime) -> date:
    """An ISO date `YYYY-MM-DD` (a datetime keeps its day); raises ValueError with a plain message."""
    if isinstance(text, datetime):
        return _within_range(text.date(), text.date())
    if isinstance(text, date):
        return _within_range(text, text)
    cleaned = text.strip()
    if " " in cleaned or "T" in cleaned:  # Excel text such as "2025-03-01 00:00:00"
        cleaned = re.split(r"[ T]", cleaned, maxsplit=1)[0]
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", cleaned):
        raise ValueError(_("'{text}' is not a date (use YYYY-MM-DD)").format(text=text))
    try:
        parsed = date.fromisoformat(cleaned)
    except ValueError:
        raise ValueError(_("'{text}' is not a date (no such day)").format(text=text)) from None
    return _within_range(parsed, text)


#: The days steg2 takes: from 1900 (no register reaches further back) to 2199 (nothing is planned later),
#: which keeps every date arithmetic (a year added, thirty days added) inside what Python can represent.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2199, 12, 31)


def _within_range(day: date, text: object) -> date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(
            _("'{text}' is outside the dates steg2 takes ({first_day} to {last_day})").format(
                text=text, first_day=FIRST_DAY.isoformat(), last_day=LAST_DAY.isoformat()
            )
        )
    return day


def year_allowed(year: int) -> list[str]:
    """A calendar year steg2 takes (1900-2199)."""
    if not FIRST_DAY.year <= year <= LAST_DAY.year:
        return [
            _("the year {year} is outside the years steg2 takes ({first} to {last})").format(
                year=year, first=FIRST_DAY.year, last=LAST_DAY.year
            )
        ]
    return []


_LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
_LABEL = r"[A-Za-z0-9\u00c0-\u024f](?:[A-Za-z0-9\u00c0-\u024f-]{0,61}[A-Za-z0-9\u00c0-\u024f])?"
_EMAIL = re.compile(rf"{_LOCAL}@(?:{_LABEL}\.)+[A-Za-z\u00c0-\u024f]{{2,63}}")


def normalize_email(text: str) -> str:
    """A well-formed e-mail address in lower case; raises ValueError for anything else."""
    cleaned = text.strip()
    if len(cleaned) > 254 or not _EMAIL.fullmatch(cleaned) or len(cleaned.split("@")[0]) > 64:
        raise ValueError(_("'{text}' is not an e-mail address").format(text=text))
    return cleaned.lower()


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_OR_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
NAME_MAX = 200
#: The longest text steg2 takes in one field (a note, an address); names and reasons have their own limits.
TEXT_MAX = 2000


def has_control_characters(text: str, multiline: bool = False) -> bool:
    """True for text holding a control character (ESC, NUL, …); tab and newline are allowed only in text
    that may span lines (a note, an address)."""
    return bool((_CONTROL if multiline else _CONTROL_OR_LINE).search(text))


_ERASED_EMAIL = re.compile(r"raderad-\d+@invalid")


def is_erased_email(text: str) -> bool:
    """Rule 23: the address an erased person was given in place of theirs (`raderad-15@invalid`)."""
    return _ERASED_EMAIL.fullmatch(text.strip()) is not None


def name_key(name: str) -> str:
    """How two spellings of a name compare: case-insensitive, spaces folded."""
    return " ".join(name.split()).casefold()


def fold_accents(text: str) -> str:
    """`Gävle` → `gavle`: for suggesting what the user may have meant."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def municipality_code(text: str | int) -> str | None:
    """A 4-digit municipality code from user or Excel input (180 or "180" → "0180"), else None."""
    cleaned = str(text).strip()
    if cleaned.endswith(".0"):  # a number cell read back as float text
        cleaned = cleaned[:-2]
    if cleaned.isdigit() and 1 <= len(cleaned) <= 4:
        return cleaned.zfill(4)
    return None


_AMOUNT = re.compile(r"(\d{1,3}(?: \d{3})+|\d+)(?:[.,](\d{1,2}))?")
MAX_AMOUNT_ORE = 100_000_000_000  # 1 000 000 000 kr: anything larger is a typing mistake


def parse_kr(text: str) -> int:
    """An amount in kronor as typed (`10000`, `10 000`, `10000,50`, `10000.5`, `10 000 kr`) → whole öre.

    Digits with an optional decimal comma or point and at most two decimals: no exponent, no `_`, no
    sign, no `Infinity` or `NaN`. Never a float."""
    cleaned = " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())
    cleaned = cleaned.removesuffix("kr").removesuffix(":-").strip()
    match = _AMOUNT.fullmatch(cleaned) if cleaned.isascii() else None
    if match is None:
        raise ValueError(
            _("'{text}' is not an amount in kronor (digits, a decimal comma, at most two decimals)").format(text=text)
        )
    ore = int(match[1].replace(" ", "")) * 100 + int((match[2] or "0").ljust(2, "0"))
    if ore > MAX_AMOUNT_ORE:
        raise ValueError(_("'{text}' is more than 1 000 000 000 kr").format(text=text))
    return ore


def format_kr(ore: int) -> str:
    """Öre as Swedes read money: 1000000 → `10 000,00 kr`."""
    sign = "-" if ore < 0 else ""
    kronor, rest = divmod(abs(ore), 100)
    return f"{sign}{kronor:,}".replace(",", " ") + f",{rest:02d} kr"


_PERCENT = re.compile(r"(\d{1,3})(?:[.,](\d{1,2}))?")


def parse_percent(text: str) -> int:
    """A VAT rate in percent (`25`, `6`, `12,5`, `25 %`) → basis points (2500).

    Digits with an optional decimal comma or point and at most two decimals, as `parse_kr` takes kronor: no
    sign, exponent, `NaN` or `Infinity`, and only ASCII digits."""
    cleaned = text.strip().removesuffix("%").strip()
    match = _PERCENT.fullmatch(cleaned) if cleaned.isascii() else None
    if match is None:
        raise ValueError(_("'{text}' is not a percentage").format(text=text))
    bp = int(match[1]) * 100 + int((match[2] or "0").ljust(2, "0"))
    if bp > 10_000:
        raise ValueError(_("'{text}' is not a VAT rate between 0 and 100 %").format(text=text))
    return bp


# --------------------------------------------------------------------------------------------------
# Rule 0: what happened cannot be dated after today


def not_in_future(what: str, day: date, today: date) -> list[str]:
    """Rule 0: a record of something that happened cannot be dated after today."""
    if day > today:
        return [
            _("{what} is dated {day}, after today ({today})").format(
                what=what, day=day.isoformat(), today=today.isoformat()
            )
        ]
    return []


# --------------------------------------------------------------------------------------------------
# Rules 1-3: eligibility and courses


def trainer_eligibility(basic_training: date, series_held: date, appointed_by: str, today: date) -> list[str]:
    """Rule 1: grundutbildning done, the whole series held after it, and appointed by a named person."""
    problems = not_in_future(_("the grundutbildning"), basic_training, today)
    problems += not_in_future(_("the programme series"), series_held, today)
    if series_held < basic_training:
        problems.append(
            _("the programme series ({series_held}) must be held after the grundutbildning ({basic_training})").format(
                series_held=series_held.isoformat(), basic_training=basic_training.isoformat()
            )
        )
    return problems + appointment(appointed_by)


PURCHASED_COURSE_MAX = 10


def course_enrolment(
    kind: str,
    course_municipality: str | None,
    participant_municipality: str,
    participants_so_far: int,
    completed: bool,
    cancelled: bool = False,
    names: dict[str, str] | None = None,
) -> list[str]:
    """Rule 2: a purchased course takes at most 10 participants, all from its municipality (`names`: how
    to call the municipalities in the message, `Gävle (2180)`)."""
    if completed:
        return [_("the course is already completed; enrol participants before completing it")]
    if cancelled:
        return [_("the course is cancelled")]
    if kind != "purchased":
        return []
    problems = []
    if participants_so_far >= PURCHASED_COURSE_MAX:
        problems.append(
            _("a purchased course takes at most {purchased_course_max} participants; this one is full").format(
                purchased_course_max=PURCHASED_COURSE_MAX
            )
        )
    if participant_municipality != course_municipality:
        problems.append(
            _(
                "a purchased course takes participants from its own municipality only ({course_municipality}),"
                " not from {participant_municipality}"
            ).format(
                course_municipality=(names or {}).get(course_municipality or "", course_municipality),
                participant_municipality=(names or {}).get(participant_municipality, participant_municipality),
            )
        )
    return problems


def course_definition(kind: str, municipality: str | None) -> list[str]:
    """Rule 2: a purchased course belongs to one municipality; an open one is held in Stockholm for all."""
    if kind not in ("open", "purchased"):
        return [_("course kind must be 'open' or 'purchased', not '{kind}'").format(kind=kind)]
    if kind == "purchased" and municipality is None:
        return [_("a purchased course belongs to one municipality: give --municipality")]
    return []


def course_completion(
    course_date: date, completed_on: date, already: date | None, today: date, cancelled_on: date | None = None
) -> list[str]:
    """Rule 0 and 3: a course is completed once, on or after its date, not in the future, unless cancelled."""
    if cancelled_on is not None:
        return [_("the course was cancelled on {cancelled_on}").format(cancelled_on=cancelled_on.isoformat())]
    if already is not None:
        return [_("the course was already completed on {already}").format(already=already.isoformat())]
    problems = not_in_future(_("the completion"), completed_on, today)
    if completed_on < course_date:
        problems.append(
            _("a course cannot be completed ({completed_on}) before it starts ({course_date})").format(
                completed_on=completed_on.isoformat(), course_date=course_date.isoformat()
            )
        )
    return problems


def certified_on(completion_dates: Iterable[date | None]) -> date | None:
    """Rule 3: a trainer is certified from the first completed Steg 2 course they took."""
    done = [d for d in completion_dates if d is not None]
    return min(done) if done else None


# --------------------------------------------------------------------------------------------------
# Rules 4-9: agreements


_DAY_BEFORE = relativedelta(days=-1)


# The invoice run walks every agreement year in the country: remember the calendar arithmetic.
@lru_cache(maxsize=65_536)
def _add_years(day: date, years: int) -> date:
    return day + relativedelta(years=years)


@lru_cache(maxsize=65_536)
def _day_before(day: date) -> date:
    return day + _DAY_BEFORE


@dataclass(frozen=True)
class Span:
    """An agreement's days in force: from `start` up to the day before `end` (rule 6)."""

    start: date
    end: date | None = None

    def in_force_on(self, day: date) -> bool:
        """True on the days the agreement is in force."""
        return self.start <= day and (self.end is None or day < self.end)

    @property
    def never_in_force(self) -> bool:
        """An agreement ended on its start date was never in force."""
        return self.end is not None and self.end <= self.start

    def period(self, k: int) -> tuple[date, date]:
        """Rule 6: period k runs from start + k years to the day before start + (k+1) years."""
        return _add_years(self.start, k), _day_before(_add_years(self.start, k + 1))

    def periods_started(self, until: date, since: date | None = None) -> list[tuple[int, date, date]]:
        """Rule 6 and 17: every period that starts on or before `until` and before the end (and, with
        `since`, not before it)."""
        periods: list[tuple[int, date, date]] = []
        # The periods starting two calendar years or more before `since` are not worked out at all.
        k = 0 if since is None else max(since.year - self.start.year - 1, 0)
        first = _add_years(self.start, k)
        while first <= until and (self.end is None or first < self.end):
            following = _add_years(self.start, k + 1)
            if since is None or first >= since:
                periods.append((k, first, _day_before(following)))
            first = following
            k += 1
        return periods

    def overlaps_from(self, day: date) -> bool:
        """True when this agreement is in force on `day` or on any day after it."""
        return not self.never_in_force and (self.end is None or self.end > day)


@dataclass(frozen=True)
class Scope:
    """Where an agreement lets a trainer work (rule 5): a municipality, or one school in it."""

    municipality: str
    school_id: int | None = None

    def covers(self, school_municipality: str, school_id: int) -> bool:
        """True when a school lies inside this scope."""
        if self.school_id is not None:
            return self.school_id == school_id
        return self.municipality == school_municipality


def agreement_signing(
    certified: date | None,
    start: date,
    trainer_municipality: str,
    scope: Scope,
    school_municipality: str | None,
    existing: Sequence[Span],
) -> list[str]:
    """Rules 4, 5 and 7: who may sign, for what scope, and never two agreements in force at once."""
    if certified is None:
        return [_("only a certified trainer can sign an agreement: no completed Steg 2 course is recorded")]
    problems = []
    if start < certified:
        problems.append(
            _("the agreement cannot start ({start}) before the trainer was certified ({certified})").format(
                start=start.isoformat(), certified=certified.isoformat()
            )
        )
    if scope.municipality != trainer_municipality:
        problems.append(_("an agreement covers the trainer's own municipality (or one school in it)"))
    if scope.school_id is not None and school_municipality != trainer_municipality:
        problems.append(_("the school is not in the trainer's municipality"))
    if any(span.overlaps_from(start) for span in existing):
        problems.append(
            _(
                "the trainer already has an agreement in force on or after {start}; end it first (one "
                "agreement at a time)"
            ).format(start=start.isoformat())
        )
    return problems


def agreement_ending(span: Span, end: date) -> list[str]:
    """Rule 6: an agreement ends once, not before its start (ending on the start means never in force)."""
    if span.end is not None:
        return [_("the agreement already ended on {end}").format(end=span.end.isoformat())]
    if end < span.start:
        return [
            _("the end ({end}) is before the agreement's start ({start})").format(
                end=end.isoformat(), start=span.start.isoformat()
            )
        ]
    return []


def end_on_moving(span: Span, moving_date: date) -> date | None:
    """Rule 8: moving ends the agreement on the moving date; returns the new end, None if unaffected."""
    if not span.overlaps_from(moving_date):
        return None
    return max(moving_date, span.start)


def may_train(
    agreements: Sequence[tuple[Span, Scope]],
    school_municipality: str,
    school_id: int,
    day: date,
) -> list[str]:
    """Rule 9: a trainer leads steps and trains people only while an agreement covering the school runs."""
    in_force = [scope for span, scope in agreements if span.in_force_on(day)]
    if not in_force:
        return [_("the trainer has no agreement in force on {day}").format(day=day.isoformat())]
    if not any(scope.covers(school_municipality, school_id) for scope in in_force):
        return [_("the school is outside the scope of the trainer's agreement on {day}").format(day=day.isoformat())]
    return []


# --------------------------------------------------------------------------------------------------
#: An agreement ended by a move stores this code and the new place (`moved:Sandviken`), never a sentence:
#: the terminal, the JSON and the Excel list each show it in their own words.
MOVED = "moved:"


def moved_reason(place: str) -> str:
    """The stored end reason of an agreement ended by a move (rule 8)."""
    return MOVED + place


def moved_to(stored: str | None) -> str | None:
    """The place an agreement's trainer moved to, when a move ended it; else None."""
    return stored[len(MOVED) :] if stored and stored.startswith(MOVED) else None


def end_reason_text(stored: str | None, moved: str = "moved to {place}") -> str | None:
    """An agreement's end reason in words: a move in the words given, a typed reason as typed."""
    place = moved_to(stored)
    return stored if place is None else moved.format(place=place)


# Rules 10-12: schools and implementation


def programme_start(
    programme: str,
    contact_name: str,
    contact_email: str,
    already_running_since: date | None,
    definition: Definition,
) -> list[str]:
    """Rule 10: a start names a contact person (name and e-mail); a programme runs once at a time."""
    problems = []
    if programme not in definition.programmes:
        problems.append(_("unknown programme '{programme}'").format(programme=programme))
    if not contact_name.strip():
        problems.append(_("a programme start names the school's contact person (--contact-name)"))
    if not contact_email.strip():
        problems.append(_("a programme start needs the contact person's e-mail (--contact-email)"))
    if already_running_since is not None:
        problems.append(
            _("{programme} already runs at this school (since {since}); stop it before starting it again").format(
                programme=definition.programme_name(programme), since=already_running_since.isoformat()
            )
        )
    return problems


def step_allowed(
    step: str,
    day: date,
    done: Sequence[tuple[str, date]],
    run_start: date,
    stopped_on: date | None,
    today: date,
    programme: ProgrammeKind,
    definition: Definition,
) -> list[str]:
    """Rule 11 (and 0): a step of the programme, within the run, once if it is once-only, not before the
    step that must come first (grundutbildning parts 1-3 in order in MÄN's definition)."""
    if step not in programme.steps or step not in definition.steps:
        return [_("unknown step '{step}' (use one of {steps})").format(step=step, steps=", ".join(programme.steps))]
    kind = definition.steps[step]
    problems = not_in_future(_("the {step}").format(step=kind.name.lower()), day, today)
    if day < run_start:
        problems.append(
            _("the step ({day}) is before the programme started ({run_start})").format(
                day=day.isoformat(), run_start=run_start.isoformat()
            )
        )
    if stopped_on is not None and day >= stopped_on:
        problems.append(_("the programme was stopped on {stopped_on}").format(stopped_on=stopped_on.isoformat()))
    dates: dict[str, date] = {}
    for code, held in done:
        dates[code] = min(held, dates.get(code, held))
    if kind.once and step in dates:
        problems.append(
            _("{step} was already held on {day}; it happens once").format(step=kind.name, day=dates[step].isoformat())
        )
    before = kind.after
    if before is not None:
        before_name = definition.step_name(before).lower()
        if before not in dates:
            problems.append(_("{step} cannot come before {before}").format(step=kind.name, before=before_name))
        elif day < dates[before]:
            problems.append(
                _("{step} ({day}) cannot be dated before {before} ({before_day})").format(
                    step=kind.name,
                    day=day.isoformat(),
                    before=before_name,
                    before_day=dates[before].isoformat(),
                )
            )
    return problems


def steps_to_do(done: Iterable[str], programme: ProgrammeKind, definition: Definition) -> list[str]:
    """The once-only steps of the programme not yet held (a repeatable step is always open)."""
    held = set(done)
    return [
        step
        for step in programme.steps
        if step not in held and step in definition.steps and definition.steps[step].once
    ]


def programme_stop(run_start: date, stopped_on: date | None, day: date, reason: str, today: date) -> list[str]:
    """Rule 12: a stop records its date and reason; a programme stops once, not before it started."""
    if stopped_on is not None:
        return [_("the programme was already stopped on {stopped_on}").format(stopped_on=stopped_on.isoformat())]
    problems = not_in_future(_("the stop"), day, today)
    if day < run_start:
        problems.append(
            _("the stop ({day}) is before the programme started ({run_start})").format(
                day=day.isoformat(), run_start=run_start.isoformat()
            )
        )
    if not reason.strip():
        problems.append(_("a stop records the reason (--reason)"))
    return problems


def problem_note(day: date, note: str, today: date) -> list[str]:
    """Rule 12: a problem at a school is a dated note."""
    problems = not_in_future(_("the problem"), day, today)
    if not note.strip():
        problems.append(_("the note is empty"))
    return problems


# --------------------------------------------------------------------------------------------------
# Rules 16-20: money. Amounts are whole öre (int); VAT rates are basis points (2500 = 25 %).

PRICE_CODES: dict[str, str] = {
    "annual-fee": "Årsavgift Steg 2-utbildare",
    "open-course-seat": "Kursplats, öppen Steg 2-utbildning",
    "purchased-course": "Köpt Steg 2-utbildning",
}
DEFAULT_PRICES_ORE: dict[str, int] = {
    "annual-fee": 1_000_000,
    "open-course-seat": 2_000_000,
    "purchased-course": 10_000_000,
}


@dataclass(frozen=True)
class Price:
    """A price valid from a day on (rule 16)."""

    code: str
    valid_from: date
    amount: int
    vat_rate: int = 0
    vat_note: str = ""


def price_on(prices: Iterable[Price], code: str, day: date) -> Price | None:
    """Rule 16: the price of `code` valid on `day` (the latest one starting on or before it)."""
    valid = [p for p in prices if p.code == code and p.valid_from <= day]
    return max(valid, key=lambda p: p.valid_from) if valid else None


def price_setting(code: str, amount: int, vat_rate: int) -> list[str]:
    """Rule 16: a price has a known code, a non-negative whole-öre amount and a VAT rate of 0-100 %."""
    problems = []
    if code not in PRICE_CODES:
        problems.append(
            _("unknown price code '{code}' (use one of {codes})").format(code=code, codes=", ".join(PRICE_CODES))
        )
    if amount < 0:
        problems.append(_("a price cannot be negative"))
    if vat_rate not in VAT_RATES_BP:
        problems.append(_("the VAT rate is 0 % (exempt), or 6, 12 or 25 %"))
    return problems


@dataclass(frozen=True)
class AgreementForBilling:
    """What the invoice run needs to know of an agreement."""

    id: int
    start: date
    end: date | None
    payer: int
    who: str
    school: str = ""  # a school-scoped agreement names its school on the invoice line
    #: The start of the first agreement year whose fee may still be unbilled: every year starting before
    #: it is on a live invoice or waived (None: look from the first year). Too early only costs work.
    fees_from: date | None = None
    #: Rule 37: the day up to which the yearly fees were invoiced before steg2 (`Fakturerat t.o.m.`); a year
    #: starting on or before it is never billed. Independent of the billing marks and of the charge keys,
    #: which alone keep a charge from being billed twice.
    billed_until: date | None = None


#: The invoice kinds that are owed and take payments (rule 33): steg2's own invoices and those taken over
#: from the old system (rule 37). A credit note is not payable.
PAYABLE_KINDS = ("invoice", "imported")


def annual_fee_key(agreement_id: int, k: int) -> str:
    """The key of an agreement's annual fee for its year `k` (0 is the first)."""
    return f"annual-fee:{agreement_id}:{k}"


def seat_key(course_id: int, trainer_id: int) -> str:
    """The key of one participant's seat on an open course."""
    return f"open-course-seat:{course_id}:{trainer_id}"


def course_key(course_id: int) -> str:
    """The key of a purchased course's fee."""
    return f"purchased-course:{course_id}"


def charge_source(key: str) -> tuple[str, tuple[int, ...]]:
    """A charge key taken apart: its kind and the ids it names (`annual-fee:12:3` → ("annual-fee", (12, 3)))."""
    kind, *ids = key.split(":")
    return kind, tuple(int(part) for part in ids)


def fee_years_due(agreement: AgreementForBilling, until: date) -> list[tuple[int, date, date]]:
    """Rule 17: the agreement years whose annual fee is due on or before `until`, from `fees_from` on, less
    those invoiced before steg2 (rule 37: starting on or before `billed_until`)."""
    periods = Span(agreement.start, agreement.end).periods_started(until, agreement.fees_from)
    if agreement.billed_until is None:
        return periods
    return [(k, first, last) for k, first, last in periods if first > agreement.billed_until]


def next_fees_from(agreement: AgreementForBilling, until: date, closed: Container[str]) -> date:
    """Where the next invoice run need start looking for the agreement's annual fees, once every key in
    `closed` is on a live invoice or waived: the start of its first year, counted past its end, that
    is neither closed nor before `fees_from`. Years starting after `until` count as open (issue 17)."""
    k, first = 0, agreement.start
    while first <= until and (
        (agreement.fees_from is not None and first < agreement.fees_from)
        or (agreement.billed_until is not None and first <= agreement.billed_until)
        or annual_fee_key(agreement.id, k) in closed
    ):
        k += 1
        first = _add_years(agreement.start, k)
    return first


def charge_keys(
    until: date,
    agreements: Iterable[AgreementForBilling],
    seats: Iterable[CourseSeatForBilling],
    courses: Iterable[PurchasedCourseForBilling],
) -> list[str]:
    """The key of every charge `charges_due` would consider, before any is left out or priced."""
    keys = [annual_fee_key(a.id, k) for a in agreements for k, _first, _last in fee_years_due(a, until)]
    keys += [seat_key(s.course_id, s.trainer_id) for s in seats if s.course_date <= until]
    keys += [course_key(c.course_id) for c in courses if c.course_date <= until]
    return keys


@dataclass(frozen=True)
class CourseSeatForBilling:
    """One participant's seat on an open course."""

    course_id: int
    trainer_id: int
    course_date: date
    payer: int
    who: str


@dataclass(frozen=True)
class PurchasedCourseForBilling:
    """A purchased course."""

    course_id: int
    course_date: date
    payer: int
    place: str


class Charge(NamedTuple):
    """Something a payer owes MÄN (rule 17); `key` identifies it for ever, so it is billed once.

    A NamedTuple rather than a dataclass: an invoice run over the whole country makes tens of thousands.
    """

    key: str
    kind: str
    due: date
    payer: int
    amount: int
    vat_rate: int
    description: str
    who: str
    period: str
    vat_note: str = ""


class MissingPrice(Exception):
    """No price is valid on a charge's due date."""


def _priced(prices: Sequence[Price], code: str, due: date) -> Price:
    found = price_on(prices, code, due)
    if found is None:
        raise MissingPrice(
            _("no {code} price is valid on {day}; set one with `steg2 price set`").format(
                code=code, day=due.isoformat()
            )
        )
    return found


def charges_due(
    until: date,
    agreements: Iterable[AgreementForBilling],
    seats: Iterable[CourseSeatForBilling],
    courses: Iterable[PurchasedCourseForBilling],
    prices: Sequence[Price],
    skip: Container[str] = frozenset(),
) -> list[Charge]:
    """Rule 17: every charge due on or before `until`, each with the price valid on its due date.

    One `annual-fee` per started agreement year (none for a year starting on or after the end), one
    `open-course-seat` per open-course participant and one `purchased-course` per purchased course,
    due on the course date. Charges whose key is in `skip` (already on a live invoice, or waived) are
    left out before they are priced: a register of many years holds far more of those than of new ones.
    Agreement years before an agreement's `fees_from` are not looked at: they are billed or waived.
    """
    charges = []
    found: dict[tuple[str, date], Price] = {}

    def priced(code: str, day: date) -> Price:
        if (code, day) not in found:
            found[code, day] = _priced(prices, code, day)
        return found[code, day]

    for agreement in agreements:
        for k, first, last in fee_years_due(agreement, until):
            if annual_fee_key(agreement.id, k) in skip:
                continue
            price = priced("annual-fee", first)
            charges.append(
                Charge(
                    key=annual_fee_key(agreement.id, k),
                    kind="annual-fee",
                    due=first,
                    payer=agreement.payer,
                    amount=price.amount,
                    vat_rate=price.vat_rate,
                    description=f"{PRICE_CODES['annual-fee']}, år {k + 1} (överenskommelse {agreement.id}"
                    + (f", {agreement.school})" if agreement.school else ")"),
                    who=agreement.who,
                    period=fee_period(first, last, agreement.end),
                    vat_note=price.vat_note,
                )
            )
    for seat in seats:
        if seat.course_date > until or seat_key(seat.course_id, seat.trainer_id) in skip:
            continue
        price = priced("open-course-seat", seat.course_date)
        charges.append(
            Charge(
                key=seat_key(seat.course_id, seat.trainer_id),
                kind="open-course-seat",
                due=seat.course_date,
                payer=seat.payer,
                amount=price.amount,
                vat_rate=price.vat_rate,
                description=f"{PRICE_CODES['open-course-seat']} (kurs {seat.course_id})",
                who=seat.who,
                period=seat.course_date.isoformat(),
                vat_note=price.vat_note,
            )
        )
    for course in courses:
        if course.course_date > until or course_key(course.course_id) in skip:
            continue
        price = priced("purchased-course", course.course_date)
        charges.append(
            Charge(
                key=course_key(course.course_id),
                kind="purchased-course",
                due=course.course_date,
                payer=course.payer,
                amount=price.amount,
                vat_rate=price.vat_rate,
                description=f"{PRICE_CODES['purchased-course']} (kurs {course.course_id}, {course.place})",
                who="",
                period=course.course_date.isoformat(),
                vat_note=price.vat_note,
            )
        )
    return sorted(charges, key=itemgetter(3, 2, 0))  # payer, due date, key


def fee_period(first: date, last: date, end: date | None) -> str:
    """An annual fee's period as its invoice line shows it: `2025-03-01 – 2026-02-28`, and for a year the
    agreement did not run to its end, the day it ended (its first day no longer in force): `2025-03-01 –
    2026-02-28 (upphörde 2025-08-15)`. A started year is billed whole (rule 17); the line says when it ended."""
    text = f"{first.isoformat()} – {last.isoformat()}"
    if end is not None and first < end <= last:
        text += f" (upphörde {end.isoformat()})"
    return text


_PERIOD = re.compile(r"(\d{4}-\d{2}-\d{2})(?: – (\d{4}-\d{2}-\d{2}))?(?: \(upphörde (\d{4}-\d{2}-\d{2})\))?")


def period_dates(text: str) -> tuple[date, date | None, date | None] | None:
    """An invoice line's period as dates: (first day, last day or None for a course date, the day the
    agreement ended or None); None when the text is not one steg2 writes."""
    match = _PERIOD.fullmatch(text.strip())
    if match is None:
        return None
    try:
        return (
            date.fromisoformat(match[1]),
            date.fromisoformat(match[2]) if match[2] else None,
            date.fromisoformat(match[3]) if match[3] else None,
        )
    except ValueError:
        return None


def invoices_for(charges: Iterable[Charge], already_billed: Iterable[str]) -> dict[int, list[Charge]]:
    """Rule 18: what is not yet on a live invoice, one invoice per payer (payers in id order, which for
    municipalities is code order)."""
    billed = set(already_billed)
    grouped: dict[int, list[Charge]] = {}
    for charge in charges:
        if charge.key not in billed:
            grouped.setdefault(charge.payer, []).append(charge)
    return dict(sorted(grouped.items()))


def vat_on(net: int, vat_rate: int) -> int:
    """VAT in whole öre on a net amount, rounded half away from zero (no floats)."""
    sign = -1 if net < 0 else 1
    return sign * ((abs(net) * vat_rate + 5_000) // 10_000)


@dataclass(frozen=True)
class Totals:
    """An invoice's sums: before VAT, VAT per rate, and the total (rule 16)."""

    net: int
    vat_by_rate: tuple[tuple[int, int, int], ...]  # (rate, net at that rate, vat)
    vat: int
    total: int


def invoice_totals(lines: Iterable[tuple[int, int]]) -> Totals:
    """Rule 16: sums of (amount, vat rate) lines; VAT is computed per rate on that rate's sum."""
    by_rate: dict[int, int] = {}
    for amount, rate in lines:
        by_rate[rate] = by_rate.get(rate, 0) + amount
    per_rate = tuple((rate, net, vat_on(net, rate)) for rate, net in sorted(by_rate.items()))
    net = sum(by_rate.values())
    vat = sum(v for _, _, v in per_rate)
    return Totals(net=net, vat_by_rate=per_rate, vat=vat, total=net + vat)


def invoice_due_date(invoice_date: date, payment_days: int) -> date:
    """Rule 20: the due date, by default 30 days after the invoice date."""
    return invoice_date + relativedelta(days=payment_days)


def run_date_allowed(run_date: date, latest_invoice: date | None, today: date) -> list[str]:
    """Rules 0 and 19: invoices are issued today or earlier, and their numbers follow their dates."""
    problems = not_in_future(_("the invoice run"), run_date, today)
    if latest_invoice is not None and run_date < latest_invoice:
        problems.append(
            _(
                "the newest invoice is dated {latest_invoice}; a run cannot be dated before it (numbers follow dates)"
            ).format(latest_invoice=latest_invoice.isoformat())
        )
    return problems


def vat_needs_a_vat_number(rates: Iterable[int], vat_number: str) -> list[str]:
    """Rules 28 and 30: an invoice that charges VAT carries the seller's VAT number, so a seller without one
    (`seller.vat-number`) cannot issue it: no e-invoice could carry it, and no payer could deduct the VAT."""
    charged = sorted({rate for rate in rates if rate > 0})
    if charged and not vat_number.strip():
        return [
            _(
                "the run would charge VAT ({rates} %) but seller.vat-number is not set; set it with `steg2 config set "
                "seller.vat-number SE…01`, or the prices back to 0 % with `steg2 price set`"
            ).format(rates=", ".join(f"{rate / 100:g}" for rate in charged))
        ]
    return []


def credit_allowed(
    kind: str, invoice_date: date, credited_by: int | None, credit_date: date, number: int | str = ""
) -> list[str]:
    """Rule 19: only an invoice is credited, once, whole, and not before its own date; an invoice from before
    steg2 (rule 37) only in the old system that issued it."""
    if kind == "imported":
        return [
            _(
                "invoice {number} was issued by the old system before steg2: credit it there (steg2 can block it "
                "from reminders or take payments on it)"
            ).format(number=number)
        ]
    if kind != "invoice":
        return [_("a credit note cannot itself be credited")]
    if credited_by is not None:
        return [_("the invoice is already credited by credit note {credited_by}").format(credited_by=credited_by)]
    if credit_date < invoice_date:
        return [
            _("the credit note ({credit_date}) cannot be dated before the invoice ({invoice_date})").format(
                credit_date=credit_date.isoformat(), invoice_date=invoice_date.isoformat()
            )
        ]
    return []


def is_plain_number(text: str) -> bool:
    """An invoice number that is a plain whole number (ASCII digits only), as steg2's own are."""
    return text.isascii() and text.isdigit()


def old_number_allowed(old_number: str, number_start: int) -> list[str]:
    """Rule 37: an invoice from before steg2 keeps its own number, so a number that is a plain whole number
    must lie below steg2's own series (from `invoice.number-start` on, growing), or `invoice show 1` would
    name two invoices."""
    if is_plain_number(old_number) and int(old_number) >= number_start:
        return [
            _(
                "the invoice number {number} is in steg2's own number series (from invoice.number-start "
                "{start} on); set invoice.number-start above the old system's numbers first: steg2 config set "
                "invoice.number-start {above}"
            ).format(number=old_number, start=number_start, above=int(old_number) + 1)
        ]
    return []


def number_start_allowed(start: int, own_invoices: int, largest_old: int | None) -> list[str]:
    """Rules 18 and 37: steg2's series starts where it is set, only before steg2's first invoice (it must stay
    gapless), and above every plain-number invoice number taken over from the old system."""
    if own_invoices:
        return [_("invoices exist already: the number series cannot be restarted (it must stay gapless)")]
    if largest_old is not None and start <= largest_old:
        return [
            _(
                "invoice.number-start must be above the old system's invoice numbers: invoice {number} was "
                "moved in from before steg2 (use at least {least})"
            ).format(number=largest_old, least=largest_old + 1)
        ]
    return []


# --------------------------------------------------------------------------------------------------
# Rules 13-15: trainees

TRAINEE_COLUMNS = ("Namn", "E-post", "Skola", "Kommun", "Program", "Datum", "Utbildare")


def programme_running_on(runs: Iterable[tuple[date, date | None]], day: date) -> bool:
    """Rule 13: a programme run (start, stopped_on) covers the day."""
    return any(start <= day and (stopped is None or day < stopped) for start, stopped in runs)


def trainee_report(
    day: date, runs: Sequence[tuple[date, date | None]], agreement_problems: Sequence[str], today: date
) -> list[str]:
    """Rule 13: trained on a day not after today, while the programme ran at the school, by a trainer whose
    agreement covered the school that day (rule 9)."""
    problems = not_in_future(_("the training"), day, today)
    if not runs:
        problems.append(_("the programme has never run at this school"))
    elif not programme_running_on(runs, day):
        problems.append(_("the programme was not running at the school on {day}").format(day=day.isoformat()))
    return problems + list(agreement_problems)


def trainee_key(name: str, email: str, school_id: int, programme: str, day: date) -> tuple[str, str, int, str, date]:
    """Rule 14: what makes two reports the same person's (name and e-mail case-insensitive)."""
    return (email.strip().lower(), name_key(name), school_id, programme, day)


def trainee_header(header: Sequence[str]) -> list[str]:
    """Rule 15: the list's header row must start with the template's columns."""
    found = [str(h or "").strip() for h in header]
    wanted = [c.casefold() for c in TRAINEE_COLUMNS]
    if [f.casefold() for f in found[: len(wanted)]] != wanted:
        seen = " | ".join(f for f in found if f) or "nothing"
        return [
            _("the header row must be {columns} (found: {seen})").format(columns=" | ".join(TRAINEE_COLUMNS), seen=seen)
        ]
    return []


_NAME_EMAIL = re.compile(r"^\s*(?P<name>[^<>]+?)\s*<(?P<email>[^<>]+)>\s*$")


def parse_person(text: str) -> tuple[str, str]:
    """`Anna Lind <anna@x.se>` → ("Anna Lind", "anna@x.se"); raises ValueError otherwise."""
    match = _NAME_EMAIL.match(text)
    if match is None:
        raise ValueError(_("'{text}' is not \"Name <email>\"").format(text=text))
    return " ".join(match["name"].split()), normalize_email(match["email"])


# --------------------------------------------------------------------------------------------------
# Rules 21-22: obligations and follow-up

MIN_TRAINERS_PER_MUNICIPALITY = 2


def in_force_during_year(spans: Iterable[Span], year: int) -> bool:
    """Rule 21: an agreement was in force on at least one day of the calendar year."""
    first, after = date(year, 1, 1), date(year + 1, 1, 1)
    return any(not s.never_in_force and s.start < after and (s.end is None or s.end > first) for s in spans)


@dataclass(frozen=True)
class Compliance:
    """Rule 21 for one trainer and year: the gatherings attended and those the trainer's level asks for."""

    attended: dict[str, int]
    required: dict[str, int]

    @property
    def network_meetings(self) -> int:
        return self.attended.get("network", 0)

    @property
    def conferences(self) -> int:
        return self.attended.get("conference", 0)

    @property
    def ok(self) -> bool:
        """Every obligation met (MÄN's level: two network meetings and one conference, or more)."""
        return all(self.attended.get(kind, 0) >= count for kind, count in self.required.items())

    def short(self, planned: dict[str, int] | None = None) -> dict[str, int]:
        """The obligations not met (kind → how many are missing). With `planned` (kind → gatherings still to
        come in the year), only those that can no longer be met: early in the year nothing is short that the
        meetings still planned can make up."""
        ahead = planned or {}
        return {
            kind: count - self.attended.get(kind, 0)
            for kind, count in self.required.items()
            if self.attended.get(kind, 0) + (ahead.get(kind, 0) if planned is not None else 0) < count
        }


def compliance(attended: Iterable[tuple[str, date]], year: int, required: dict[str, int]) -> Compliance:
    """Rule 21: count the gatherings of each kind a trainer attended in the year, against the level's
    obligations for that year (`obligations_for`)."""
    seen: dict[str, int] = {}
    for kind, day in attended:
        if day.year == year:
            seen[kind] = seen.get(kind, 0) + 1
    return Compliance(seen, dict(required))


def meeting_definition(kind: str, title: str, gatherings: Iterable[str]) -> list[str]:
    """Rule 21 (and 45): a meeting is a gathering of a kind the definition names."""
    known = list(gatherings)
    if kind not in known:
        return [
            _("a meeting is one of {kinds}, not '{kind}'").format(kinds=", ".join(f"'{k}'" for k in known), kind=kind)
        ]
    return []


def trainer_inactive(inactive_from: date | None, day: date, today: date) -> list[str]:
    """A trainer marked no longer active (they left, retired) from a day on: once, not in the future."""
    problems = []
    if inactive_from is not None:
        problems.append(_("the trainer is already marked inactive from {day}").format(day=inactive_from.isoformat()))
    return problems


def last_agreement_ending(later_agreement: int | None) -> list[str]:
    """A trainer is marked inactive by ending their last agreement, not one followed by another."""
    if later_agreement is not None:
        return [
            _("the trainer has a later agreement ({id}); end that one to mark them inactive").format(id=later_agreement)
        ]
    return []


def active_on(inactive_from: date | None, day: date) -> bool:
    """A trainer still counts (for follow-up and reminders) on `day` unless marked inactive by then."""
    return inactive_from is None or inactive_from > day


def understaffed(active_municipalities: Iterable[str], trainers_in_force: dict[str, int]) -> list[str]:
    """Rule 22: municipalities with running programmes and fewer than two trainers in force."""
    return sorted(
        code for code in set(active_municipalities) if trainers_in_force.get(code, 0) < MIN_TRAINERS_PER_MUNICIPALITY
    )


def next_renewal(span: Span, day: date) -> date | None:
    """The first day of the agreement's next year after `day`, if it is still running then."""
    k = max(day.year - span.start.year - 1, 0)  # the years before cannot start after `day`
    while True:
        first = _add_years(span.start, k)
        if first > day:
            return first if span.end is None or first < span.end else None
        k += 1


def stall_threshold(day: date, months: int = 6) -> date:
    """The last day of activity that leaves a running programme stalled on `day`: nothing recorded for
    `months` months (its start counts as activity). Worked out once for all programmes."""
    return day - relativedelta(months=months)


# --------------------------------------------------------------------------------------------------
# Rules 24-26: corrections. Nothing is deleted: what was mistyped is edited, what did not happen is
# voided (it stays, marked, and stops counting), a course is cancelled and a participant unenrolled.

#: What `steg2 void KIND ID` can void.
VOIDABLE = ("step", "attendance", "trainee", "problem")


def voiding(what: str, record_day: date, void_on: date | None, day: date, reason: str, today: date) -> list[str]:
    """Rule 24: a record is voided once, with a reason, on a day not after today nor before the record."""
    if void_on is not None:
        return [_("{what} was already voided on {void_on}").format(what=what, void_on=void_on.isoformat())]
    problems = not_in_future(_("the void"), day, today)
    if day < record_day:
        problems.append(
            _("the void ({day}) cannot be dated before {what} ({record_day})").format(
                day=day.isoformat(), what=what, record_day=record_day.isoformat()
            )
        )
    if not reason.strip():
        problems.append(_("a void records the reason (--reason)"))
    return problems


def step_voiding(step: str, live_steps: Iterable[str], definition: Definition) -> list[str]:
    """Rules 11 and 24: a step is voided only while no live step that must come after it stands on it."""
    live = set(live_steps)
    for later in definition.steps.values():
        if later.after == step and later.code in live:
            return [
                _("{later} is recorded after it; void {later_lower} first").format(
                    later=later.name, later_lower=later.name.lower()
                )
            ]
    return []


def course_cancelling(completed_on: date | None, cancelled_on: date | None, reason: str) -> list[str]:
    """Rule 25: a course is cancelled only before it is completed, once, with a reason."""
    if completed_on is not None:
        return [
            _("the course was completed on {completed_on}; a completed course cannot be cancelled").format(
                completed_on=completed_on.isoformat()
            )
        ]
    if cancelled_on is not None:
        return [_("the course was already cancelled on {cancelled_on}").format(cancelled_on=cancelled_on.isoformat())]
    if not reason.strip():
        return [_("a cancellation records the reason (--reason)")]
    return []


def unenrolling(
    completed_on: date | None, cancelled_on: date | None, unenrolled_on: date | None, reason: str
) -> list[str]:
    """Rule 25: a participant is unenrolled only before the course is completed, once, with a reason."""
    if completed_on is not None:
        return [
            _("the course was completed on {completed_on}; its participants cannot be unenrolled").format(
                completed_on=completed_on.isoformat()
            )
        ]
    if cancelled_on is not None:
        return [_("the course was cancelled on {cancelled_on}").format(cancelled_on=cancelled_on.isoformat())]
    if unenrolled_on is not None:
        return [_("already unenrolled on {unenrolled_on}").format(unenrolled_on=unenrolled_on.isoformat())]
    if not reason.strip():
        return [_("an unenrolment records the reason (--reason)")]
    return []


def history_change(what: str, day: date, run_start: date, stopped_on: date | None, latest_from: date) -> list[str]:
    """Rule 25: a new contact person or leading trainer takes over from a day within the programme's run,
    not before the one before took over (on the same day, the newer one counts)."""
    problems = []
    if day < run_start:
        problems.append(
            _("the new {what} ({day}) cannot start before the programme ({run_start})").format(
                what=what, day=day.isoformat(), run_start=run_start.isoformat()
            )
        )
    if stopped_on is not None and day >= stopped_on:
        problems.append(_("the programme was stopped on {stopped_on}").format(stopped_on=stopped_on.isoformat()))
    if run_start <= day < latest_from:
        problems.append(
            _("the {what} changed on {latest_from}; a new one takes over on or after that day").format(
                what=what, latest_from=latest_from.isoformat()
            )
        )
    return problems


def in_force_on(history: Sequence[tuple[date, _T]], day: date | None) -> _T:
    """The entry of a (from date, value) history, oldest first, that is in force on `day` (None: the
    newest). Before the first entry's date the first one holds."""
    current = history[0][1]
    for start, value in history:
        if day is None or start <= day:
            current = value
    return current


def appointment(appointed_by: str) -> list[str]:
    """Rule 1: the appointing person is given as "NAME, ROLE"."""
    name, _sep, role = appointed_by.partition(",")
    if not name.strip() or not role.strip():
        return [_('--appointed-by needs the appointing person as "NAME, ROLE"')]
    return []


def charge_is_void(key: str, cancelled_courses: set[int], unenrolled: set[tuple[int, int]]) -> bool:
    """Rule 26: a charge whose cause was cancelled (a cancelled course, an unenrolled participant)."""
    kind, ids = charge_source(key)
    if kind == "purchased-course":
        return ids[0] in cancelled_courses
    if kind == "open-course-seat":
        return ids[0] in cancelled_courses or (ids[0], ids[1]) in unenrolled
    return False


# --------------------------------------------------------------------------------------------------
# Rules 27-31: payers, the seller, e-invoices and the OCR reference. The check digits are python-stdnum's
# (a maintained library), imported where they are used.


@lru_cache(maxsize=1)
def _luhn() -> Any:
    """python-stdnum's Luhn (modulus 10) module, imported once, when a number is first checked."""
    from stdnum import luhn

    return luhn


def org_number(text: str) -> str:
    """Rule 27/28: a Swedish organisation number as 10 digits (`802000-1239` → `8020001239`) with a valid
    check digit (Luhn); raises ValueError otherwise."""
    luhn = _luhn()
    digits = text.strip().replace("-", "").replace(" ", "")
    if not (digits.isascii() and digits.isdigit()) or len(digits) != 10:
        raise ValueError(_("'{text}' is not an organisation number (10 digits, e.g. 802000-1239)").format(text=text))
    if not luhn.is_valid(digits):
        raise ValueError(_("'{text}' is not an organisation number (the check digit is wrong)").format(text=text))
    return digits


def vat_number(text: str) -> str:
    """Rule 28: a Swedish VAT number, `SE` + organisation number + `01` (`SE802000123901`)."""
    cleaned = text.strip().replace(" ", "").replace("-", "").upper()
    if not (cleaned.startswith("SE") and cleaned.endswith("01") and len(cleaned) == 14):
        raise ValueError(
            _("'{text}' is not a Swedish VAT number (SE + the 10-digit organisation number + 01)").format(text=text)
        )
    org_number(cleaned[2:12])
    return cleaned


def giro_number(text: str, kind: str) -> str:
    """Rule 28: a bankgiro (7-8 digits) or plusgiro (2-8 digits) number, digits only, with a valid
    check digit (both use modulus 10); `123-4567` → `1234567`."""
    luhn = _luhn()
    digits = text.strip().replace("-", "").replace(" ", "")
    shortest = 7 if kind == "bankgiro" else 2
    if not (digits.isascii() and digits.isdigit()) or not shortest <= len(digits) <= 8:
        raise ValueError(
            _("'{text}' is not a {kind} number ({shortest}-8 digits)").format(text=text, kind=kind, shortest=shortest)
        )
    if not luhn.is_valid(digits):
        raise ValueError(_("'{text}' is not a {kind} number (the check digit is wrong)").format(text=text, kind=kind))
    return digits


_PEPPOL_ID = re.compile(r"(\d{4}):([0-9A-Za-z][0-9A-Za-z.\-_]{0,49})")


def peppol_id(text: str) -> str:
    """Rule 27: a Peppol electronic address `SCHEME:ID` (`0007:2120001234`); a 0007 id is an
    organisation number."""
    cleaned = text.strip()
    match = _PEPPOL_ID.fullmatch(cleaned)
    if match is None:
        raise ValueError(_("'{text}' is not a Peppol address (SCHEME:ID, e.g. 0007:2120001234)").format(text=text))
    if match[1] == "0007":
        return "0007:" + org_number(match[2])
    return cleaned


def ocr_reference(number: int) -> str:
    """Rule 31: the OCR payment reference of an invoice: its number, a length digit (the reference's
    whole length, modulus 10) and a Luhn check digit, as Bankgirot checks them "hard"."""
    from stdnum import luhn

    body = str(number)
    body += str((len(body) + 2) % 10)
    return body + luhn.calc_check_digit(body)


def ocr_valid(reference: str) -> bool:
    """Rule 31: an OCR reference with the right length digit and check digit."""
    luhn = _luhn()
    cleaned = reference.strip()
    return (
        cleaned.isascii()
        and cleaned.isdigit()
        and len(cleaned) >= 3
        and int(cleaned[-2]) == len(cleaned) % 10
        and luhn.is_valid(cleaned)
    )


_POSTAL_LINE = re.compile(r"(\d{3})\s?(\d{2})\s+(\S.*)")


@dataclass(frozen=True)
class PostalAddress:
    """A Swedish postal address as an e-invoice carries it."""

    street: str
    additional: str
    more: str
    postal_zone: str
    city: str


def address_lines(text: str) -> list[str]:
    """Address lines as typed: one per line, a literal `\\n` also separates lines; blanks dropped."""
    return [" ".join(line.split()) for line in text.replace("\\n", "\n").splitlines() if line.strip()]


def postal_address(lines: Sequence[str], name: str = "") -> PostalAddress:
    """Rule 27: street lines and a last line `NNN NN Ort`; a first line repeating the name is skipped.
    Raises ValueError when the last line has no postal code."""
    rest = [line for line in lines if line.strip()]
    if rest and name and name_key(rest[0]) == name_key(name):
        rest = rest[1:]
    if not rest:
        raise ValueError(_("the address is empty"))
    match = _POSTAL_LINE.fullmatch(rest[-1].strip())
    if match is None:
        raise ValueError(
            _("the address's last line must be the postal code and town, e.g. 801 84 Gävle (found '{rest}')").format(
                rest=rest[-1]
            )
        )
    street = rest[:-1]
    return PostalAddress(
        street=street[0] if street else "",
        additional=street[1] if len(street) > 1 else "",
        more=", ".join(street[2:]),
        postal_zone=match[1] + match[2],
        city=match[3].strip(),
    )


#: The VAT rates a Swedish VAT-registered seller may charge (rule 29; 0 % is exempt, category E).
VAT_RATES_BP = (0, 600, 1200, 2500)


def payer_missing(org: str | None, address: Sequence[str], reference: str, name: str) -> list[str]:
    """Rule 29: what a payer lacks before it can be sent an e-invoice."""
    missing = []
    if not org:
        missing.append(N_("organisation number"))
    try:
        postal_address(address, name)
    except ValueError:
        missing.append(N_("postal address (street, then postal code and town)"))
    if not reference.strip():
        missing.append(N_("buyer reference"))
    return missing


def seller_missing(seller: dict[str, str], rates: Iterable[int]) -> list[str]:
    """Rule 29-30: what the seller's details lack for an e-invoice with VAT at these rates."""
    missing = []
    if not seller.get("name", "").strip():
        missing.append("seller.name")
    if not seller.get("org-number"):
        missing.append("seller.org-number")
    try:
        postal_address(address_lines(seller.get("address", "")), seller.get("name", ""))
    except ValueError:
        missing.append(N_("seller.address (street, then postal code and town)"))
    if not (seller.get("bankgiro") or seller.get("plusgiro")):
        missing.append(N_("seller.bankgiro or seller.plusgiro"))
    used = set(rates)
    if any(rate > 0 for rate in used) and not seller.get("vat-number"):
        missing.append(N_("seller.vat-number (the invoice charges VAT)"))
    if any(rate == 0 for rate in used) and not (seller.get("vat-number") or seller.get("f-skatt") == "ja"):
        missing.append(N_("seller.f-skatt or seller.vat-number (a VAT-exempt line needs one)"))
    return missing


# --------------------------------------------------------------------------------------------------
# Rules 32-34: payments and what is owed


@dataclass(frozen=True)
class InvoiceState:
    """Rule 33: an invoice's payment state on a day."""

    state: str  # open, paid, overdue, credited, or credit (a credit note)
    paid: int
    balance: int  # still owed; negative when overpaid; 0 for a credit note and a credited invoice
    overpaid: int
    to_pay_back: int  # money received on a credited invoice
    days_late: int


def invoice_state(kind: str, total: int, due: date, credited: bool, paid: int, day: date) -> InvoiceState:
    """Rule 33: paid when the payments reach the total, overdue when the due date has passed unpaid,
    credited when a credit note cancels it (what was paid on it is to be paid back). An invoice taken over
    from the old system (rule 37) is owed the same way."""
    if kind not in PAYABLE_KINDS:
        return InvoiceState("credit", paid, 0, 0, 0, 0)
    if credited:
        return InvoiceState("credited", paid, 0, 0, max(paid, 0), 0)
    balance = total - paid
    if balance <= 0:
        return InvoiceState("paid", paid, balance, -balance, 0, 0)
    if day > due:
        return InvoiceState("overdue", paid, balance, 0, 0, (day - due).days)
    return InvoiceState("open", paid, balance, 0, 0, 0)


def payment_allowed(kind: str, day: date, amount: int, today: date) -> list[str]:
    """Rule 32 (and 0): a payment goes to an invoice (not a credit note), is dated not after today, and is
    a positive amount."""
    problems = not_in_future(_("the payment"), day, today)
    if kind not in PAYABLE_KINDS:
        problems.append(_("a payment goes to an invoice, not to a credit note"))
    if amount <= 0:
        problems.append(_("a payment is an amount above zero"))
    return problems


def ocr_candidates(references: Iterable[str]) -> list[str]:
    """Rule 32: the references of a bank payment that can be OCR numbers (digits only), as the bank gave
    them less spaces and leading zeros. Only an exact match with an invoice's OCR reference matches, and
    those carry valid length and check digits, so a mistyped reference never matches."""
    found = []
    for reference in references:
        cleaned = reference.replace(" ", "").lstrip("0")
        if cleaned.isascii() and cleaned.isdigit() and cleaned not in found:
            found.append(cleaned)
    return found


# --------------------------------------------------------------------------------------------------
# Rule 46: cohorts (pools) of municipalities that start together and run a fixed number of months

MAX_COHORT_MONTHS = 120


def cohort_end(start: date, months: int) -> date:
    """The first day after a cohort: `months` months after its start."""
    return start + relativedelta(months=months)


def cohort_definition(name: str, months: int) -> list[str]:
    """A cohort has a name and runs from 1 to 120 months."""
    problems = []
    if not name.strip():
        problems.append(_("a cohort has a name"))
    if not 1 <= months <= MAX_COHORT_MONTHS:
        problems.append(
            _("a cohort runs from 1 to {most} months, not {months}").format(most=MAX_COHORT_MONTHS, months=months)
        )
    return problems


def cohort_meeting(name: str, start: date, day: date) -> list[str]:
    """Rule 46: a cohort's gathering is held once the cohort has started."""
    if day < start:
        return [
            _("the cohort {name} starts on {start}: its meeting cannot be on {day}, before it starts").format(
                name=name, start=start.isoformat(), day=day.isoformat()
            )
        ]
    return []


def cohort_joining(municipality: str, start: date, end: date, others: Iterable[tuple[str, date, date]]) -> list[str]:
    """Rule 46: a municipality is in one cohort of a programme at a time: `others` holds the (name, start,
    end) of the programme's other cohorts it is already in."""
    return [
        _("{municipality} is already in the cohort {name} ({start} – {end}) of this programme").format(
            municipality=municipality, name=name, start=first.isoformat(), end=last.isoformat()
        )
        for name, first, last in others
        if first < end and start < last
    ]


# --------------------------------------------------------------------------------------------------
# Rules 40-42: money owed and money back

#: Charges that are compensation, not a sale (rules 40-41): outside VAT, billed on an invoice of their own.
COMPENSATION_CODES: dict[str, str] = {
    "reminder-fee": "Påminnelseavgift",
    "late-interest": "Dröjsmålsränta",
}
#: The note an invoice of reminder fees and interest carries: they are outside VAT (Peppol category O).
COMPENSATION_NOTE = "Utanför momsens tillämpningsområde: ersättning för sen betalning, ingen försäljning"
#: The most a reminder fee may be (lag 1981:739 and its förordning: 60 kr).
MAX_REMINDER_FEE_ORE = 6_000
#: Räntelagen 1975:635, 6 §: late-payment interest is the reference rate plus 8 percentage points.
INTEREST_MARGIN_BP = 800
DAYS_IN_YEAR = 365


def charge_name(kind: str) -> str:
    """What a charge is called on an invoice line and in an e-invoice."""
    return PRICE_CODES.get(kind) or COMPENSATION_CODES.get(kind) or kind


def is_compensation(kind: str) -> bool:
    """A reminder fee or late-payment interest: outside VAT (Peppol category O), on an invoice of its own."""
    return kind in COMPENSATION_CODES


def is_compensation_invoice(kinds: Iterable[str]) -> bool:
    """An invoice of reminder fees and late-payment interest only (every line `is_compensation`). Lag
    1981:739 allows a reminder fee only where it was agreed when the debt arose, and räntelagen lets no
    interest run on interest: such an invoice is reminded without a fee and bears no late-payment interest."""
    found = list(kinds)
    return bool(found) and all(is_compensation(kind) for kind in found)


def reminder_fee_for(fee: int, compensation: bool) -> int:
    """Rule 40: the fee a reminder carries; none on an invoice of reminder fees and interest."""
    return 0 if compensation else fee


def invoice_groups(charges: Iterable[Charge], already_billed: Iterable[str]) -> list[tuple[int, list[Charge]]]:
    """Rule 18 with rules 40-41: one invoice per payer for what it bought, and one more per payer for its
    reminder fees and late-payment interest (outside VAT, which an e-invoice cannot mix with sales)."""
    groups: list[tuple[int, list[Charge]]] = []
    for payer, found in invoices_for(charges, already_billed).items():
        sales = [c for c in found if not is_compensation(c.kind)]
        compensation = [c for c in found if is_compensation(c.kind)]
        groups += [(payer, part) for part in (sales, compensation) if part]
    return groups


def reminder_fee_setting(fee: int) -> list[str]:
    """Rule 40: a reminder fee is at most 60 kr (lag 1981:739) and not negative."""
    if fee < 0:
        return [_("a reminder fee cannot be negative")]
    if fee > MAX_REMINDER_FEE_ORE:
        return [_("a reminder fee may be at most {most} (lag 1981:739)").format(most=format_kr(MAX_REMINDER_FEE_ORE))]
    return []


@dataclass(frozen=True)
class ReminderTerms:
    """Rule 40's settings: days after the due date before the first reminder, days between reminders, how
    many at most, days to pay after a reminder, and the fee in öre (0: none)."""

    days_after_due: int = 10
    interval: int = 14
    most: int = 2
    payment_days: int = 10
    fee: int = 0


def next_reminder(
    due: date, reminded: int, last: date | None, day: date, terms: ReminderTerms, blocked: bool, balance: int
) -> tuple[int | None, str]:
    """Rule 40: the level of the reminder an invoice may get on `day` (1 for the first), given how many it
    has had and the last one's date; or None and why not: not overdue, blocked, too soon after the due date
    or the last reminder, or all reminders sent."""
    if balance <= 0 or day <= due:
        return None, _("it is not overdue")
    if blocked:
        return None, _("it is blocked")
    if reminded >= terms.most:
        return None, _("it has had its {most} reminders; hand it over for collection").format(most=terms.most)
    if not reminded or last is None:
        first = due + relativedelta(days=terms.days_after_due)
        if day < first:
            return None, _("the first reminder comes on {day} at the earliest").format(day=first.isoformat())
        return 1, ""
    following = last + relativedelta(days=terms.interval)
    if day < following:
        return None, _("the next reminder comes on {day} at the earliest").format(day=following.isoformat())
    return reminded + 1, ""


def reminder_due_date(day: date, terms: ReminderTerms) -> date:
    """Rule 40: a reminder's new day to pay by."""
    return day + relativedelta(days=terms.payment_days)


def to_collection(reminders: int, last: date | None, day: date, terms: ReminderTerms, balance: int) -> bool:
    """Rule 40: an invoice still owed after its last reminder's own time to pay is one to hand over for
    collection."""
    return balance > 0 and reminders >= terms.most and last is not None and day > reminder_due_date(last, terms)


def parse_rate(text: str) -> int:
    """A reference rate in percent as the Riksbank gives it (`2,25`, `-0.5`, `4 %`) → basis points."""
    cleaned = text.strip().removesuffix("%").strip()
    sign = -1 if cleaned.startswith("-") else 1
    bp = parse_percent(cleaned.removeprefix("-"))
    if bp > 3_000:
        raise ValueError(_("'{text}' is not a reference rate between -30 and 30 %").format(text=text))
    return sign * bp


@dataclass(frozen=True)
class Interest:
    """Late-payment interest worked out for an invoice: öre, for the days `first` to `last` (inclusive);
    `missing` is the first day no reference rate covers (nothing is charged then)."""

    amount: int
    first: date
    last: date
    missing: date | None = None


def late_interest(
    total: int,
    due: date,
    received: Iterable[tuple[date, int]],
    rates: Sequence[tuple[date, int]],
    charged_through: date | None,
    through: date,
) -> Interest:
    """Rule 41 (räntelagen 6 §): interest on the unpaid balance of each day after the due date, at the
    reference rate in force that day plus 8 percentage points, from the day after `charged_through` (the
    days already charged) up to `through`. Money received on a day counts from the next day, so an invoice
    paid on day P bears interest up to and including P, and the period (`last`) ends on P. Each day's
    interest is balance × rate / 365; the sum is rounded to whole öre once (half up)."""
    first = max(due, charged_through or due) + relativedelta(days=1)
    if through < first:
        return Interest(0, first, through)
    ordered_rates = sorted(rates)
    events = sorted(received)
    # Days on which the balance or the rate changes: the day after each receipt, each rate's first day.
    changes = sorted(
        {d + relativedelta(days=1) for d, _ in events if first < d + relativedelta(days=1) <= through}
        | {start for start, _ in ordered_rates if first < start <= through}
    )
    numerator = 0
    last = through
    owed_after = False  # whether any day of the period bears interest
    bounds = [first, *changes, through + relativedelta(days=1)]
    for start, end in zip(bounds, bounds[1:], strict=False):
        balance = total - sum(amount for d, amount in events if d < start)
        if balance <= 0:
            continue
        in_force = [bp for valid_from, bp in ordered_rates if valid_from <= start]
        if not in_force:
            return Interest(0, first, through, missing=start)
        numerator += balance * (in_force[-1] + INTEREST_MARGIN_BP) * (end - start).days
        last, owed_after = end - relativedelta(days=1), True
    denominator = 10_000 * DAYS_IN_YEAR
    # The period ends on the last day that bears interest: the day the last of the balance was paid.
    return Interest((numerator * 2 + denominator) // (2 * denominator), first, last if owed_after else through)


def interest_true_up(owed: int, charged: int) -> tuple[int, int]:
    """Rule 41, trued up: the interest still to charge on an invoice (owed from its due date with the money as
    it stands now, less what was charged already), and what was charged beyond what is owed when money moved
    back to an earlier day (for the coordinator to credit; nothing is charged then)."""
    if owed >= charged:
        return owed - charged, 0
    return 0, charged - owed


def interest_period_start(due: date, charged_through: date | None, last: date) -> date:
    """The first day of a new interest charge's period: the day after the last charge's days, or (when a
    true-up charges days already in a period, money having moved) the day after the due date."""
    first = max(due, charged_through or due) + relativedelta(days=1)
    return first if first <= last else due + relativedelta(days=1)


def part_allowed(unallocated: int, amount: int, kind: str, credited: bool) -> list[str]:
    """Rule 42: a part of a payment goes to a live invoice, is above zero, and is no more than what of the
    payment is not yet on an invoice (the sum of the parts never exceeds the payment)."""
    problems = []
    if kind not in PAYABLE_KINDS:
        problems.append(_("a payment goes to an invoice, not to a credit note"))
    elif credited:
        problems.append(_("the invoice is credited; put the money on an open invoice"))
    if amount <= 0:
        problems.append(_("a part of a payment is an amount above zero"))
    elif amount > unallocated:
        problems.append(
            _("only {left} of the payment is on no invoice; {amount} is more").format(
                left=format_kr(unallocated), amount=format_kr(amount)
            )
        )
    return problems


def taking_off_allowed(received_after: int, refunded: int, offset_away: int) -> list[str]:
    """Rule 42: money can be taken off an invoice only as far as it was not paid back or set off from it
    already (else money would leave twice)."""
    if received_after < refunded + offset_away:
        return [
            _("{amount} of this invoice's money was paid back or set off already; undo no more than the rest").format(
                amount=format_kr(refunded + offset_away)
            )
        ]
    return []


def offset_allowed(same_payer: bool, to_is_open: bool, available: int, owed: int, amount: int) -> list[str]:
    """Rule 42: an overpayment (or money to pay back on a credited invoice) is set off only against another
    open invoice of the same payer, and only as much as there is and as is owed."""
    problems = []
    if not same_payer:
        problems.append(_("a set-off stays within one payer; the two invoices have different payers"))
    if not to_is_open:
        problems.append(_("money is set off against an invoice that is still owed"))
    if amount <= 0:
        problems.append(_("there is nothing to set off (the amount is not above zero)"))
    else:
        if amount > available:
            problems.append(
                _("only {available} is overpaid or to pay back on the first invoice").format(
                    available=format_kr(max(available, 0))
                )
            )
        if to_is_open and amount > owed:
            problems.append(_("only {owed} is owed on the second invoice").format(owed=format_kr(owed)))
    return problems


def money_move_dated(
    what: str,
    day: date,
    last_received: date | None,
    credited_on: date | None = None,
    target_dated: date | None = None,
) -> list[str]:
    """Rule 42: a set-off or refund (dated not after today: `not_in_future`) is dated not before the latest
    money received on the invoice it takes money from (that money was not there yet), not before the credit
    note that freed the money on a credited invoice, and (a set-off) not before the invoice it goes to was
    issued."""
    problems = []
    if last_received is not None and day < last_received:
        problems.append(
            _("{what} is dated {day}, before the money it moves arrived on the invoice ({received})").format(
                what=what, day=day.isoformat(), received=last_received.isoformat()
            )
        )
    if credited_on is not None and day < credited_on:
        problems.append(
            _("{what} is dated {day}, before the credit note that freed the money ({credited})").format(
                what=what, day=day.isoformat(), credited=credited_on.isoformat()
            )
        )
    if target_dated is not None and day < target_dated:
        problems.append(
            _("{what} is dated {day}, before the invoice it goes to was issued ({issued})").format(
                what=what, day=day.isoformat(), issued=target_dated.isoformat()
            )
        )
    return problems


def refund_allowed(to_pay_back: int, amount: int, day: date, today: date) -> list[str]:
    """Rule 42: a refund is above zero, dated not after today, and no more than what is overpaid or to be
    paid back on the invoice."""
    problems = not_in_future(_("the refund"), day, today)
    if amount <= 0:
        problems.append(_("a refund is an amount above zero"))
    elif amount > to_pay_back:
        problems.append(
            _("only {owed} is overpaid or to pay back on this invoice; {amount} is more").format(
                owed=format_kr(max(to_pay_back, 0)), amount=format_kr(amount)
            )
        )
    return problems


# ---- delivery and letters (rules 43-44) -----------------------------------------------------------------

#: The channels an invoice, credit note or reminder goes by (rule 43), in the order the default takes them.
DELIVERY_CHANNELS = ("peppol", "email", "print")
#: What a trainer can be written to about (rule 44).
LETTER_SUBJECTS = ("lists", "meetings", "renewal")


def delivery_channel_choice(text: str) -> str:
    """A channel as the coordinator chooses it for a payer (`payer set --delivery`), or ValueError."""
    value = text.strip().casefold()
    if value not in DELIVERY_CHANNELS:
        raise ValueError(
            _("unknown delivery channel '{text}' (known: {join})").format(text=text, join=", ".join(DELIVERY_CHANNELS))
        )
    return value


def delivery_channel(chosen: str | None, peppol_id: str | None, email: str, reminder: bool = False) -> str:
    """Rule 43: the payer's chosen channel, else peppol when it has a Peppol address, else email when it has
    an address, else print. A reminder is never an e-invoice (rule 40): where the channel is peppol, it
    goes by e-mail when the payer has an address, else it is printed."""
    channel = chosen or ("peppol" if peppol_id else "email" if email else "print")
    if reminder and channel == "peppol":
        channel = "email" if email else "print"
    return channel


def channel_missing(channel: str, peppol_id: str | None, email: str, address: Sequence[str]) -> list[str]:
    """Rule 43: what a payer lacks before its channel can carry anything to it (beyond what the document
    itself needs): a Peppol address, an e-mail address, or a postal address to post the letter to."""
    if channel == "peppol" and not peppol_id:
        return [N_("Peppol address")]
    if channel == "email" and not email:
        return [N_("e-mail")]
    if channel == "print" and not address:
        return [N_("address")]
    return []


def delivery_state(statuses: Sequence[str]) -> str | None:
    """Rule 43: the state of one thing to deliver from its attempts, oldest first: None (never tried),
    `sent`, `failed` (waits for the next run) or `uncertain` (started and never confirmed)."""
    if not statuses:
        return None
    newest = statuses[-1]
    return "uncertain" if newest == "started" else newest


def to_deliver(state: str | None, again: bool, named: bool) -> bool:
    """Rule 43: whether to deliver now. What was never tried, or failed, goes; what is uncertain goes only
    with `--again`; what was sent goes again only with `--again` and when asked for by name (or number)."""
    if state in (None, "failed"):
        return True
    if state == "uncertain":
        return again
    return again and named


def meetings_left(network_meetings: int, conferences: int, required: dict[str, int]) -> tuple[int, int]:
    """Rule 21 as a letter says it (rule 44): the network meetings and conferences still to attend, of what
    the trainer's level asks for the year (`obligations_for`)."""
    return (
        max(required.get("network", 0) - network_meetings, 0),
        max(required.get("conference", 0) - conferences, 0),
    )
