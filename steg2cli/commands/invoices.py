"""`invoice run|list|show|credit|export|einvoice`, `price list|set`, `payer list|show|add|set`, `config show|set`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from steg2cli.commands import common
from steg2cli.commands.sending import CHANNELS, delivery_failed, sent_summary
from steg2cli.i18n import N_, _, ngettext

app = common.group("Invoices: the yearly run, credit notes, the Excel invoice basis, Peppol e-invoices.")
price_app = common.group("The price list: annual fee, course seat, purchased course.")
payer_app = common.group("Payers: every municipality, and others such as an independent school's company.")
config_app = common.group("Settings: seller details, payment terms, invoice numbers.")

JsonOption = Annotated[bool, typer.Option("--json", help=common.JSON_HELP)]


def kr(ore: int) -> str:
    """Öre as `10 000,00 kr`."""
    from steg2cli.rules import format_kr

    return format_kr(ore)


def state_text(invoice: dict[str, Any]) -> str:
    """The state as a person reads it, over- and under-payments shown plainly (rule 33)."""
    state = invoice["state"]
    if state == "overdue":
        return _("overdue {days_late} d").format(days_late=invoice["days_late"]) + (
            _(", part paid") if invoice["paid"] else ""
        )
    if state == "open" and invoice["paid"]:
        return _("open, part paid")
    if state == "paid" and invoice["overpaid"]:
        return _("overpaid by {overpaid}").format(overpaid=kr(invoice["overpaid"]))
    if state == "credited" and invoice["to_pay_back"]:
        return _("credited: pay back {to_pay_back}").format(to_pay_back=kr(invoice["to_pay_back"]))
    return _(STATES.get(state, state))


#: Payer details an invoice lacked when issued and takes from the payer now (`payer.filled_in`), as shown.
FILLED = {
    "org_number": N_("organisation number"),
    "peppol_id": N_("Peppol address"),
    "address": N_("address"),
    "reference": N_("reference"),
    "email": N_("e-mail"),
}

#: Invoice states and kinds as stored and in JSON (codes), and as shown.
STATES = {
    "open": N_("open"),
    "paid": N_("paid"),
    "credited": N_("credited"),
    "overdue": N_("overdue"),
    "credit": N_("credit note"),
}
KINDS = {"invoice": N_("invoice"), "credit": N_("credit note"), "imported": N_("imported")}
#: What each charge on an invoice line is (stored codes, kept in JSON), as a person reads it.
CHARGES = {
    "annual-fee": N_("annual fee"),
    "open-course-seat": N_("open course seat"),
    "purchased-course": N_("purchased course"),
    "reminder-fee": N_("reminder fee"),
    "late-interest": N_("late-payment interest"),
}


def _summary(invoices: Iterable[dict[str, Any]], title: str, limit: int | None = None) -> None:
    """The invoices as a table, streamed as they come when piped."""
    common.table(
        title,
        [
            _("number"),
            _("kind"),
            _("date"),
            _("payer"),
            _("lines"),
            _("total"),
            _("due"),
            _("credited"),
            _("paid"),
            _("balance"),
            _("state"),
        ],
        (
            [
                i["number"],
                _(KINDS.get(i["kind"], i["kind"])),
                i["date"],
                i["payer"]["name"],
                i.get("line_count", len(i["lines"])),
                kr(i["total"]),
                i["due_date"],
                i["credited_by"] or "",
                kr(i["paid"]),
                kr(i["balance"]),
                state_text(i),
            ]
            for i in invoices
        ),
        empty=_("no invoices"),
        limit=limit,
        # At 80 columns: the number, payer, total, balance and state; then the rest as the width allows.
        priority=(0, 3, 5, 9, 10, 2, 6, 8, 1, 7, 4),
    )


def _summary_of_run(invoices: list[dict[str, Any]], title: str, most: int) -> None:
    """The first `most` invoices of a run, and a line for the rest."""
    _summary(invoices[:most], title)
    if len(invoices) > most:
        rest = invoices[most:]
        common.done(
            _(
                "… and {rest_count} more, numbers {number}–{number2} (steg2 invoice list, or --json, shows them all)"
            ).format(rest_count=len(rest), number=rest[0]["number"], number2=rest[-1]["number"])
        )


@app.command("run")
def run(
    ctx: typer.Context,
    date: Annotated[
        str | None, typer.Option("--date", help="Invoice date; charges due by then are invoiced (default: today).")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be invoiced; write nothing.")] = False,
    send_after: Annotated[
        bool, typer.Option("--send", help="Then deliver every invoice not yet delivered (as `invoice send`).")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Invoice every charge due and not yet invoiced, one invoice per payer (the cron job)."""
    from steg2cli.services import invoicing

    today = common.today()
    when = common.day(date, "--date") or today
    with common.progress(_("Invoicing")):
        result = invoicing.run(common.database(ctx), when, today, dry_run=dry_run, lines=as_json)
    sent = None
    if send_after:
        from steg2cli.services import delivery

        with common.progress(_("Delivering")) as tick:
            sent = delivery.send(common.database(ctx), today, dry_run=dry_run, progress=tick, command="invoice run")
    if as_json:
        document = {
            "invoices": result["invoices"],
            "dry_run": result["dry_run"],
            "date": result["date"],
            "warnings": result["warnings"],
        }
        if sent is not None:
            document["send"] = sent
        common.emit_json(document)
        delivery_failed(sent)
        return
    common.warn(result["warnings"])
    invoices = result["invoices"]
    if not invoices:
        common.done(_("Nothing to invoice on {date}.").format(date=result["date"]))
        if sent is not None:
            sent_summary(sent)
        return
    total = sum(i["total"] for i in invoices)
    lead = _("Dry run, nothing written: would issue") if dry_run else _("Issued")
    _summary_of_run(
        invoices,
        ngettext(
            "{lead} {count} invoice dated {date}, {total} in all",
            "{lead} {count} invoices dated {date}, {total} in all",
            len(invoices),
        ).format(lead=lead, count=len(invoices), date=result["date"], total=kr(total)),
        most=20,
    )
    if sent is not None:
        if not dry_run or sent["delivered"] or sent["failed"] or sent["uncertain"]:
            sent_summary(sent)
        if dry_run:
            # The invoices a dry run would issue do not exist yet, so the delivery preview cannot list them.
            common.done(
                ngettext(
                    "The invoice this run would issue is delivered too, by its payer's channel.",
                    "The {count} invoices this run would issue are delivered too, each by its payer's channel.",
                    len(invoices),
                ).format(count=len(invoices))
            )


