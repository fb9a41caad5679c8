"""Money owed and money back (rules 40-42): `invoice remind|block|unblock|interest`, `rate list|set`,
`payment assign --amount|unassign|offset|refund`. The invoice and payment commands join their groups
through `invoice_commands` and `payment_commands`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from steg2cli.commands import common
from steg2cli.i18n import N_, _, ngettext

rate_app = common.group("Reference rates for late-payment interest (räntelagen: reference rate + 8 points).")

JsonOption = Annotated[bool, typer.Option("--json", help=common.JSON_HELP)]


def kr(ore: int) -> str:
    from steg2cli.rules import format_kr

    return format_kr(ore)


def _amount(text: str | None, option: str = "--amount") -> int | None:
    if text is None:
        return None
    from steg2cli import rules
    from steg2cli.errors import BadInput

    try:
        return rules.parse_kr(text)
    except ValueError as exc:
        raise BadInput(_("{option}: {exc}").format(option=option, exc=exc)) from None


# ---- invoice remind | block | unblock | interest ---------------------------------------------------


def remind(
    ctx: typer.Context,
    date: Annotated[str | None, typer.Option("--date", help="The reminders' date (default: today).")] = None,
    number: Annotated[
        list[str] | None,
        typer.Option(
            "--number",
            help="Remind only this invoice (repeatable; an invoice from before steg2 by its old number); each must "
            "be due one.",
        ),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be reminded, record nothing.")] = False,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write each reminder as a PDF into this folder.")
    ] = None,
    send: Annotated[
        bool,
        typer.Option(
            "--send", help="Then deliver these reminders, and any earlier one still waiting, by each payer's channel."
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Remind every overdue invoice due a reminder; a fee only when reminder.fee is set."""
    from steg2cli.commands.sending import delivery_failed, sent_summary
    from steg2cli.services import reminders

    today = common.today()
    day = common.day(date, "--date") or today
    from steg2cli.services.invoicing import internal_numbers

    wanted = internal_numbers(common.database(ctx), number or [])
    result = reminders.remind(common.database(ctx), day, today, wanted, dry_run, output)
    sent = None
    if send and not dry_run:
        from steg2cli.services import delivery

        # This run's reminders, and every earlier one still waiting (a delivery that failed last time goes
        # now: a cron job running `invoice remind --send` never leaves one behind).
        pairs = [(r["internal_number"], r["level"]) for r in result["reminders"]]
        pairs += [p for p in delivery.issued_reminders(common.database(ctx)) if p not in pairs]
        sent = delivery.send_reminders(common.database(ctx), today, pairs)
        result = {**result, "send": sent}
    if as_json:
        common.emit_json(result)
        delivery_failed(sent)
        return
    common.table(
        _("Reminders that would be sent") if dry_run else _("Reminders"),
        [_("invoice"), _("reminder"), _("new due date"), _("fee")],
        ([r["invoice"], r["level"], r["due_date"], kr(r["fee"]) if r["fee"] else "—"] for r in result["reminders"]),
        empty=_("no invoice is due a reminder"),
    )
    for file in result["files"]:
        common.done(_("Wrote {file}").format(file=file))
    if sent is not None:
        sent_summary(sent)


def block(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="Invoice number (an invoice from before steg2: its old number).")],
    reason: Annotated[str, typer.Option("--reason", help="Why it must not be reminded (a dispute, say).")],
    as_json: JsonOption = False,
) -> None:
    """Block an invoice from reminders (a dispute); the reason is kept."""
    from steg2cli.services import reminders
    from steg2cli.services.invoicing import internal_numbers

    (internal,) = internal_numbers(common.database(ctx), [number])
    result = reminders.block(common.database(ctx), internal, reason, common.today())
    if as_json:
        common.emit_json(result)
    else:
        common.done(_("Invoice {number} is blocked from reminders: {reason}").format(number=number, reason=reason))


