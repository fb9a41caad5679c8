"""`payment add|import|list`, and from `money`: `assign|unassign|offset|refund`: money in (rules 32-33, 42)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from steg2cli.commands import common
from steg2cli.i18n import _, ngettext

app = common.group("Payments: by hand or from the bank's file (BgMax, camt.054), matched by OCR reference.")

JsonOption = Annotated[bool, typer.Option("--json", help=common.JSON_HELP)]


def kr(ore: int) -> str:
    from steg2cli.rules import format_kr

    return format_kr(ore)


@app.command("add")
def add(
    ctx: typer.Context,
    invoice: Annotated[str, typer.Argument(help="The invoice's number or its OCR reference.")],
    date: Annotated[str, typer.Option("--date", help="The day the money arrived.")],
    amount: Annotated[str, typer.Option("--amount", help="The amount in kronor (10000 or 10 000,50).")],
    reference: Annotated[str | None, typer.Option("--reference", help="The reference the payer gave.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Record a payment against an invoice by hand."""
    from steg2cli import rules
    from steg2cli.errors import BadInput
    from steg2cli.services import payments

    try:
        ore = rules.parse_kr(amount)
    except ValueError as exc:
        raise BadInput(_("--amount: {exc}").format(exc=exc)) from None
    result = payments.add(
        common.database(ctx), invoice, common.required_day(date, "--date"), ore, reference, common.today()
    )
    if as_json:
        common.emit_json(result)
    else:
        common.done(
            _("Recorded payment {id}: {amount} on invoice {invoice} ({date}).").format(
                id=result["id"], amount=kr(result["amount"]), invoice=result["invoice"], date=result["date"]
            )
        )


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The bank's file: Bankgirot BgMax or ISO 20022 camt.054.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and match everything, write nothing.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Import the bank's payment file, whole or not at all; payments are matched by OCR reference."""
    from steg2cli.services import payments

    result = payments.import_file(common.database(ctx), file, common.today(), dry_run)
    if as_json:
        common.emit_json(result)
        return
    verb = _("Would add") if dry_run else _("Added")
    common.done(
        _(
            "{verb} {added} from {name} ({source}), {total}: {matched} matched to invoices, "
            "{unmatched} to assign; {already_imported} already imported."
        ).format(
            verb=verb,
            added=ngettext("{count} payment", "{count} payments", result["added"]).format(count=result["added"]),
            name=file.name,
            source=common.source_word(result["source"]),
            total=kr(result["total"]),
            matched=result["matched"],
            unmatched=result["unmatched"],
            already_imported=result["already_imported"],
        )
    )
    if result["unmatched"] and not dry_run:
        common.done(
            _(
                "See them with `steg2 payment list --unmatched`; put each on its invoice with `steg2 "
                "payment assign PAYMENT INVOICE`."
            )
        )


def _rows(result: list[dict[str, Any]]) -> Any:
    return (
        [
            p["id"],
            p["date"],
            kr(p["amount"]),
            p["reference"],
            p["invoice"] or "—",
            common.source_word(p["source"]),
            p["payer_name"],
        ]
        for p in result
    )


@app.command("list")
def list_(
    ctx: typer.Context,
    unmatched: Annotated[bool, typer.Option("--unmatched", help="Only payments on no invoice.")] = False,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help=common.LIMIT_HELP)] = None,
    as_json: JsonOption = False,
) -> None:
    """List payments, newest first."""
    from steg2cli.services import payments

    result = payments.list_payments(common.database(ctx), unmatched)
    if as_json:
        common.emit_json_list(result, limit)
        return
    common.table(
        _("Payments to match") if unmatched else _("Payments"),
        [_("id"), _("date"), _("amount"), _("reference"), _("invoice"), _("source"), _("payer")],
        _rows(result),
        empty=_("none"),
        limit=limit,
    )


from steg2cli.commands import money  # noqa: E402  (rule 42's commands join this group)

money.payment_commands(app)