@app.command("send")
def send(
    ctx: typer.Context,
    number: Annotated[list[int] | None, typer.Option("--number", help="Only this invoice (repeatable).")] = None,
    reminders: Annotated[bool, typer.Option("--reminders", help="Reminders not yet delivered too.")] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would go, and try the mail server's login; send nothing.")
    ] = False,
    again: Annotated[
        bool,
        typer.Option("--again", help="Send what is uncertain again; with --number, also what was delivered already."),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Deliver every invoice and credit note not yet delivered, each by its payer's channel (peppol, email, print)."""
    from steg2cli.services import delivery

    with common.progress(_("Delivering")) as tick:
        result = delivery.send(
            common.database(ctx),
            common.today(),
            number or [],
            with_reminders=reminders,
            again=again,
            dry_run=dry_run,
            progress=tick,
        )
    if as_json:
        common.emit_json(result)
        delivery_failed(result)
        return
    sent_summary(result)


@app.command("list")
def list_(
    ctx: typer.Context,
    year: Annotated[int | None, typer.Option("--year", help="Only invoices dated that year.")] = None,
    unpaid: Annotated[bool, typer.Option("--unpaid", help="Only invoices still owed (open or overdue).")] = False,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only invoices past their due date, unpaid.")] = False,
    on: Annotated[str | None, typer.Option("--on", help="The state as of this day (default: today).")] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help=common.LIMIT_HELP)] = None,
    as_json: JsonOption = False,
) -> None:
    """List invoices and credit notes by number, with what is paid and owed."""
    from steg2cli.services import invoicing

    day = common.day(on, "--on") or common.today()
    with invoicing.each_invoice(
        common.database(ctx), year, on=day, unpaid=unpaid, overdue=overdue, with_lines=as_json
    ) as found:
        if as_json:
            common.emit_json_list(found, limit)
            return
        what = _("Overdue invoices") if overdue else _("Unpaid invoices") if unpaid else _("Invoices")
        owed = [0, 0]  # invoices, balance: counted as they stream past

        def counted() -> Iterator[dict[str, Any]]:
            for invoice in found:
                owed[0] += 1
                owed[1] += invoice["balance"]
                yield invoice

        _summary(
            counted(),
            _("{what} on {day}").format(what=what, day=day.isoformat()) if unpaid or overdue else what,
            limit=limit,
        )
    if unpaid or overdue:
        common.done(
            ngettext("{result_count} invoice, {sum} owed.", "{result_count} invoices, {sum} owed.", owed[0]).format(
                result_count=owed[0], sum=kr(owed[1])
            )
        )


