"""`export trainees|trainers|schools|template`: the Excel lists that leave MÄN."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from steg2cli.commands import common
from steg2cli.i18n import _, ngettext

if TYPE_CHECKING:
    from steg2cli.services.exports import Filters

app = common.group("Excel lists (trainees, trainers, schools, the list template) and the books (SIE).")

Output = Annotated[Path, typer.Option("-o", "--output", help="The .xlsx file to write.")]
Year = Annotated[int | None, typer.Option("--year", help="Only that calendar year.")]
Place = Annotated[
    str | None,
    typer.Option("--municipality", autocompletion=common.complete_municipality, help="Only this municipality."),
]
Trainer = Annotated[str | None, typer.Option("--trainer", help="Only this trainer (id or e-mail).")]
Programme = Annotated[
    str | None, typer.Option("--programme", autocompletion=common.complete_programme, help="Only this programme.")
]


def _filters(year: int | None, municipality: str | None, trainer: str | None, programme: str | None) -> Filters:
    from steg2cli.services.exports import Filters

    return Filters(year, municipality, trainer, programme)


@app.command("trainees")
def trainees(
    ctx: typer.Context,
    output: Output,
    year: Year = None,
    municipality: Place = None,
    trainer: Trainer = None,
    programme: Programme = None,
) -> None:
    """Everyone the trainers have trained (sheet Utbildade), in the columns of the trainee list."""
    from steg2cli.services import exports

    with common.progress(_("Writing {name}").format(name=output.name)) as tick:
        count = exports.trainees(common.database(ctx), output, _filters(year, municipality, trainer, programme), tick)
    common.done(
        ngettext("Wrote {count} trainee to {output}.", "Wrote {count} trainees to {output}.", count).format(
            count=count, output=output
        )
    )


@app.command("trainers")
def trainers(
    ctx: typer.Context,
    output: Output,
    year: Year = None,
    municipality: Place = None,
    trainer: Trainer = None,
    programme: Programme = None,
) -> None:
    """The trainer register (sheet Utbildare); --year keeps those under agreement that year."""
    from steg2cli.services import exports

    count = exports.trainers(
        common.database(ctx), output, _filters(year, municipality, trainer, programme), common.today()
    )
    common.done(
        ngettext("Wrote {count} trainer to {output}.", "Wrote {count} trainers to {output}.", count).format(
            count=count, output=output
        )
    )


@app.command("schools")
def schools(
    ctx: typer.Context,
    output: Output,
    year: Year = None,
    municipality: Place = None,
    trainer: Trainer = None,
    programme: Programme = None,
) -> None:
    """Every programme at every school (sheet Skolor); --year keeps those running that year."""
    from steg2cli.services import exports

    count = exports.schools(common.database(ctx), output, _filters(year, municipality, trainer, programme))
    common.done(
        ngettext("Wrote {count} programme run to {output}.", "Wrote {count} programme runs to {output}.", count).format(
            count=count, output=output
        )
    )


@app.command("agreements")
def agreements(
    ctx: typer.Context, output: Output, year: Year = None, municipality: Place = None, trainer: Trainer = None
) -> None:
    """Every agreement (sheet Överenskommelser); --year keeps those in force some day that year."""
    from steg2cli.services import exports

    count = exports.agreements(common.database(ctx), output, _filters(year, municipality, trainer, None))
    common.done(
        ngettext("Wrote {count} agreement to {output}.", "Wrote {count} agreements to {output}.", count).format(
            count=count, output=output
        )
    )


@app.command("courses")
def courses(ctx: typer.Context, output: Output, year: Year = None, municipality: Place = None) -> None:
    """Every Steg 2 course and its participants (sheet Kurser); --year keeps that year's courses."""
    from steg2cli.services import exports

    count = exports.courses(common.database(ctx), output, _filters(year, municipality, None, None))
    common.done(
        ngettext("Wrote {count} course row to {output}.", "Wrote {count} course rows to {output}.", count).format(
            count=count, output=output
        )
    )


@app.command("meetings")
def meetings(
    ctx: typer.Context,
    output: Output,
    year: Annotated[int, typer.Option("--year", help="The calendar year.")],
    municipality: Place = None,
) -> None:
    """Attendance per trainer at the year's network meetings and conference (sheet Närvaro YEAR)."""
    from steg2cli.services import exports

    count = exports.meetings(common.database(ctx), output, _filters(year, municipality, None, None))
    common.done(
        ngettext(
            "Wrote the attendance of {count} trainer to {output}.",
            "Wrote the attendance of {count} trainers to {output}.",
            count,
        ).format(count=count, output=output)
    )


@app.command("template")
def template(output: Output) -> None:
    """The empty trainee list (sheet Utbildade) that trainers fill in and send back."""
    from steg2cli.services import exports

    exports.template(output)
    common.done(_("Wrote the trainee list template to {output}.").format(output=output))


@app.command("register")
def register(ctx: typer.Context, output: Output) -> None:
    """The whole register as the register workbook (the sheets `import register` reads)."""
    from steg2cli.services import register as service

    with common.progress(_("Writing {name}").format(name=output.name)) as tick:
        counts = service.export(common.database(ctx), output, tick)
    common.done(
        _("Wrote the register to {output}: {rows}.").format(
            output=output, rows=", ".join(f"{name} {count}" for name, count in counts.items())
        )
    )


@app.command("register-template")
def register_template(output: Output) -> None:
    """The empty register workbook, with its headers and an example row on each sheet."""
    from steg2cli.services import register as service

    service.template(output)
    common.done(_("Wrote the register workbook template to {output}.").format(output=output))


@app.command("sie")
def sie(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option("-o", "--output", help="The SIE file to write (.se).")],
    year: Annotated[int | None, typer.Option("--year", help="The calendar year.")] = None,
    first: Annotated[str | None, typer.Option("--from", help="Or: the period's first day.")] = None,
    last: Annotated[str | None, typer.Option("--to", help="…and its last day.")] = None,
) -> None:
    """The books for the accountant: SIE 4 verifications of invoices, credit notes and payments."""
    from datetime import date

    from steg2cli.errors import BadInput
    from steg2cli.services import bookkeeping

    if year is not None and (first or last):
        raise BadInput(_("give --year, or --from and --to, not both"))
    if year is not None:
        if not 1900 <= year <= 9998:
            raise BadInput(_("--year {year} is out of range").format(year=year))
        start, end = date(year, 1, 1), date(year, 12, 31)
    elif first and last:
        start, end = common.required_day(first, "--from"), common.required_day(last, "--to")
    else:
        raise BadInput(_("give the period: --year Y, or --from D --to D"))
    result = bookkeeping.export_sie(common.database(ctx), output, start, end, common.today())
    n = result["verifications"], result["invoices"], result["credit_notes"], result["payments"]
    common.done(
        _("Wrote {verifications} to {output}: {invoices}, {credit_notes}, {payments}, {since} – {to}.").format(
            verifications=ngettext("{count} verification", "{count} verifications", n[0]).format(count=n[0]),
            output=output,
            invoices=ngettext("{count} invoice", "{count} invoices", n[1]).format(count=n[1]),
            credit_notes=ngettext("{count} credit note", "{count} credit notes", n[2]).format(count=n[2]),
            payments=ngettext("{count} payment", "{count} payments", n[3]).format(count=n[3]),
            since=result["from"],
            to=result["to"],
        )
    )
    if result["refunds"]:
        common.done(
            ngettext("…and {count} refund.", "…and {count} refunds.", result["refunds"]).format(count=result["refunds"])
        )
    common.warn(result["warnings"])
