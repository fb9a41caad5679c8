"""`register-trainer` and `trainer list|show|move`."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from steg2cli.commands import common
from steg2cli.i18n import _, ngettext

app = common.group("The trainer register: list, show, edit and move trainers.")

JsonOption = Annotated[bool, typer.Option("--json", help=common.JSON_HELP)]


def _agreement_text(trainer: dict[str, Any]) -> str:
    agreement = trainer["agreement"]
    if agreement is None:
        return ""
    school = agreement["scope"]["school"]
    return _("#{id} from {start}").format(id=agreement["id"], start=agreement["start"]) + (
        f" ({school['name']})" if school else ""  # a name, nothing to translate
    )


def register_trainer(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The trainer's full name.")],
    email: Annotated[str, typer.Option("--email", help="E-mail address (identifies the trainer).")],
    municipality: Annotated[
        str,
        typer.Option(
            "--municipality", autocompletion=common.complete_municipality, help="Home municipality: name or code."
        ),
    ],
    basic_training: Annotated[str, typer.Option("--basic-training", help="Date of the MVP/AT grundutbildning.")],
    series_held: Annotated[
        str, typer.Option("--series-held", help="Date the whole programme series was first held with pupils.")
    ],
    appointed_by: Annotated[str, typer.Option("--appointed-by", help='Who appointed the trainer: "NAME, ROLE".')],
    phone: Annotated[str | None, typer.Option("--phone", help="Phone number.")] = None,
    programme: Annotated[
        list[str] | None,
        typer.Option(
            "--programme",
            autocompletion=common.complete_programme,
            help="Programme the trainer has worked with (repeatable).",
        ),
    ] = None,
    level: Annotated[str, typer.Option("--level", help="The trainer's level (a level of the definition).")] = "steg2",
    as_json: JsonOption = False,
) -> None:
    """Register a new Steg 2 trainer: trained in MVP/AT, has held the programme series, appointed by name."""
    from steg2cli.services import trainers

    new = trainers.NewTrainer(
        name=name,
        email=email,
        municipality=municipality,
        basic_training=common.required_day(basic_training, "--basic-training"),
        series_held=common.required_day(series_held, "--series-held"),
        appointed_by=appointed_by,
        phone=phone,
        programmes=tuple(programme or ()),
        level=level,
    )
    result = trainers.register(common.database(ctx), new, common.today())
    if as_json:
        common.emit_json(result)
    else:
        common.done(
            _("Registered trainer {id}: {name} ({municipality}).").format(
                id=result["id"], name=result["name"], municipality=common.place(result["municipality"])
            )
        )


@app.command("list")
def list_(
    ctx: typer.Context,
    municipality: Annotated[
        str | None,
        typer.Option("--municipality", autocompletion=common.complete_municipality, help="Only this municipality."),
    ] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help=common.LIMIT_HELP)] = None,
    as_json: JsonOption = False,
) -> None:
    """List trainers with their certification and the agreement in force today."""
    from steg2cli.services import trainers

    with trainers.each_trainer(common.database(ctx), common.today(), municipality) as found:
        if as_json:
            common.emit_json_list(found, limit)
            return
        common.table(
            _("Trainers"),
            [_("id"), _("name"), _("municipality"), _("state"), _("certified"), _("agreement")],
            (
                [
                    t["id"],
                    t["name"],
                    t["municipality"]["name"],
                    common.word(t["state"]),
                    t["certified_on"] or "",
                    _agreement_text(t),
                ]
                for t in found
            ),
            empty=_("no trainers registered"),
            limit=limit,
        )


@app.command("show")
def show(
    ctx: typer.Context,
    trainer: Annotated[str, typer.Argument(help="Trainer id or e-mail address.")],
    as_json: JsonOption = False,
) -> None:
    """Show one trainer: contact, certification, courses, agreements and moves."""
    from steg2cli.services import trainers

    result = trainers.show(common.database(ctx), trainer, common.today())
    if as_json:
        common.emit_json(result)
        return
    common.fields(
        [
            (_("e-mail"), result["email"]),
            (_("phone"), result["phone"]),
            (_("municipality"), common.place(result["municipality"])),
            (_("programmes"), ", ".join(result["programmes"])),
            (_("grundutbildning"), result["basic_training"]),
            (_("series held"), result["series_held"]),
            (_("appointed by"), result["appointed_by"]),
            (_("certified"), result["certified_on"]),
            (_("state"), common.word(result["state"])),
            (_("agreement today"), _agreement_text(result)),
            *([(_("level"), result["level"])] if result["level"] != "steg2" else []),
            *(
                [
                    (
                        _("no longer active"),
                        _("from {day}").format(day=result["inactive"]["from"])
                        + (f": {result['inactive']['reason']}" if result["inactive"]["reason"] else ""),
                    )
                ]
                if result["inactive"]
                else []
            ),
        ],
        title=_("Trainer {id}: {name}").format(id=result["id"], name=result["name"]),
    )
    if result["agreements"]:
        # Rule 37: an agreement moved in says up to which day the old system invoiced its yearly fees.
        billed = any(a.get("billed_until") for a in result["agreements"])
        common.table(
            _("Agreements"),
            [_("id"), _("start"), _("end"), _("scope"), _("reason")]
            + ([_("invoiced before steg2 until")] if billed else []),
            (
                [
                    a["id"],
                    a["start"],
                    a["end"] or _("running"),
                    (a["scope"]["school"] or a["scope"]["municipality"])["name"],
                    _("moved to {place}").format(place=a["moved_to"]) if a.get("moved_to") else a["end_reason"],
                ]
                + ([a["billed_until"] or ""] if billed else [])
                for a in result["agreements"]
            ),
        )
    if result["courses"]:
        common.table(
            _("Steg 2 courses"),
            [_("id"), _("kind"), _("date"), _("completed")],
            (
                [c["id"], common.word(c["kind"]), c["date"], c["completed_on"] or _("not yet")]
                for c in result["courses"]
            ),
        )
    if result["moves"]:
        common.table(
            _("Moves"),
            [_("date"), _("from"), _("to")],
            ([m["date"], m.get("from_name") or m["from"], m.get("to_name") or m["to"]] for m in result["moves"]),
        )


@app.command("move")
def move(
    ctx: typer.Context,
    trainer: Annotated[str, typer.Argument(help="Trainer id or e-mail address.")],
    date: Annotated[str, typer.Option("--date", help="The moving date.")],
    municipality: Annotated[
        str | None,
        typer.Option("--municipality", autocompletion=common.complete_municipality, help="The new home municipality."),
    ] = None,
    school: Annotated[
        str | None, typer.Option("--school", help="The new school (ends a school-scoped agreement elsewhere).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Record a move: the agreement in force ends on the moving date."""
    from steg2cli.services import trainers

    result = trainers.move(
        common.database(ctx), trainer, municipality, common.required_day(date, "--date"), common.today(), school
    )
    if as_json:
        common.emit_json(result)
        return
    ended = result["ended_agreements"]
    tail = (
        ngettext("; ended agreement {join} on {date}", "; ended agreements {join} on {date}", len(ended)).format(
            join=", ".join(map(str, ended)), date=date
        )
        if ended
        else ""
    )
    where = (
        _("{school} in {municipality}").format(school=school, municipality=common.place(result["municipality"]))
        if school
        else common.place(result["municipality"])
    )
    common.done(_("Trainer {id} moved to {where}{tail}.").format(id=result["id"], where=where, tail=tail))