@app.command("show")
def show(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="Invoice number (or an invoice from before steg2: its old number).")],
    as_json: JsonOption = False,
) -> None:
    """Show one invoice or credit note with its lines and totals."""
    from steg2cli.errors import NotFound
    from steg2cli.services import invoicing

    try:
        invoice = invoicing.show(common.database(ctx), number, common.today())
    except NotFound:
        text = number.strip()
        if text.isascii() and text.lstrip("-").isdigit():
            raise
        # Neither a number nor an old invoice's number: a usage error, as for any whole-number argument.
        raise typer.BadParameter(_("'{value}' is not a whole number").format(value=number), ctx=ctx) from None
    if as_json:
        common.emit_json(invoice)
        return
    payable = invoice["kind"] in ("invoice", "imported")  # an invoice from before steg2 is owed alike
    title = (
        _("Invoice {number}").format(number=invoice["number"])
        if invoice["kind"] == "invoice"
        else _("Invoice {number} from before steg2").format(number=invoice["number"])
        if invoice["kind"] == "imported"
        else _("Credit note {number} (cancels invoice {credits})").format(
            number=invoice["number"], credits=invoice["credits"]
        )
    )
    seller = invoice["seller"]
    payer = invoice["payer"]
    common.fields(
        [
            (_("date"), invoice["date"]),
            (_("due"), invoice["due_date"]),
            (_("OCR reference"), invoice["ocr"] if payable else None),
            (
                _("seller"),
                ", ".join(
                    v
                    for v in (
                        seller.get("name"),
                        seller.get("org-number"),
                        seller.get("vat-number") and _("VAT {number}").format(number=seller["vat-number"]),
                    )
                    if v
                ),
            ),
            (
                _("payer"),
                payer["name"]
                + (f" ({payer['code']})" if payer["code"] else "")
                + (f", {payer['org_number']}" if payer["org_number"] else ""),
            ),
            (_("address"), ", ".join(payer["address"])),
            (_("your reference"), payer["reference"]),
            (
                _("filled in since issue"),
                ", ".join(_(FILLED.get(key, key)) for key in payer.get("filled_in", [])) or None,
            ),
            (_("reason"), invoice["reason"]),
            (_("waived"), _("yes: its charges are not billed again") if invoice["waived"] else None),
            (_("credited by"), invoice["credited_by"]),
            (_("state"), state_text(invoice)),
            (
                _("blocked"),
                _("{date}: {reason}").format(**invoice["blocked"]) if invoice["blocked"] else None,
            ),
            (
                _("reminders"),
                ", ".join(_("{level}: {date} (pay by {due_date})").format(**r) for r in invoice["reminders"]) or None,
            ),
            (_("interest charged"), kr(invoice["interest_charged"]) if invoice["interest_charged"] else None),
        ],
        title=title,
    )
    if invoice["lines"] or invoice["kind"] != "imported":  # one from before steg2 keeps only its amounts
        common.table(
            None,
            [_("charge"), _("description"), _("who"), _("period"), _("amount"), _("VAT %")],
            (
                [
                    _(CHARGES[line["charge"]]) if line["charge"] in CHARGES else line["charge"],
                    line["description"],
                    line["who"],
                    line["period"],
                    kr(line["amount"]),
                    f"{line['vat_rate']:g}",
                ]
                for line in invoice["lines"]
            ),
        )
    pairs = [(_("before VAT"), kr(invoice["net"]))]
    pairs += [(_("VAT {rate:g} %").format(rate=rate["rate"]), kr(rate["vat"])) for rate in invoice["vat_by_rate"]]
    pairs += [(_("total"), kr(invoice["total"]))]
    if invoice["vat_note"] and any(rate["rate"] == 0 for rate in invoice["vat_by_rate"]):
        exempt = next(rate["net"] for rate in invoice["vat_by_rate"] if rate["rate"] == 0)
        pairs.append((_("VAT exemption"), f"{kr(exempt)}: {invoice['vat_note']}"))
    if payable:
        pairs += [
            (
                _("paid {date}").format(date=p["date"]),
                _("{amount} ({source}, payment {id})").format(
                    amount=kr(p["amount"]), source=common.source_word(p["source"]), id=p["id"]
                ),
            )
            for p in invoice["payments"]
        ]
        pairs += [
            (
                _("paid {date}").format(date=p["date"]),
                _("{amount} (part of payment {id})").format(amount=kr(p["amount"]), id=p["payment"]),
            )
            for p in invoice["parts"]
        ]
        pairs += [
            (
                _("set off {date}").format(date=o["date"]),
                _("{amount} from invoice {origin} to invoice {target}").format(
                    amount=kr(o["amount"]), origin=o["from"], target=o["to"]
                ),
            )
            for o in invoice["offsets"]
        ]
        pairs += [
            (_("paid back {date}").format(date=r["date"]), kr(r["amount"]) + (f" ({r['note']})" if r["note"] else ""))
            for r in invoice["refunds"]
        ]
        pairs.append((_("balance"), kr(invoice["balance"])))
    common.fields(pairs)


