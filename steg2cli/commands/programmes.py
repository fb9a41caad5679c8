"""`programme list|show|load|export` and `cohort add|join|list|show` (rules 45-46)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from steg2cli.commands import common
from steg2cli.i18n import _, ngettext

app = common.group("Programmes, their steps, trainer levels and gathering kinds: list, show, load, export.")
cohort_app = common.group("Cohorts (pools) of municipalities that start a programme together: add, join, list, show.")

JsonOption = Annotated[bool, typer.Option("--json", help=common.JSON_HELP)]


def _steps_text(programme: dict[str, Any]) -> str:
    return " → ".join(s["name"] + ("" if s["once"] else " ×") for s in programme["steps"])


@app.command("list")
def list_(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """The programmes with their steps, the trainer levels with their yearly obligations, the gathering kinds."""
    from steg2cli.services import definitions

    result = definitions.list_all(common.database(ctx))
    if as_json:
        common.emit_json(result)
        return
    common.table(
        _("Programmes"),
        [_("code"), _("name"), _("steps")],
        ([p["code"], p["name"], _steps_text(p)] for p in result["programmes"]),
        empty=_("no programme is defined"),
    )
    kinds = {g["code"]: g["name"] for g in result["gathering_kinds"]}
    common.table(
        _("Trainer levels"),
        [_("code"), _("name"), _("obligations a year")],
        (
            [
                level["code"],
                level["name"],
                "; ".join(
                    (_("from {year}: ").format(year=o["from_year"]) if o["from_year"] else "")
                    + f"{o['count']} × {kinds.get(o['kind'], o['kind'])}"
                    for o in level["obligations"]
                ),
            ]
            for level in result["levels"]
        ),
        empty=_("no level is defined"),
    )
    common.table(
        _("Gathering kinds"),
        [_("code"), _("name")],
        ([g["code"], g["name"]] for g in result["gathering_kinds"]),
        empty=_("no gathering kind is defined"),
    )


@app.command("show")
def show(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="The programme's code or name.")],
    as_json: JsonOption = False,
) -> None:
    """A programme: its steps in order, once or repeatable, and the step each must come after."""
    from steg2cli.services import definitions

    result = definitions.show(common.database(ctx), code)
    if as_json:
        common.emit_json(result)
        return
    common.table(
        f"{result['name']} ({result['code']})",
        [_("step"), _("name"), _("once"), _("after")],
        (
            [s["code"], s["name"], _("yes") if s["once"] else _("no, repeatable"), s["after"] or ""]
            for s in result["steps"]
        ),
        empty=_("no steps"),
    )


@app.command("load")
def load(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A definition file (TOML): programmes, steps, levels, gatherings.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check everything, write nothing.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Load a programme definition: checked whole against what is recorded, then written, or nothing is."""
    from steg2cli.services import definitions

    result = definitions.load(common.database(ctx), file, dry_run)
    if as_json:
        common.emit_json(result)
        return
    for line in result["changes"]:
        typer.echo(f"  {line}")
    count = len(result["changes"])
    if dry_run:
        message = ngettext(
            "Dry run: {count} change would be made; nothing was written.",
            "Dry run: {count} changes would be made; nothing was written.",
            count,
        )
    else:
        message = ngettext("Loaded {file}: {count} change.", "Loaded {file}: {count} changes.", count)
    common.done(message.format(count=count, file=file.name))


@app.command("export")
def export(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option("-o", "--output", help="The TOML file to write.")],
    as_json: JsonOption = False,
) -> None:
    """Write the register's definition as TOML, to read back with `programme load`."""
    from steg2cli.services import definitions

    result = definitions.export(common.database(ctx), output)
    if as_json:
        common.emit_json(result)
    else:
        common.done(_("Wrote the definition to {output}.").format(output=output))


# ---- cohorts ----------------------------------------------------------------------------------


def _cohort_line(c: dict[str, Any]) -> str:
    return _("Cohort {id}: {name}, {programme}, {start} – {end}, {count}").format(
        id=c["id"],
        name=c["name"],
        programme=c["programme"],
        start=c["start"],
        end=c["end"],
        count=ngettext("{count} municipality", "{count} municipalities", len(c["municipalities"])).format(
            count=len(c["municipalities"])
        ),
    )


@cohort_app.command("add")
def cohort_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The cohort's name, e.g. 'Pulje 1'.")],
    programme: Annotated[
        str, typer.Option("--programme", autocompletion=common.complete_programme, help="The programme it runs.")
    ],
    start: Annotated[str, typer.Option("--start", help="The day it starts.")],
    months: Annotated[int, typer.Option("--months", help="How many months it runs.", min=1)],
    as_json: JsonOption = False,
) -> None:
    """Add a cohort: municipalities that start a programme together and run for a fixed number of months."""
    from steg2cli.services import cohorts

    result = cohorts.add(common.database(ctx), name, programme, common.required_day(start, "--start"), months)
    if as_json:
        common.emit_json(result)
    else:
        common.done(_("Added {cohort}.").format(cohort=_cohort_line(result)))


@cohort_app.command("join")
def cohort_join(
    ctx: typer.Context,
    cohort: Annotated[str, typer.Argument(help="The cohort: id or name.")],
    municipalities: Annotated[
        list[str],
        typer.Argument(help="Municipalities joining it: names or codes.", autocompletion=common.complete_municipality),
    ],
    as_json: JsonOption = False,
) -> None:
    """Municipalities join a cohort (joining twice changes nothing)."""
    from steg2cli.services import cohorts

    result = cohorts.join(common.database(ctx), cohort, municipalities)
    if as_json:
        common.emit_json(result)
    else:
        common.done(_cohort_line(result) + ".")


@cohort_app.command("list")
def cohort_list(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Every cohort with its programme, dates and municipalities."""
    from steg2cli.services import cohorts

    result = cohorts.list_all(common.database(ctx))
    if as_json:
        common.emit_json(result)
        return
    common.table(
        _("Cohorts"),
        [_("id"), _("name"), _("programme"), _("start"), _("end"), _("municipalities")],
        (
            [
                c["id"],
                c["name"],
                c["programme"],
                c["start"],
                c["end"],
                ", ".join(m["name"] for m in c["municipalities"]),
            ]
            for c in result
        ),
        empty=_("no cohort yet"),
    )


@cohort_app.command("show")
def cohort_show(
    ctx: typer.Context,
    cohort: Annotated[str, typer.Argument(help="The cohort: id or name.")],
    as_json: JsonOption = False,
) -> None:
    """A cohort: its municipalities, their programmes, people trained and attendance at its gatherings."""
    from steg2cli.services import cohorts

    result = cohorts.show(common.database(ctx), cohort)
    if as_json:
        common.emit_json(result)
        return
    typer.echo(_cohort_line(result))
    common.table(
        _("Municipalities"),
        [_("code"), _("name"), _("running programmes"), _("trained")],
        ([m["code"], m["name"], m["running_programmes"], m["trained"]] for m in result["figures"]["municipalities"]),
        empty=_("no municipality has joined"),
    )
    common.table(
        _("Gatherings"),
        [_("id"), _("date"), _("kind"), _("title"), _("attended")],
        ([g["id"], g["date"], g["kind"], g["title"], g["attended"]] for g in result["figures"]["gatherings"]),
        empty=_("no gathering of this cohort"),
    )
