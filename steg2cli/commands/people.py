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
    as_json: Annotated[bool, typer.Option("--json", help="Everything held, as one JSON document.")] = False,
) -> None:
    """Everything held about one person (GDPR art. 15): a summary in Swedish to send them, or --json."""
    from steg2cli.services import people

    held = people.export(common.database(ctx), email)
    if as_json:
        common.emit_json(held)
        return
    out = common.console()
    lines = [f"Uppgifter om {held['email']} i MÄN:s Steg 2-register", ""]
    trainer = held["as_trainer"]
    if trainer:
        lines += [
            "Som Steg 2-utbildare:",
            f"  namn: {trainer['name']}, e-post: {trainer['email']}, telefon: {trainer['phone'] or '—'}",
            f"  kommun: {common.place(trainer['municipality'])}, utsedd av: {trainer['appointed_by']}",
            f"  grundutbildning {trainer['basic_training']}, programserie hållen {trainer['series_held']},"
            f" certifierad {trainer['certified_on'] or '—'}",
            f"  kurser: {len(trainer['courses'])}, överenskommelser: {len(trainer['agreements'])},"
            f" flyttar: {len(trainer['moves'])}, träffar: {len(trainer['meetings'])},"
            f" program som lett: {len(trainer['programmes_led'])},"
            f" rapporterade utbildade: {trainer['trainees_reported']}",
        ]
    for contact in held["as_contact_person"]:
        lines.append(
            f"Som kontaktperson: {contact['school']} ({contact['programme']}) från {contact['from']}:"
            f" {contact['name']}, {contact['email']}, {contact['phone'] or '—'}"
        )
    for trainee in held["as_trainee"]:
        void = " (makulerad)" if trainee.get("void") else ""
        lines.append(
            f"Som utbildad: {trainee['name']}, {trainee['school']} ({trainee['programme']}),"
            f" {trainee['trained_on']}, utbildad av {trainee['trained_by']}{void}"
        )
    if held["on_invoices"]:
        lines.append(f"På fakturor (namn, inga kontaktuppgifter): {len(held['on_invoices'])} rad(er)")
    lines += ["", held["what_is_kept_and_why"], "", "Allt i detalj: steg2 person export E-POST --json"]
    for line in lines:
        out.print(line, markup=False)


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
