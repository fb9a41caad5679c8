"""`void step|attendance|trainee|problem ID --reason R`: mark what did not happen (rule 24)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from steg2cli.commands import common
from steg2cli.i18n import _


class Voidable(StrEnum):
    step = "step"
    attendance = "attendance"
    trainee = "trainee"
    problem = "problem"


def void(
    ctx: typer.Context,
    kind: Annotated[Voidable, typer.Argument(help="What to void: step, attendance, trainee or problem.")],
    record: Annotated[int, typer.Argument(help="Its id (school show, meeting show, the trainee export).", min=1)],
    reason: Annotated[str, typer.Option("--reason", help="Why it did not happen or should not count.")],
    date: Annotated[str | None, typer.Option("--date", help="The day it is voided (default: today).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help=common.JSON_HELP)] = False,
) -> None:
    """Void a step, an attendance, a trainee report or a problem note: it stays, marked, and stops counting."""
    from steg2cli.services import corrections

    today = common.today()
    result = corrections.void(
        common.database(ctx), kind.value, record, reason, common.day(date, "--date") or today, today
    )
    if as_json:
        common.emit_json(result)
    else:
        what = f" ({_(result['what'])})" if result["what"] != kind.value else ""
        common.done(
            _("Voided {kind} {id}{what} on {date}: {reason}.").format(
                kind=common.word(kind.value),
                id=result["id"],
                what=what,
                date=result["void"]["date"],
                reason=result["void"]["reason"],
            )
        )
