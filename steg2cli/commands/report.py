"""`report --year Y [-o FILE.xlsx|FILE.pdf]`: the year in numbers (rule 36)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from steg2cli.commands import common
from steg2cli.i18n import _, ngettext


def report(
    ctx: typer.Context,
    year: Annotated[int, typer.Option("--year", help="The calendar year.")],
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Write the workbook (.xlsx) or a PDF to print (.pdf), with charts."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help=common.JSON_HELP)] = False,
) -> None:
    """The year in numbers for MÄN's board and funders: key figures, or a workbook or PDF with charts (-o)."""
    from steg2cli.rules import format_kr
    from steg2cli.services import report as service

    db = common.database(ctx)
    if output is not None and output.suffix.lower() == ".pdf":
        service.write_pdf(db, year, output, common.today())
        common.done(_("Wrote the report for {year} to {output}.").format(year=year, output=output))
        return
    if output is not None:
        written = service.write_workbook(db, year, output)
        common.done(
            _("Wrote the report for {year} to {output}: sheets {join}.").format(
                year=year, output=output, join=", ".join(written["sheets"])
            )
        )
        return
    result = service.year_report(db, year)
    if as_json:
        common.emit_json(result)
        return
    money = {key for key, label in service.FIGURES.items() if label.endswith(" (kr)")}
    previous = result["previous"]["figures"]

    def shown(key: str, value: int) -> str:
        return format_kr(value) if key in money else str(value)

    common.table(
        _("The year in numbers: {year} (beside {value})").format(year=year, value=year - 1),
        [_("figure"), str(year), str(year - 1)],
        (
            [label.removesuffix(" (kr)"), shown(key, result["figures"][key]), shown(key, previous[key])]
            for key, label in service.FIGURES.items()
        ),
    )
    for cohort in result.get("cohorts", []):
        figures = cohort["figures"]
        common.table(
            _("Cohort {name} ({programme}, {start} – {end}): {trained}, {gatherings}, {attendance}").format(
                name=cohort["name"],
                programme=cohort["programme_name"],
                start=cohort["start"],
                end=cohort["end"],
                trained=ngettext("{count} trained", "{count} trained", figures["trained"]).format(
                    count=figures["trained"]
                ),
                gatherings=ngettext("{count} gathering", "{count} gatherings", len(figures["gatherings"])).format(
                    count=len(figures["gatherings"])
                ),
                attendance=ngettext("{count} attended", "{count} attended", figures["attendance"]).format(
                    count=figures["attendance"]
                ),
            ),
            [_("municipality"), _("running programmes"), _("trained")],
            ([m["name"], m["running_programmes"], m["trained"]] for m in figures["municipalities"]),
            empty=_("no municipality has joined"),
        )
