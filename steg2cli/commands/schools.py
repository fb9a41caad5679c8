"""`start-school` and `school list|show|step|stop|problem`."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from steg2cli.commands import common
from steg2cli.i18n import _, ngettext

app = common.group(
    "Schools and their programmes: add, edit, list, show, steps, contacts, leads, payer, stops, problems."
)

JsonOption = Annotated[bool, typer.Option("--json", help=common.JSON_HELP)]
SchoolArg = Annotated[str, typer.Argument(help="School id, or its name where the name is unique.")]
NarrowOption = Annotated[
    str | None,
    typer.Option(
        "--municipality",
        autocompletion=common.complete_municipality,
        help="The school's municipality (when the name is not unique).",
    ),
]
ProgrammeOption = Annotated[
    str,
    typer.Option(
        "--programme", autocompletion=common.complete_programme, help="Programme: mvp-ms, mvp-hs, mvp-gy or at."
    ),
]


def timeline(school: dict[str, Any]) -> None:
    """Each programme as a small timeline: steps done (with ids, void ones marked), steps still to do, the
    contact person and leading trainer with their history, the stop; then the problems."""
    from rich.markup import escape

    out = common.console()
    out.print(
        _("[bold]School {id}: {name}[/bold], {municipality}").format(
            id=school["id"], name=escape(school["name"]), municipality=escape(common.place(school["municipality"]))
        )
    )
    for run in school["programmes"]:
        contact = run["contact"]
        state = _("stopped {stopped_on}").format(stopped_on=run["stopped_on"]) if run["stopped_on"] else _("running")
        out.print(
            _("\n[bold]{programme_name}[/bold] ({programme}) started {start}, led by {trainer} — {state}").format(
                programme_name=run["programme_name"],
                programme=run["programme"],
                start=run["start"],
                trainer=escape(trainer_text(run)),
                state=state,
            )
        )
        out.print(
            _("  contact: ")
            + contact["name"]
            + f" <{contact['email']}>"
            + (f", {contact['phone']}" if contact["phone"] else ""),
            markup=False,
        )
        if len(run["contacts"]) > 1:
            for entry in run["contacts"]:
                out.print(
                    _("    from {since}: {name} <{email}>").format(
                        since=entry["from"], name=entry["name"], email=entry["email"]
                    ),
                    markup=False,
                    style="dim",
                )
        if len(run["leads"]) > 1:
            out.print(
                _("  leading trainers: {leads}").format(
                    leads=", ".join(
                        _("{trainer} from {since}").format(trainer=trainer_text(x), since=x["from"])
                        for x in run["leads"]
                    )
                ),
                markup=False,
            )
        live: dict[str, list[dict[str, Any]]] = {}
        for step in run["steps"]:
            if step["void"] is None:
                live.setdefault(step["step"], []).append(step)
        names = {entry["code"]: entry["name"] for entry in run["programme_steps"]}
        for code, label in names.items():
            held = live.get(code, [])
            if held:
                dates = ", ".join(
                    _("{date} ({trainer}, id {id})").format(
                        date=s["date"], trainer=trainer_text(s, short=True), id=s["id"]
                    )
                    for s in held
                )
                times = f" ×{len(held)}" if len(held) > 1 else ""
                out.print(f"  [green]✓[/green] {escape(label + times):<24} {escape(dates)}")
            else:
                pending = _("to do") if not run["stopped_on"] else _("not held")
                out.print(f"  [dim]·[/dim] {escape(label):<24} [dim]{pending}[/dim]")
        for step in run["steps"]:
            if step["void"] is not None:
                out.print(
                    _("  [dim]✗ {steps:<24} {date} (id {id}), {void}[/dim]").format(
                        steps=names.get(step["step"], step["step"]),
                        date=step["date"],
                        id=step["id"],
                        void=escape(common.void_text(step["void"])),
                    )
                )
        if run["stopped_on"]:
            out.print(
                _("  [red]■[/red] stopped {stopped_on}: {value}").format(
                    stopped_on=run["stopped_on"], value=escape(run["stop_reason"] or "")
                )
            )
    if school.get("problems"):
        out.print("\n[bold]" + _("Problems") + "[/bold]")
        for problem in school["problems"]:
            mark = f"  ({common.void_text(problem['void'])})" if problem["void"] else ""
            out.print(
                _("  {date}  {note}  (id {id}){mark}").format(
                    date=problem["date"], note=problem["note"], id=problem["id"], mark=mark
                ),
                markup=False,
            )
    _trainees(school.get("trainees") or [])


#: How many trainee reports `school show` lists at a terminal (the newest; --json lists them all).
TRAINEES_SHOWN = 20


def _trainees(trainees: list[dict[str, Any]]) -> None:
    """The school's newest trainee reports with the ids `steg2 void trainee ID` takes."""
    if not trainees:
        return
    live = sum(1 for t in trainees if t["void"] is None)
    out = common.console()
    out.print(
        "\n[bold]" + ngettext("{count} person trained", "{count} people trained", live).format(count=live) + "[/bold]"
    )
    shown = trainees[-TRAINEES_SHOWN:]
    common.table(
        None,
        [_("id"), _("date"), _("programme"), _("name"), _("trained by"), ""],
        (
            [t["id"], t["date"], t["programme"], t["name"], trainer_text(t), common.void_text(t["void"])]
            for t in reversed(shown)
        ),
    )
    if len(trainees) > len(shown):
        common.done(
            _("… and {rest} earlier (steg2 school show SCHOOL --json lists them all)").format(
                rest=len(trainees) - len(shown)
            )
        )


