"""`mail trainers|list`: letters to trainers from the register (rule 44), and every e-mail sent or waiting."""

from __future__ import annotations

from typing import Annotated

import typer

from steg2cli.commands import common
from steg2cli.i18n import N_, _, ngettext

app = common.group("E-mail: letters to trainers from the register, and every message sent or waiting.")

JsonOption = Annotated[bool, typer.Option("--json", help=common.JSON_HELP)]

ABOUT = {
    "lists": N_("the list of people trained this year"),
    "meetings": N_("the meetings still to attend this year"),
    "renewal": N_("the agreement renewing within 30 days"),
}
STATUSES = {"sent": N_("sent"), "failed": N_("failed"), "uncertain": N_("uncertain")}


@app.command("trainers")
def trainers(
    ctx: typer.Context,
    about: Annotated[str, typer.Option("--about", help="lists, meetings or renewal.")],
    year: Annotated[int | None, typer.Option("--year", help="The year it concerns (default: this year).")] = None,
    date: Annotated[str | None, typer.Option("--date", help="As of this day (default: today).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show who would be written to; send nothing.")] = False,
    again: Annotated[bool, typer.Option("--again", help="Write again to trainers already told this year.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Write to each trainer who owes a list of people trained, is short of meetings, or renews soon."""
    from steg2cli.commands.sending import delivery_failed
    from steg2cli.services import letters

    day = common.day(date, "--date") or common.today()
    result = letters.letters(
        common.database(ctx), about, year or day.year, day, again=again, dry_run=dry_run, today=common.today()
    )
    if as_json:
        common.emit_json(result)
        delivery_failed({"failed": result["failed"], "uncertain": result["uncertain"]})
        return
    sent = result["sent"]
    lead = _("Dry run, nothing sent: would write to") if dry_run else _("Wrote to")
    what = _(ABOUT.get(about, about))
    if sent:
        common.done(
            ngettext(
                "{lead} {count} trainer about {what}: {ids}.", "{lead} {count} trainers about {what}: {ids}.", len(sent)
            ).format(lead=lead, count=len(sent), what=what, ids=", ".join(str(s["trainer_id"]) for s in sent))
        )
    elif not result["failed"] and not result["uncertain"]:
        common.done(_("No trainer to write to about {what}.").format(what=what))
    if result["skipped"]:
        common.done(
            ngettext(
                "{count} trainer already told (--again writes again).",
                "{count} trainers already told (--again writes again).",
                len(result["skipped"]),
            ).format(count=len(result["skipped"]))
        )
    if result["failed"]:
        common.warn(
            [
                _("trainer {trainer_id} waits: {reason}").format(trainer_id=f["trainer_id"], reason=f["reason"])
                for f in result["failed"]
            ]
        )
    delivery_failed({"failed": result["failed"], "uncertain": result["uncertain"]})


@app.command("list")
def list_(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Every e-mail sent, written to the outbox or waiting, newest first."""
    from steg2cli.services import delivery

    result = delivery.mail_list(common.database(ctx))
    if as_json:
        common.emit_json(result)
        return
    common.table(
        _("E-mail"),
        [_("id"), _("date"), _("to"), _("subject"), _("status")],
        (
            [
                m["id"],
                m["date"],
                m["to"],
                m["subject"],
                _(STATUSES.get(m["status"], m["status"])) + (_(" (outbox)") if m["outbox"] else ""),
            ]
            for m in result
        ),
        empty=_("no e-mail yet"),
    )
