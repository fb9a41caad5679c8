"""`person export|erase` and `log`."""

from __future__ import annotations

from typing import Annotated

import typer

from steg2cli.commands import common
from steg2cli.errors import BadInput

app = common.group("Personal data: what is held about a person, and erasure.")


@app.command("export")
def export(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="The person's e-mail address.")],
) -> None:
    """Print everything held about one person as JSON (GDPR art. 15)."""
    from steg2cli.services import people

    common.emit_json(people.export(common.database(ctx), email))


@app.command("erase")
def erase(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="The person's e-mail address.")],
    yes: Annotated[bool, typer.Option("--yes", help="Confirm: the erasure cannot be undone.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help=common.JSON_HELP)] = False,
) -> None:
    """Pseudonymise a person everywhere (GDPR art. 17); issued invoices keep their sums and names."""
    from steg2cli.services import people

    if not yes:
        raise BadInput("erasure cannot be undone: add --yes to confirm")
    result = people.erase(common.database(ctx), email, common.today())
    if not result["compacted"]:
        common.console(stderr=True).print(
            "Warning: another steg2 (or program) was reading the database, so an old copy of the erased data may"
            " remain in the file; run `steg2 db compact` when nobody else is working.",
            markup=False,
        )
    if as_json:
        common.emit_json(result)
        return
    counts = result["erased"]
    common.done(
        f"Erased: {counts['trainer']} trainer, {counts['contact_person']} contact person record(s),"
        f" {counts['trainee']} trainee record(s). Issued invoices are kept as issued."
    )


def log(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", min=1, help="How many entries (newest first).")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help=common.JSON_HELP)] = False,
) -> None:
    """Show the audit trail: who changed what, when."""
    from steg2cli.services import audit

    rows = audit.entries(common.database(ctx), limit)
    if as_json:
        common.emit_json(rows)
        return
    common.table(
        "Audit trail (newest first, UTC)",
        ["at", "user", "command", "touched", "changed"],
        (
            [
                r["at"].replace("T", " ").rstrip("Z"),
                r["user"],
                r["command"],
                "; ".join(
                    f"{k} {', '.join(map(str, v)) if isinstance(v, list) else v}" for k, v in r["touched"].items()
                ),
                "; ".join(
                    f"{kind} {record} {field}: {old!r} → {new!r}"
                    for kind, records in r["changes"].items()
                    for record, fields in records.items()
                    for field, (old, new) in fields.items()
                ),
            ]
            for r in rows
        ),
        empty="nothing recorded yet",
    )