@app.command("credit")
def credit(
    ctx: typer.Context,
    number: Annotated[
        str, typer.Argument(help="The invoice to cancel (an invoice from before steg2: its old number, refused).")
    ],
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
    (internal,) = invoicing.internal_numbers(common.database(ctx), [number])
    note = invoicing.credit(common.database(ctx), internal, reason, common.day(date, "--date") or today, today, waive)
    if as_json:
        common.emit_json(note)
    else:
        tail = _("; its charges are waived and will not be invoiced again") if waive else ""
        common.done(
            _("Credit note {number} cancels invoice {number2} ({total}){tail}.").format(
                number=note["number"], number2=number.strip(), total=kr(note["total"]), tail=tail
            )
        )


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
    common.done(
        _("Wrote {fakturor} and {rader} to {output}.").format(
            fakturor=ngettext("{count} invoice", "{count} invoices", counts["Fakturor"]).format(
                count=counts["Fakturor"]
            ),
            rader=ngettext("{count} line", "{count} lines", counts["Rader"]).format(count=counts["Rader"]),
            output=output,
        )
    )


@price_app.command("list")
def price_list(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List prices with the day each became valid."""
    from steg2cli.services import invoicing

    result = invoicing.list_prices(common.database(ctx))
    if as_json:
        common.emit_json(result)
        return
    common.table(
        _("Prices"),
        [_("code"), _("from"), _("amount"), _("VAT %"), _("VAT note")],
        ([p["code"], p["valid_from"], p["amount_text"], f"{p['vat_rate']:g}", p["vat_note"]] for p in result),
    )


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
    replace: Annotated[bool, typer.Option("--replace", help="Change a price already set for that day.")] = False,
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
        common.database(ctx), code, amount, common.required_day(valid_from, "--from"), rate, vat_note, replace
    )
    if as_json:
        common.emit_json(result)
    else:
        common.done(
            _("{code} costs {amount_text} from {valid_from} (VAT {vat_rate:g} %).").format(
                code=code,
                amount_text=result["amount_text"],
                valid_from=result["valid_from"],
                vat_rate=result["vat_rate"],
            )
        )
    common.warn(result["warnings"])


def _payer_details(
    name: str | None,
    org_number: str | None,
    peppol_id: str | None,
    address: str | None,
    reference: str | None,
    email: str | None,
    delivery: str | None = None,
) -> Any:
    from steg2cli.services.payers import PayerDetails

    return PayerDetails(
        name=name,
        org_number=org_number,
        peppol_id=peppol_id,
        address=address,
        reference=reference,
        email=email,
        delivery=delivery,
    )


NameOption = Annotated[str | None, typer.Option("--name", help="The payer's name on invoices.")]
OrgOption = Annotated[str | None, typer.Option("--org-number", help="Organisation number (10 digits).")]
PeppolOption = Annotated[
    str | None, typer.Option("--peppol-id", help="Peppol address SCHEME:ID (default 0007:ORGNUMBER).")
]
AddressOption = Annotated[
    str | None, typer.Option("--address", help=r"Postal address: lines separated by \n, the last 'NNN NN Town'.")
]
ReferenceOption = Annotated[str | None, typer.Option("--reference", help="The buyer reference it asks for.")]
EmailOption = Annotated[str | None, typer.Option("--email", help="Where it wants invoices by e-mail.")]
DeliveryOption = Annotated[
    str | None,
    typer.Option(
        "--delivery",
        help="How its invoices go: peppol, email or print ('' = the default: peppol, else email, else print).",
    ),
]


@payer_app.command("set")
def payer_set(
    ctx: typer.Context,
    payer: Annotated[str, typer.Argument(help="A payer id, or a municipality (name or code: its own payer).")],
    name: NameOption = None,
    org_number: OrgOption = None,
    peppol_id: PeppolOption = None,
    address: AddressOption = None,
    reference: ReferenceOption = None,
    email: EmailOption = None,
    delivery: DeliveryOption = None,
    as_json: JsonOption = False,
) -> None:
    """Change a payer's details; invoices issued from now on carry them, issued ones keep theirs."""
    from steg2cli.services import payers

    result = payers.update(
        common.database(ctx), payer, _payer_details(name, org_number, peppol_id, address, reference, email, delivery)
    )
    if as_json:
        common.emit_json(result)
    else:
        ready = (
            _("ready for e-invoices")
            if result["einvoice_ready"]
            else _("still missing: {missing}").format(missing=", ".join(map(_, result["missing"])))
        )
        common.done(
            _("Saved payer {id}: {name} ({ready}; delivery by {channel}).").format(
                id=result["id"],
                name=result["name"],
                ready=ready,
                channel=_(CHANNELS.get(result["delivery"], result["delivery"])),
            )
        )


@payer_app.command("add")
def payer_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The payer's name (an independent school's company, say).")],
    org_number: Annotated[str, typer.Option("--org-number", help="Organisation number (10 digits).")],
    municipality: Annotated[
        str | None, typer.Option("--municipality", autocompletion=common.complete_municipality, help="Where it is.")
    ] = None,
    peppol_id: PeppolOption = None,
    address: AddressOption = None,
    reference: ReferenceOption = None,
    email: EmailOption = None,
    as_json: JsonOption = False,
) -> None:
    """Register a payer that is not a municipality; `school payer S P` sends a school's invoices to it."""
    from steg2cli.services import payers

    result = payers.add(
        common.database(ctx), _payer_details(name, org_number, peppol_id, address, reference, email), municipality
    )
    if as_json:
        common.emit_json(result)
    else:
        common.done(
            _("Added payer {id}: {name}, {org_number}.").format(
                id=result["id"], name=result["name"], org_number=result["org_number"]
            )
        )