def unblock(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="Invoice number (an invoice from before steg2: its old number).")],
    as_json: JsonOption = False,
) -> None:
    """Let a blocked invoice be reminded again."""
    from steg2cli.services import reminders
    from steg2cli.services.invoicing import internal_numbers

    (internal,) = internal_numbers(common.database(ctx), [number])
    result = reminders.unblock(common.database(ctx), internal, common.today())
    if as_json:
        common.emit_json(result)
    else:
        common.done(_("Invoice {number} can be reminded again.").format(number=number))


def interest(
    ctx: typer.Context,
    date: Annotated[str | None, typer.Option("--date", help="Reckon interest up to this day (default: today).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the charges, write nothing.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Charge late-payment interest (reference rate + 8 points) not yet charged, billed by the next invoice run."""
    from steg2cli.services import interest as service

    day = common.day(date, "--date") or common.today()
    result = service.charge(common.database(ctx), day, common.today(), dry_run)
    common.warn(
        _(
            "invoice {invoice} was charged {amount} more interest than is owed now that its money moved; "
            "credit the invoice that billed it with --waive"
        ).format(invoice=o["invoice"], amount=kr(o["amount"]))
        for o in result["overcharged"]
    )
    if as_json:
        common.emit_json(result)
        return
    common.table(
        _("Interest that would be charged") if dry_run else _("Interest charged"),
        [_("invoice"), _("from"), _("through"), _("amount")],
        ([c["invoice"], c["from"], c["through"], kr(c["amount"])] for c in result["charges"]),
        empty=_("no interest to charge"),
    )
    if result["below_minimum"]:
        common.done(
            ngettext(
                "{count} invoice's interest is below interest.minimum and waits.",
                "{count} invoices' interest is below interest.minimum and waits.",
                result["below_minimum"],
            ).format(count=result["below_minimum"])
        )


def invoice_commands(app: typer.Typer) -> None:
    """Add `remind`, `block`, `unblock` and `interest` to the invoice group."""
    app.command("remind")(remind)
    app.command("block")(block)
    app.command("unblock")(unblock)
    app.command("interest")(interest)


# ---- rate list | set ----------------------------------------------------------------------------


#: The kinds of rate, as a person reads them.
RATE_KINDS = {"reference": N_("reference rate")}


@rate_app.command("list")
def rate_list(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List the reference rates and the late-payment interest each gives."""
    from steg2cli.services import interest as service

    result = service.list_rates(common.database(ctx))
    if as_json:
        common.emit_json(result)
        return
    common.table(
        _("Reference rates"),
        [_("rate"), _("from"), _("reference rate %"), _("interest %")],
        (
            [
                _(RATE_KINDS.get(r["kind"], r["kind"])),
                r["from"],
                common.percent(r["rate"]),
                common.percent(r["interest_rate"]),
            ]
            for r in result
        ),
        empty=_("none: set one with `steg2 rate set reference PERCENT --from DATE`"),
    )


@rate_app.command("set", cls=common.NegativeNumbers)
def rate_set(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help="The rate: reference (the Riksbank's reference rate).")],
    percent: Annotated[str, typer.Argument(help="The rate in percent, e.g. 2,25 or -0,5.")],
    valid_from: Annotated[str, typer.Option("--from", help="The first day it is in force.")],
    as_json: JsonOption = False,
) -> None:
    """Set the reference rate from a day on (the Riksbank sets it each half-year)."""
    from steg2cli import rules
    from steg2cli.errors import BadInput
    from steg2cli.services import interest as service

    try:
        rate_bp = rules.parse_rate(percent)
    except ValueError as exc:
        raise BadInput(str(exc)) from None
    result = service.set_rate(common.database(ctx), kind, rate_bp, common.required_day(valid_from, "--from"))
    if as_json:
        common.emit_json(result)
    else:
        common.done(
            _("Reference rate {rate} % from {day}: late-payment interest {interest} %.").format(
                rate=common.percent(result["rate"]),
                day=result["from"],
                interest=common.percent(result["interest_rate"]),
            )
        )


# ---- payment assign --amount | unassign | offset | refund ----------------------------------------


def _payment_done(result: dict[str, Any]) -> None:
    parts = ", ".join(
        _("{amount} on invoice {invoice}").format(amount=kr(p["amount"]), invoice=p["invoice"]) for p in result["parts"]
    )
    common.done(
        _("Payment {id} ({amount}): {parts}; {left} on no invoice.").format(
            id=result["id"],
            amount=kr(result["amount"]),
            parts=parts or _("nothing on an invoice"),
            left=kr(result["unallocated"]),
        )
    )


def assign(
    ctx: typer.Context,
    payment: Annotated[int, typer.Argument(help="The payment's id (payment list).", min=1)],
    invoice: Annotated[str, typer.Argument(help="The invoice's number or OCR reference.")],
    amount: Annotated[
        str | None,
        typer.Option("--amount", help="Only this much (kronor) of what is on no invoice yet; run again for more."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Put a payment on an invoice, or with --amount a part of it (one payment over several invoices)."""
    from steg2cli.services import receivables

    result = receivables.assign(common.database(ctx), payment, invoice, _amount(amount))
    if as_json:
        common.emit_json(result)
    else:
        _payment_done(result)


def unassign(
    ctx: typer.Context,
    payment: Annotated[int, typer.Argument(help="The payment's id (payment list).", min=1)],
    invoice: Annotated[str | None, typer.Argument(help="Only its part on this invoice.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Take a payment off its invoice (or one part of it), back to the payments to match."""
    from steg2cli.services import receivables

    result = receivables.unassign(common.database(ctx), payment, invoice)
    if as_json:
        common.emit_json(result)
    else:
        _payment_done(result)


def offset(
    ctx: typer.Context,
    from_invoice: Annotated[str, typer.Argument(help="The overpaid (or credited) invoice.")],
    to_invoice: Annotated[str, typer.Argument(help="The open invoice of the same payer.")],
    amount: Annotated[
        str | None, typer.Option("--amount", help="Kronor to set off (default: as much as both allow).")
    ] = None,
    date: Annotated[str | None, typer.Option("--date", help="The set-off's date (default: today).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Set an overpayment off against another open invoice of the same payer (the books do not change)."""
    from steg2cli.services import receivables

    day = common.day(date, "--date") or common.today()
    result = receivables.offset(common.database(ctx), from_invoice, to_invoice, _amount(amount), day, common.today())
    if as_json:
        common.emit_json(result)
    else:
        common.done(
            _("Set off {amount} from invoice {origin} against invoice {target}.").format(
                amount=kr(result["amount"]), origin=result["from"], target=result["to"]
            )
        )


def refund(
    ctx: typer.Context,
    invoice: Annotated[str, typer.Argument(help="The overpaid or credited invoice.")],
    amount: Annotated[str, typer.Option("--amount", help="Kronor paid back.")],
    date: Annotated[str, typer.Option("--date", help="The day the money went back.")],
    note: Annotated[str, typer.Option("--note", help="A note (how, to which account).")] = "",
    as_json: JsonOption = False,
) -> None:
    """Record money paid back to the payer on an overpaid or credited invoice."""
    from steg2cli.services import receivables

    ore = _amount(amount)
    assert ore is not None
    result = receivables.refund(
        common.database(ctx), invoice, ore, common.required_day(date, "--date"), note, common.today()
    )
    if as_json:
        common.emit_json(result)
    else:
        common.done(
            _("Recorded refund {id}: {amount} paid back on invoice {invoice}; {left} left to pay back.").format(
                id=result["id"], amount=kr(result["amount"]), invoice=result["invoice"], left=kr(result["to_pay_back"])
            )
        )


def payment_commands(app: typer.Typer) -> None:
    """Add `assign` (with --amount), `unassign`, `offset` and `refund` to the payment group."""
    app.command("assign")(assign)
    app.command("unassign")(unassign)
    app.command("offset")(offset)
    app.command("refund")(refund)