def trainer_text(entry: dict[str, Any], short: bool = False) -> str:
    """`Anna Lind (trainer 6)`: who did or leads something, by name and id (`short`: the name alone)."""
    name = entry.get("trainer_name")
    if not name:
        return _("trainer {id}").format(id=entry["trainer_id"])
    return name if short else _("{name} (trainer {id})").format(name=name, id=entry["trainer_id"])


def _emit(school: dict[str, Any], as_json: bool, message: str) -> None:
    if as_json:
        common.emit_json(school)
    else:
        common.done(message)


def start_school(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The school's name (a new school is created).")],
    municipality: Annotated[
        str,
        typer.Option("--municipality", autocompletion=common.complete_municipality, help="The school's municipality."),
    ],
    programme: ProgrammeOption,
    start: Annotated[str, typer.Option("--start", help="The programme's start date.")],
    trainer: Annotated[str, typer.Option("--trainer", help="The trainer who leads the start (id or e-mail).")],
    contact_name: Annotated[str, typer.Option("--contact-name", help="The school's contact person.")],
    contact_email: Annotated[str, typer.Option("--contact-email", help="The contact person's e-mail.")],
    contact_phone: Annotated[str | None, typer.Option("--contact-phone", help="The contact person's phone.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Start a programme at a school, naming the school's contact person and the trainer who leads the start."""
    from steg2cli.services import schools

    result = schools.start(
        common.database(ctx),
        schools.ProgrammeStart(
            school=name,
            municipality=municipality,
            programme=programme,
            start=common.required_day(start, "--start"),
            trainer=trainer,
            contact_name=contact_name,
            contact_email=contact_email,
            contact_phone=contact_phone,
        ),
    )
    run = result["programmes"][-1]
    _emit(
        result,
        as_json,
        _("Started {programme_name} at {name} (school {id}) on {start}.").format(
            programme_name=run["programme_name"], name=result["name"], id=result["id"], start=run["start"]
        ),
    )


@app.command("list")
def list_(
    ctx: typer.Context,
    municipality: NarrowOption = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help=common.LIMIT_HELP)] = None,
    as_json: JsonOption = False,
) -> None:
    """List schools with their programmes and how far each has come."""
    from steg2cli.services import schools

    with schools.each_school(common.database(ctx), municipality, common.today()) as found:
        if as_json:
            common.emit_json_list(found, limit)
            return
        common.table(
            _("Schools"),
            [_("id"), _("school"), _("municipality"), _("programme"), _("start"), _("steps"), _("state")],
            (row for school in found for row in _school_rows(school)),
            empty=_("no schools"),
            limit=limit,
        )


def _school_rows(school: dict[str, Any]) -> list[list[Any]]:
    """A school's lines in `school list`: one per programme, or one without."""
    if not school["programmes"]:
        return [[school["id"], school["name"], school["municipality"]["name"], "", "", "", ""]]
    rows = []
    for run in school["programmes"]:
        live = [s for s in run["steps"] if s["void"] is None]
        done = len({s["step"] for s in live if s["step"] != "handledning"})
        supervisions = sum(s["step"] == "handledning" for s in live)
        rows.append(
            [
                school["id"],
                school["name"],
                school["municipality"]["name"],
                run["programme"],
                run["start"],
                f"{done}/5" + (f"+{supervisions}h" if supervisions else ""),
                _("stopped") if run["stopped_on"] else _("running"),
            ]
        )
    return rows


@app.command("show")
def show(ctx: typer.Context, school: SchoolArg, municipality: NarrowOption = None, as_json: JsonOption = False) -> None:
    """Show a school: each programme's timeline of steps, its contact, stops and problems."""
    from steg2cli.services import schools

    result = schools.show(common.database(ctx), school, municipality, common.today())
    if as_json:
        common.emit_json(result)
    else:
        timeline(result)


@app.command("step")
def step(
    ctx: typer.Context,
    school: SchoolArg,
    step: Annotated[
        str,
        typer.Argument(
            autocompletion=common.complete_step,
            help="A step of the programme: forankring, kunskapshalvdag, grundutbildning-1|2|3 or handledning in MÄN's.",
        ),
    ],
    programme: ProgrammeOption,
    date: Annotated[str, typer.Option("--date", help="The day the step was held.")],
    trainer: Annotated[str, typer.Option("--trainer", help="The trainer who led it (id or e-mail).")],
    municipality: NarrowOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record an implementation step held at a school (under the leader's agreement; basic training parts in order)."""
    from steg2cli.services import schools

    result = schools.record_step(
        common.database(ctx),
        school,
        programme,
        step,
        common.required_day(date, "--date"),
        trainer,
        common.today(),
        municipality,
    )
    _emit(
        result,
        as_json,
        _("Recorded {step} at {name} on {date}.").format(
            step=_step_name(result, step).lower(), name=result["name"], date=date
        ),
    )


def _step_name(result: dict[str, Any], step: str) -> str:
    for run in result["programmes"]:
        for entry in run["programme_steps"]:
            if entry["code"] == step:
                return str(entry["name"])
    return step


@app.command("stop")
def stop(
    ctx: typer.Context,
    school: SchoolArg,
    programme: ProgrammeOption,
    date: Annotated[str, typer.Option("--date", help="The day the programme stopped.")],
    reason: Annotated[str, typer.Option("--reason", help="Why it stopped.")],
    municipality: NarrowOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record that a school stopped a programme, with the date and reason."""
    from steg2cli.services import schools

    result = schools.stop(
        common.database(ctx),
        school,
        programme,
        common.required_day(date, "--date"),
        reason,
        common.today(),
        municipality,
    )
    name = next(
        (run["programme_name"] for run in result["programmes"] if run["stopped_on"] == date),
        programme,
    )
    _emit(
        result,
        as_json,
        _("Recorded that {school} stopped {programme} on {date}.").format(
            school=result["name"], programme=name, date=date
        ),
    )


@app.command("problem")
def problem(
    ctx: typer.Context,
    school: SchoolArg,
    date: Annotated[str, typer.Option("--date", help="The day of the problem.")],
    note: Annotated[str, typer.Option("--note", help="What happened.")],
    municipality: NarrowOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record a dated note about a problem at a school."""
    from steg2cli.services import schools

    result = schools.note_problem(
        common.database(ctx), school, common.required_day(date, "--date"), note, common.today(), municipality
    )
    _emit(result, as_json, _("Noted a problem at {name} on {date}.").format(name=result["name"], date=date))


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The school's name (unique within its municipality).")],
    municipality: Annotated[
        str,
        typer.Option("--municipality", autocompletion=common.complete_municipality, help="The school's municipality."),
    ],
    as_json: JsonOption = False,
) -> None:
    """Register a school before any programme starts there (so that a school agreement can come first)."""
    from steg2cli.services import schools

    result = schools.add(common.database(ctx), name, municipality)
    _emit(
        result,
        as_json,
        _("Added school {id}: {name}, {municipality}.").format(
            id=result["id"], name=result["name"], municipality=common.place(result["municipality"])
        ),
    )


@app.command("edit")
def edit(
    ctx: typer.Context,
    school: SchoolArg,
    name: Annotated[str | None, typer.Option("--name", help="The corrected name.")] = None,
    municipality: NarrowOption = None,
    as_json: JsonOption = False,
) -> None:
    """Correct a school's name; the audit trail keeps the old one."""
    from steg2cli.services import schools

    result = schools.edit(common.database(ctx), school, name, municipality, common.today())
    _emit(result, as_json, _("School {id} is now called {name}.").format(id=result["id"], name=result["name"]))


@app.command("contact")
def contact(
    ctx: typer.Context,
    school: SchoolArg,
    programme: ProgrammeOption,
    name: Annotated[str, typer.Option("--name", help="The new contact person.")],
    email: Annotated[str, typer.Option("--email", help="Their e-mail address.")],
    date: Annotated[str, typer.Option("--date", help="The day they take over.")],
    phone: Annotated[str | None, typer.Option("--phone", help="Their phone number.")] = None,
    municipality: NarrowOption = None,
    as_json: JsonOption = False,
) -> None:
    """Name a programme's new contact person from a date on; the earlier ones are kept as history."""
    from steg2cli.services import schools

    result = schools.change_contact(
        common.database(ctx),
        school,
        programme,
        name,
        email,
        phone,
        common.required_day(date, "--date"),
        common.today(),
        municipality,
    )
    _emit(
        result,
        as_json,
        _("{contact} is the contact person for {programme} at {name} from {date}.").format(
            contact=" ".join(name.split()), programme=programme, name=result["name"], date=date
        ),
    )


@app.command("lead")
def lead(
    ctx: typer.Context,
    school: SchoolArg,
    programme: ProgrammeOption,
    trainer: Annotated[str, typer.Option("--trainer", help="The trainer who takes over (id or e-mail).")],
    date: Annotated[str, typer.Option("--date", help="The day they take over.")],
    municipality: NarrowOption = None,
    as_json: JsonOption = False,
) -> None:
    """Let another trainer, under agreement for the school, lead a programme from a date on; the history is kept."""
    from steg2cli.services import schools

    result = schools.change_lead(
        common.database(ctx),
        school,
        programme,
        trainer,
        common.required_day(date, "--date"),
        common.today(),
        municipality,
    )
    _emit(
        result,
        as_json,
        _("{trainer} leads {programme} at {name} from {date}.").format(
            trainer=trainer_text(result["new_lead"]), programme=programme, name=result["name"], date=date
        ),
    )


@app.command("payer")
def payer(
    ctx: typer.Context,
    school: SchoolArg,
    payer: Annotated[str, typer.Argument(help="A payer id (see `payer list`), or a municipality.")],
    municipality: NarrowOption = None,
    as_json: JsonOption = False,
) -> None:
    """Send the school's invoices (its school agreements' fees) to another payer from the next run on."""
    from steg2cli.services import payers

    result = payers.set_school_payer(common.database(ctx), school, payer, municipality)
    _emit(
        result,
        as_json,
        _("{school}'s invoices go to {payer} (payer {id}) from the next invoice run.").format(
            school=result["name"], payer=result["payer"]["name"], id=result["payer"]["id"]
        ),
    )