def _payer_rows(result: list[dict[str, Any]]) -> Any:
    return (
        [
            p["id"],
            p["code"] or "",
            p["name"],
            p["org_number"] or "",
            p["peppol_id"] or "",
            ", ".join(p["address"]),
            p["reference"],
            _("yes") if p["einvoice_ready"] else _("no: {missing}").format(missing=", ".join(map(_, p["missing"]))),
        ]
        for p in result
    )


@payer_app.command("list")
def payer_list(
    ctx: typer.Context,
    every: Annotated[bool, typer.Option("--all", help="Every municipality too, not only those with details.")] = False,
    as_json: JsonOption = False,
) -> None:
    """List payers: those with details recorded and those that are not municipalities (--all: every one)."""
    from steg2cli.services import payers

    result = payers.list_payers(common.database(ctx), every)
    if as_json:
        common.emit_json(result)
        return
    common.table(
        _("Payers"),
        [_("id"), _("code"), _("name"), _("org number"), _("Peppol"), _("address"), _("reference"), _("e-invoice")],
        _payer_rows(result),
        empty=_("no invoicing details recorded"),
    )


@payer_app.command("show")
def payer_show(
    ctx: typer.Context,
    payer: Annotated[str, typer.Argument(help="A payer id, or a municipality (name or code).")],
    as_json: JsonOption = False,
) -> None:
    """Show one payer: its details, what it lacks for an e-invoice, the schools that pay through it."""
    from steg2cli.services import payers

    result = payers.show(common.database(ctx), payer)
    if as_json:
        common.emit_json(result)
        return
    common.fields(
        [
            (_("code"), result["code"]),
            (_("organisation number"), result["org_number"]),
            (_("Peppol address"), result["peppol_id"]),
            (_("address"), ", ".join(result["address"])),
            (_("reference"), result["reference"]),
            (_("e-mail"), result["email"]),
            (
                _("delivery"),
                _(CHANNELS.get(result["delivery"], result["delivery"]))
                + ("" if result["delivery_chosen"] else _(" (the default)")),
            ),
            (
                _("e-invoice"),
                _("ready")
                if result["einvoice_ready"]
                else _("missing {missing}").format(missing=", ".join(map(_, result["missing"]))),
            ),
            (_("schools"), ", ".join(f"{s['name']} ({s['id']})" for s in result["schools"])),
        ],
        title=_("Payer {id}: {name}").format(id=result["id"], name=result["name"]),
    )


