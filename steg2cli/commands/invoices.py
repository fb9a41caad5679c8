"""`invoice run|list|show|credit|export`, `price list|set`, `payer set|list`, `config show|set`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from steg2cli.commands import common

app = common.group("Invoices: the yearly run, credit notes, the Excel invoice basis.")
price_app = common.group("The price list: annual fee, course seat, purchased course.")
payer_app = common.group("How municipalities want their invoices: address and reference.")
config_app = common.group("Settings: seller details, payment terms, invoice numbers.")

JsonOption = Annotated[bool, typer.Option("--json", help=common.JSON_HELP)]


def kr(ore: int) -> str:
    """Öre as `10 000,00 kr`."""
    from steg2cli.rules import format_kr

    return format_kr(ore)


def _summary(invoices: list[dict[str, Any]], title: str, most: int | None = None) -> None:
    shown = invoices if most is None else invoices[:most]
    common.table(
        title,
        ["number", "kind", "date", "payer", "lines", "total", "due", "credited"],
        (
            [i["number"], i["kind"], i["date"], i["payer"]["name"], i.get("line_count", len(i["lines"])),
             kr(i["total"]), i["due_date"], i["credited_by"] or ""]
            for i in shown
        ),
        empty="no invoices",
    )
    if len(shown) < len(invoices):
        rest = invoices[len(shown):]
        common.done(f"… and {len(rest)} more, numbers {rest[0]['number']}–{rest[-1]['number']}"
                    " (steg2 invoice list, or --json, shows them all)")


@app.command("run")
def run(
    ctx: typer.Context,
    date: Annotated[str | None, typer.Option("--date", help="Invoice date; charges due by then are invoiced "
                                                            "(default: today).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be invoiced; write nothing.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Invoice every charge due and not yet invoiced, one invoice per payer (the cron job)."""
    from steg2cli.services import invoicing

    today = common.today()
    when = common.day(date, "--date") or today
    with common.progress("Invoicing"):
        result = invoicing.run(common.database(ctx), when, today, dry_run=dry_run, lines=as_json)
    if as_json:
        common.emit_json({"invoices": result["invoices"], "dry_run": result["dry_run"], "date": result["date"]})
        return
    invoices = result["invoices"]
    if not invoices:
        common.done(f"Nothing to invoice on {result['date']}.")
        return
    total = sum(i["total"] for i in invoices)
    lead = "Dry run, nothing written: would issue" if dry_run else "Issued"
    _summary(invoices, f"{lead} {len(invoices)} invoice(s) dated {result['date']}, {kr(total)} in all", most=20)


@app.command("list")
def list_(
    ctx: typer.Context,
    year: Annotated[int | None, typer.Option("--year", help="Only invoices dated that year.")] = None,
    as_json: JsonOption = False,
) -> None:
    """List invoices and credit notes by number."""
    from steg2cli.services import invoicing

    result = invoicing.list_invoices(common.database(ctx), year)
    if as_json:
        common.emit_json(result)
    else:
        _summary(result, "Invoices")


@app.command("show")
def show(
    ctx: typer.Context,
    number: Annotated[int, typer.Argument(help="Invoice number.")],
    as_json: JsonOption = False,
) -> None:
    """Show one invoice or credit note with its lines and totals."""
    from steg2cli.services import invoicing

    invoice = invoicing.show(common.database(ctx), number)
    if as_json:
        common.emit_json(invoice)
        return
    title = "Invoice" if invoice["kind"] == "invoice" else f"Credit note (cancels invoice {invoice['credits']})"
    seller = invoice["seller"]
    common.fields(
        [
            ("date", invoice["date"]),
            ("due", invoice["due_date"]),
            ("seller", ", ".join(v for v in (seller.get("name"), seller.get("org-number")) if v)),
            ("payer", f"{invoice['payer']['name']} ({invoice['payer']['code']})"),
            ("address", invoice["payer_address"]),
            ("your reference", invoice["payer_reference"]),
            ("reason", invoice["reason"]),
            ("credited by", invoice["credited_by"]),
        ],
        title=f"{title} {invoice['number']}",
    )
    common.table(
        None,
        ["charge", "description", "who", "period", "amount", "VAT %"],
        ([line["charge"], line["description"], line["who"], line["period"], kr(line["amount"]),
          f"{line['vat_rate']:g}"] for line in invoice["lines"]),
    )
    pairs = [("before VAT", kr(invoice["net"]))]
    pairs += [(f"VAT {rate['rate']:g} %", kr(rate["vat"])) for rate in invoice["vat_by_rate"]]
    pairs += [("total", kr(invoice["total"]))]
    if invoice["vat_note"]:
        pairs.append(("note", invoice["vat_note"]))
    common.fields(pairs)