@app.command("edit")
def edit(
    ctx: typer.Context,
    trainer: Annotated[str, typer.Argument(help="Trainer id or e-mail address.")],
    name: Annotated[str | None, typer.Option("--name", help="The corrected name.")] = None,
    email: Annotated[str | None, typer.Option("--email", help="The corrected e-mail address.")] = None,
    phone: Annotated[str | None, typer.Option("--phone", help='The corrected phone number ("" removes it).')] = None,
    appointed_by: Annotated[
        str | None, typer.Option("--appointed-by", help='Who appointed the trainer, as "NAME, ROLE".')
    ] = None,
    level: Annotated[str | None, typer.Option("--level", help="The trainer's new level.")] = None,
    inactive: Annotated[
        bool | None,
        typer.Option(
            "--inactive/--active",
            help="No longer active (left, retired: follow-up stops asking), or active again.",
            show_default=False,
        ),
    ] = None,
    date: Annotated[
        str | None, typer.Option("--date", help="With --inactive: the first day not active (default: today).")
    ] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="With --inactive: why.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Correct a trainer's name, e-mail, phone or appointment, change their level, or mark them inactive."""
    from steg2cli.services import trainers

    result = trainers.edit(
        common.database(ctx),
        trainer,
        common.today(),
        name=name,
        email=email,
        phone=phone,
        appointed_by=appointed_by,
        level=level,
        active=None if inactive is None else not inactive,
        inactive_from=common.day(date, "--date"),
        reason=reason,
    )
    if as_json:
        common.emit_json(result)
    else:
        common.done(
            _("Updated trainer {id}: {name} <{email}>.").format(
                id=result["id"], name=result["name"], email=result["email"]
            )
        )