@app.command("einvoice")
def einvoice(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option("-o", "--output", help="The folder to write the files to.")],
    number: Annotated[list[int] | None, typer.Option("--number", help="Only this invoice (repeatable).")] = None,
    year: Annotated[int | None, typer.Option("--year", help="Only invoices dated that year.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Write each invoice and credit note as a Peppol BIS Billing 3.0 e-invoice (UBL 2.1), one file each."""
    from steg2cli.services import einvoices

    result = einvoices.write(common.database(ctx), output, number or [], year)
    if as_json:
        common.emit_json(result)
    else:
        common.done(
            ngettext(
                "Wrote {files_count} e-invoice to {output}",
                "Wrote {files_count} e-invoices to {output}",
                len(result["files"]),
            ).format(files_count=len(result["files"]), output=output)
            + (
                f": {result['files'][0]} … {result['files'][-1]}."
                if len(result["files"]) > 1
                else f": {result['files'][0]}."
                if result["files"]
                else "."
            )
        )


@app.command("pdf")
def pdf(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option("-o", "--output", help="The folder to write the PDF files to.")],
    number: Annotated[list[int] | None, typer.Option("--number", help="Only this invoice (repeatable).")] = None,
    year: Annotated[int | None, typer.Option("--year", help="Only invoices dated that year.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Write each invoice and credit note as a PDF to print or e-mail (faktura-N.pdf, kreditfaktura-N.pdf)."""
    from steg2cli.services import documents

    with common.progress(_("Writing PDF invoices")) as tick:
        result = documents.write_invoices(common.database(ctx), output, number or [], year, tick)
    if as_json:
        common.emit_json(result)
        return
    files = result["files"]
    common.done(
        ngettext("Wrote {count} PDF to {output}", "Wrote {count} PDFs to {output}", len(files)).format(
            count=len(files), output=output
        )
        + (f": {files[0]} … {files[-1]}." if len(files) > 1 else f": {files[0]}.")
    )


@config_app.command("show")
def config_show(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Show every setting and what it is for."""
    from steg2cli.services import settings

    result = settings.show(common.database(ctx))
    if as_json:
        common.emit_json(result)
        return
    common.table(
        _("Settings"),
        [_("key"), _("value"), _("what it is")],
        ([s["key"], s["value"], common.translated(s["about"])] for s in result),
    )


@config_app.command("set", cls=common.NegativeNumbers)
def config_set(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="The setting (see `config show`).")],
    value: Annotated[str, typer.Argument(help="Its new value.")],
) -> None:
    """Change a setting: seller.name, seller.org-number, seller.vat-number, seller.address, invoice.payment-days, …"""
    from steg2cli.services import settings

    result = settings.set_value(common.database(ctx), key, value)
    common.done(f"{result['key']} = {result['value']}")


from steg2cli.commands import money  # noqa: E402  (rules 40-41's commands join this group)

money.invoice_commands(app)