@app.command("credit")
def credit(
    ctx: typer.Context,
    number: Annotated[int, typer.Argument(help="The invoice to cancel.")],
    reason: Annotated[str, typer.Option("--reason", help="Why it is credited.")],
    date: Annotated[str | None, typer.Option("--date", help="Credit note date (default: today).")] = None,
    waive: Annotated[
        bool, typer.Option("--waive", help="MÄN will not bill its charges: they are never invoiced again.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Cancel an invoice whole with a credit note; its charges are invoiced again by the next run (unless --waive)."""
    from steg2cli.services import invoicing

    today = common.today()
    note = invoicing.credit(common.database(ctx), number, reason, common.day(date, "--date") or today, today, waive)
    if as_json:
        common.emit_json(note)
    else:
        tail = "; its charges are waived and will not be invoiced again" if waive else ""
        common.done(f"Credit note {note['number']} cancels invoice {number} ({kr(note['total'])}){tail}.")


@app.command("export")
def export(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option("-o", "--output", help="The .xlsx file to write.")],
    number: Annotated[list[int] | None, typer.Option("--number", help="Only this invoice (repeatable).")] = None,
    year: Annotated[int | None, typer.Option("--year", help="Only invoices dated that year.")] = None,
) -> None:
    """Write the invoice basis (fakturaunderlag) as an Excel workbook."""
    from steg2cli.services import invoicing

    counts = invoicing.export(common.database(ctx), output, number or (), year)
    common.done(f"Wrote {counts['Fakturor']} invoice(s) and {counts['Rader']} line(s) to {output}.")


@price_app.command("list")
def price_list(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List prices with the day each became valid."""
    from steg2cli.services import invoicing

    result = invoicing.list_prices(common.database(ctx))
    if as_json:
        common.emit_json(result)
        return
    common.table("Prices", ["code", "from", "amount", "VAT %", "VAT note"],
                 ([p["code"], p["valid_from"], p["amount_text"], f"{p['vat_rate']:g}", p["vat_note"]] for p in result))


@price_app.command("set")
def price_set(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="annual-fee, open-course-seat or purchased-course.")],
    amount_kr: Annotated[str, typer.Argument(help="The amount in kronor (10000 or 10 000,50).")],
    valid_from: Annotated[str, typer.Option("--from", help="First day the price applies (by due date).")],
    vat: Annotated[str | None, typer.Option("--vat", help="VAT rate in percent (default: as before, else 0).")] = None,
    vat_note: Annotated[
        str | None, typer.Option("--vat-note", help="Why no VAT is charged (printed on the invoice).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Set a price from a date on; charges use the price valid on their due date."""
    from steg2cli import rules
    from steg2cli.errors import BadInput
    from steg2cli.services import invoicing

    try:
        amount = rules.parse_kr(amount_kr)
        rate = rules.parse_percent(vat) if vat is not None else None
    except ValueError as exc:
        raise BadInput(str(exc)) from None
    result = invoicing.set_price(
        common.database(ctx), code, amount, common.required_day(valid_from, "--from"), rate, vat_note
    )
    if as_json:
        common.emit_json(result)
    else:
        common.done(f"{code} costs {result['amount_text']} from {result['valid_from']}"
                    f" (VAT {result['vat_rate']:g} %).")


@payer_app.command("set")
def payer_set(
    ctx: typer.Context,
    municipality: Annotated[str, typer.Argument(help="Municipality name or code.")],
    address: Annotated[str | None, typer.Option("--address", help=r"Invoice address (\n between lines).")] = None,
    reference: Annotated[str | None, typer.Option("--reference", help="The payer's reference for invoices.")] = None,
    email: Annotated[str | None, typer.Option("--email", help="Where the payer wants invoices.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Record a municipality's invoice address and reference."""
    from steg2cli.services import invoicing

    result = invoicing.set_payer(common.database(ctx), municipality, address, reference, email)
    if as_json:
        common.emit_json(result)
    else:
        common.done(f"Invoicing details for {result['name']} ({result['code']}) saved.")


@payer_app.command("list")
def payer_list(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List municipalities' invoicing details."""
    from steg2cli.services import invoicing

    result = invoicing.list_payers(common.database(ctx))
    if as_json:
        common.emit_json(result)
        return
    common.table("Payers", ["code", "name", "address", "reference", "e-mail"],
                 ([p["code"], p["name"], p["address"].replace("\n", ", "), p["reference"], p["email"]]
                  for p in result), empty="no invoicing details recorded")


@config_app.command("show")
def config_show(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Show every setting and what it is for."""
    from steg2cli.services import settings

    result = settings.show(common.database(ctx))
    if as_json:
        common.emit_json(result)
        return
    common.table("Settings", ["key", "value", "what it is"], ([s["key"], s["value"], s["about"]] for s in result))


@config_app.command("set")
def config_set(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="The setting (see `config show`).")],
    value: Annotated[str, typer.Argument(help="Its new value.")],
) -> None:
    """Change a setting: seller.name, seller.org-number, seller.address, invoice.payment-days, …"""
    from steg2cli.services import settings

    result = settings.set_value(common.database(ctx), key, value)
    common.done(f"{result['key']} = {result['value']}")
