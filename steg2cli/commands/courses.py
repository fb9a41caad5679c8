"""`course add|enrol|complete|list|show`."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer

from steg2cli.commands import common
from steg2cli.i18n import _, ngettext

app = common.group("Steg 2 courses: plan, enrol, complete, cancel, unenrol.")

JsonOption = Annotated[bool, typer.Option("--json", help=common.JSON_HELP)]


class Kind(StrEnum):
    open = "open"
    purchased = "purchased"


def _print(course: dict[str, Any]) -> None:
    common.fields(
        [
            (_("kind"), common.word(course["kind"])),
            (_("date"), course["date"]),
            (_("municipality"), common.place(course["municipality"])),
            (_("place"), course["place"]),
            (_("completed"), course["completed_on"] or _("not yet")),
            (_("cancelled"), common.void_text(course["cancelled"]).removeprefix(_("void") + " ") or _("no")),
            (_("participants"), course["participant_count"]),
        ],
        title=_("Course {id}").format(id=course["id"]),
    )
    if course.get("participants"):
        common.table(
            None,
            [_("trainer"), _("name"), _("from"), _("unenrolled")],
            (
                [
                    p["trainer_id"],
                    p["name"],
                    common.place(p["municipality"]),
                    common.void_text(p["unenrolled"]).removeprefix("void "),
                ]
                for p in course["participants"]
            ),
        )


@app.command("add")
def add(
    ctx: typer.Context,
    kind: Annotated[Kind, typer.Option("--kind", help="open (Stockholm, anyone) or purchased (one municipality).")],
    date: Annotated[str, typer.Option("--date", help="The course's first day.")],
    municipality: Annotated[
        str | None,
        typer.Option(
            "--municipality",
            autocompletion=common.complete_municipality,
            help="The buying municipality (purchased courses).",
        ),
    ] = None,
    place: Annotated[str | None, typer.Option("--place", help="Where it is held.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Plan a Steg 2 course."""
    from steg2cli.services import courses

    result = courses.add(common.database(ctx), kind.value, common.required_day(date, "--date"), municipality, place)
    if as_json:
        common.emit_json(result)
    else:
        common.done(
            _("Added {kind} course {id} on {date}.").format(
                kind=common.word(result["kind"]), id=result["id"], date=result["date"]
            )
        )


@app.command("enrol")
def enrol(
    ctx: typer.Context,
    course: Annotated[str, typer.Argument(help="Course id.")],
    trainers: Annotated[list[str], typer.Argument(help="Trainer ids or e-mail addresses.")],
    as_json: JsonOption = False,
) -> None:
    """Enrol trainers on a course (a purchased course takes at most 10, all from its municipality)."""
    from steg2cli.services import courses

    result = courses.enrol(common.database(ctx), course, trainers)
    if as_json:
        common.emit_json(result)
    else:
        common.done(
            ngettext(
                "Course {id} now has {participant_count} participant.",
                "Course {id} now has {participant_count} participants.",
                result["participant_count"],
            ).format(id=result["id"], participant_count=result["participant_count"])
        )


@app.command("complete")
def complete(
    ctx: typer.Context,
    course: Annotated[str, typer.Argument(help="Course id.")],
    date: Annotated[str | None, typer.Option("--date", help="Completion date (default: the course date).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Mark a course completed: its participants become certified trainers."""
    from steg2cli.services import courses

    db = common.database(ctx)
    when = common.day(date, "--date")
    if when is None:
        when = common.required_day(courses.show(db, course)["date"], "--date")
    result = courses.complete(db, course, when, common.today())
    if as_json:
        common.emit_json(result)
    else:
        common.done(
            ngettext(
                "Course {id} completed on {completed_on}; {participant_count} trainer certified.",
                "Course {id} completed on {completed_on}; {participant_count} trainers certified.",
                result["participant_count"],
            ).format(
                id=result["id"], completed_on=result["completed_on"], participant_count=result["participant_count"]
            )
        )


@app.command("list")
def list_(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List Steg 2 courses, newest first."""
    from steg2cli.services import courses

    result = courses.list_courses(common.database(ctx))
    if as_json:
        common.emit_json(result)
        return
    common.table(
        _("Steg 2 courses"),
        [_("id"), _("kind"), _("date"), _("municipality"), _("place"), _("participants"), _("completed")],
        (
            [
                c["id"],
                common.word(c["kind"]),
                c["date"],
                common.place(c["municipality"]),
                c["place"],
                c["participant_count"],
                c["completed_on"] or ("cancelled " + c["cancelled"]["date"] if c["cancelled"] else ""),
            ]
            for c in result
        ),
        empty=_("no courses"),
    )


@app.command("show")
def show(
    ctx: typer.Context,
    course: Annotated[str, typer.Argument(help="Course id.")],
    as_json: JsonOption = False,
) -> None:
    """Show one course and its participants."""
    from steg2cli.services import courses

    result = courses.show(common.database(ctx), course)
    if as_json:
        common.emit_json(result)
    else:
        _print(result)


ReasonOption = Annotated[str, typer.Option("--reason", help="Why (kept with the record).")]


@app.command("cancel")
def cancel(
    ctx: typer.Context,
    course: Annotated[str, typer.Argument(help="Course id.")],
    reason: ReasonOption,
    as_json: JsonOption = False,
) -> None:
    """Cancel a course that will not take place (only before it is completed); it is never billed."""
    from steg2cli.services import courses

    result = courses.cancel(common.database(ctx), course, reason, common.today())
    if as_json:
        common.emit_json(result)
    else:
        common.done(
            _(
                "Cancelled course {id} ({date}); its charges will not be invoiced. `steg2 status` lists "
                "any invoice that already carries them."
            ).format(id=result["id"], date=result["date"])
        )


@app.command("unenrol")
def unenrol(
    ctx: typer.Context,
    course: Annotated[str, typer.Argument(help="Course id.")],
    trainers: Annotated[list[str], typer.Argument(help="Trainer ids or e-mail addresses.")],
    reason: ReasonOption,
    as_json: JsonOption = False,
) -> None:
    """Take participants off a course before it is completed; their seats are not billed."""
    from steg2cli.services import courses

    result = courses.unenrol(common.database(ctx), course, trainers, reason, common.today())
    if as_json:
        common.emit_json(result)
    else:
        common.done(
            ngettext(
                "Unenrolled {trainers_count} participant from course {id}; {participant_count} remain.",
                "Unenrolled {trainers_count} participants from course {id}; {participant_count} remain.",
                len(trainers),
            ).format(trainers_count=len(trainers), id=result["id"], participant_count=result["participant_count"])
        )
