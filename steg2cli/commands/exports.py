"""`export trainees|trainers|schools|template`: the Excel lists that leave MÄN."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from steg2cli.commands import common

app = common.group("Excel lists: trainees, trainers, schools, and the trainee list template.")

Output = Annotated[Path, typer.Option("-o", "--output", help="The .xlsx file to write.")]
Year = Annotated[int | None, typer.Option("--year", help="Only that calendar year.")]
Place = Annotated[str | None, typer.Option("--municipality", help="Only this municipality.")]
Trainer = Annotated[str | None, typer.Option("--trainer", help="Only this trainer (id or e-mail).")]
Programme = Annotated[str | None, typer.Option("--programme", help="Only this programme.")]


def _filters(year: int | None, municipality: str | None, trainer: str | None, programme: str | None) -> object:
    from steg2cli.services.exports import Filters

    return Filters(year, municipality, trainer, programme)


@app.command("trainees")
def trainees(ctx: typer.Context, output: Output, year: Year = None, municipality: Place = None,
             trainer: Trainer = None, programme: Programme = None) -> None:
    """Everyone the trainers have trained (sheet Utbildade), in the columns of the trainee list."""
    from steg2cli.services import exports

    with common.progress(f"Writing {output.name}") as tick:
        count = exports.trainees(common.database(ctx), output, _filters(year, municipality, trainer, programme),
                                 tick)  # type: ignore[arg-type]
    common.done(f"Wrote {count} trainee(s) to {output}.")


@app.command("trainers")
def trainers(ctx: typer.Context, output: Output, year: Year = None, municipality: Place = None,
             trainer: Trainer = None, programme: Programme = None) -> None:
    """The trainer register (sheet Utbildare); --year keeps those under agreement that year."""
    from steg2cli.services import exports

    count = exports.trainers(common.database(ctx), output, _filters(year, municipality, trainer, programme),
                             common.today())  # type: ignore[arg-type]
    common.done(f"Wrote {count} trainer(s) to {output}.")


@app.command("schools")
def schools(ctx: typer.Context, output: Output, year: Year = None, municipality: Place = None,
            trainer: Trainer = None, programme: Programme = None) -> None:
    """Every programme at every school (sheet Skolor); --year keeps those running that year."""
    from steg2cli.services import exports

    count = exports.schools(common.database(ctx), output,
                            _filters(year, municipality, trainer, programme))  # type: ignore[arg-type]
    common.done(f"Wrote {count} programme run(s) to {output}.")


@app.command("template")
def template(output: Output) -> None:
    """The empty trainee list (sheet Utbildade) that trainers fill in and send back."""
    from steg2cli.services import exports

    exports.template(output)
    common.done(f"Wrote the trainee list template to {output}.")
