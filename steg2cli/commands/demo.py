"""`demo`: fill the database with a realistic sample."""

from __future__ import annotations

from typing import Annotated

import typer

from steg2cli.commands import common
from steg2cli.i18n import N_, _


def demo(
    ctx: typer.Context,
    scale: Annotated[
        int | None, typer.Option("--scale", min=1, help="Instead: N trainers with schools and trainees in bulk.")
    ] = None,
    years: Annotated[int, typer.Option("--years", min=1, help="With --scale: years of agreements.")] = 10,
    schools: Annotated[
        int | None, typer.Option("--schools", min=1, help="With --scale: how many schools (default 5/3 per trainer).")
    ] = None,
    trainees: Annotated[
        int | None,
        typer.Option("--trainees", min=1, help="With --scale: how many trainees (default 200/3 per trainer)."),
    ] = None,
) -> None:
    """Fill an empty database with realistic sample data (trainers, courses, agreements, schools, …)."""
    from steg2cli.services import demo as demo_service

    if scale is not None:
        summary = demo_service.fill_scale(
            common.database(ctx, create=True), common.today(), scale, years, schools=schools, trainees=trainees
        )
    else:
        summary = demo_service.fill(common.database(ctx, create=True), common.today())
    counted = ", ".join(f"{n} {_(WHAT.get(what, what))}" for what, n in summary.items())
    common.done(_("Filled the database with sample data: {counted}").format(counted=counted))


#: What the demo counts (JSON keys), as shown.
WHAT = {
    "trainers": N_("trainers"),
    "courses": N_("courses"),
    "agreements": N_("agreements"),
    "schools": N_("schools"),
    "trainees": N_("trainees"),
    "invoices": N_("invoices"),
}
