"""`meeting add|attend|list`, `compliance` and `status`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from steg2cli.commands import common
from steg2cli.i18n import _, ngettext

app = common.group("Network meetings and the conference: plan them, record who came.")

JsonOption = Annotated[bool, typer.Option("--json", help=common.JSON_HELP)]


@app.command("add")
def add(
    ctx: typer.Context,
    kind: Annotated[
        str,
        typer.Option(
            "--kind", help="A gathering kind of the definition: network (nätverksträff) or conference in MÄN's."
        ),
    ],
    date: Annotated[str, typer.Option("--date", help="The meeting's date.")],
    title: Annotated[str | None, typer.Option("--title", help="A title (default from the kind).")] = None,
    cohort: Annotated[str | None, typer.Option("--cohort", help="A gathering of this cohort (id or name).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Plan a network meeting, the conference or another gathering of the definition."""
    from steg2cli.services import followup

    result = followup.add_meeting(
        common.database(ctx), kind.strip(), common.required_day(date, "--date"), title, cohort
    )
    if as_json:
        common.emit_json(result)
    else:
        common.done(
            _("Added meeting {id}: {title} on {date}.").format(
                id=result["id"], title=result["title"], date=result["date"]
            )
        )


@app.command("attend")
def attend(
    ctx: typer.Context,
    meeting: Annotated[int, typer.Argument(help="Meeting id.")],
    trainers: Annotated[list[str], typer.Argument(help="Trainer ids or e-mail addresses.")],
    as_json: JsonOption = False,
) -> None:
    """Record which trainers attended a meeting (attending twice counts once)."""
    from steg2cli.services import followup

    result = followup.attend(common.database(ctx), meeting, trainers, common.today())
    if as_json:
        common.emit_json(result)
    else:
        common.done(
            _("Meeting {id}: {added}, {already_attending} already recorded; {attendee_count} in all.").format(
                id=result["id"],
                added=ngettext("{count} attendance added", "{count} attendances added", result["added"]).format(
                    count=result["added"]
                ),
                already_attending=result["already_attending"],
                attendee_count=result["attendee_count"],
            )
        )


@app.command("list")
def list_(
    ctx: typer.Context,
    year: Annotated[int | None, typer.Option("--year", help="Only that year's meetings.")] = None,
    as_json: JsonOption = False,
) -> None:
    """List meetings with how many attended."""
    from steg2cli.services import followup

    result = followup.list_meetings(common.database(ctx), year)
    if as_json:
        common.emit_json(result)
        return
    common.table(
        _("Meetings"),
        [_("id"), _("kind"), _("date"), _("title"), _("attended")],
        ([m["id"], common.word(m["kind"]), m["date"], m["title"], m["attendee_count"]] for m in result),
        empty=_("no meetings"),
    )


@app.command("show")
def show(
    ctx: typer.Context,
    meeting: Annotated[int, typer.Argument(help="Meeting id.")],
    as_json: JsonOption = False,
) -> None:
    """Show a meeting and every attendance recorded, with the ids `steg2 void attendance` takes."""
    from steg2cli.services import followup

    result = followup.show_meeting(common.database(ctx), meeting)
    if as_json:
        common.emit_json(result)
        return
    common.table(
        _("Meeting {id}: {title} ({kind}) on {date}, {attendee_count} attended").format(
            id=result["id"],
            title=result["title"],
            kind=common.word(result["kind"]),
            date=result["date"],
            attendee_count=result["attendee_count"],
        ),
        [_("attendance id"), _("trainer"), _("name"), _("void")],
        ([a["id"], a["trainer_id"], a["name"], common.void_text(a["void"])] for a in result["attendance"]),
        empty=_("nobody recorded yet"),
    )


def compliance(
    ctx: typer.Context,
    year: Annotated[int, typer.Option("--year", help="The calendar year.")],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Also write the report to an .xlsx file.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Who fell short of 2 network meetings and 1 conference in a year."""
    from steg2cli.services import followup

    db = common.database(ctx)
    rows = followup.compliance(db, year)
    if output is not None:
        followup.export_compliance(db, year, output)
    if as_json:
        common.emit_json(rows)
        return
    short = sum(1 for r in rows if not r["ok"])
    names = followup.gathering_names(db)
    # The obligations that apply: every kind some row's level obliges, in the definition's order.
    obliged = {kind for r in rows for kind, count in r["required"].items() if count}
    kinds = [k for k in names if k in obliged] + sorted(obliged - set(names))
    common.table(
        ngettext(
            "Attendance {year}: {short} of {rows_count} trainer under agreement falls short",
            "Attendance {year}: {short} of {rows_count} trainers under agreement fall short",
            len(rows),
        ).format(year=year, short=short, rows_count=len(rows)),
        [_("id"), _("name"), _("municipality"), *[str(names.get(k) or k) for k in kinds], _("ok")],
        (
            [
                r["trainer_id"],
                r["name"],
                r["municipality"]["name"],
                *(f"{r['attended'].get(k, 0)}/{r['required'][k]}" if r["required"].get(k) else "—" for k in kinds),
                _("yes") if r["ok"] else _("NO"),
            ]
            for r in rows
        ),
        empty=_("no trainer was under agreement that year"),
    )
    if output is not None:
        common.done(_("Wrote the report to {output}.").format(output=output))


def _short_line(r: dict[str, Any], names: dict[str, str]) -> str:
    """A trainer short on meetings: what can no longer be met, and what the gatherings still planned this
    year can make up ("Nätverksträff: 1 of 2 so far"). Gathering kinds by their names in the programme
    definition (`names`), never by their codes."""

    def name(kind: str) -> str:
        return names.get(kind, kind)

    if set(r["required"]) <= {"network", "conference"}:
        line = _("{name} ({trainer_id}): {network_meetings}, {conferences}").format(
            name=r["name"],
            trainer_id=r["trainer_id"],
            network_meetings=ngettext(
                "{count} network meeting", "{count} network meetings", r["network_meetings"]
            ).format(count=r["network_meetings"]),
            conferences=ngettext("{count} conference", "{count} conferences", r["conferences"]).format(
                count=r["conferences"]
            ),
        )
    else:
        line = "{name} ({trainer_id}): ".format(**r) + ", ".join(
            f"{name(kind)} {r['attended'].get(kind, 0)}/{count}" for kind, count in r["required"].items()
        )
    so_far = [
        _("{kind}: {attended} of {required} so far").format(attended=r["attended"].get(k, 0), required=n, kind=name(k))
        + (_(", next on {date}").format(date=r["next"][k]) if k in r.get("next", {}) else "")
        for k, n in r["required"].items()
        if k not in r["short"] and r["attended"].get(k, 0) < n
    ]
    return "; ".join([line, *so_far])


def status(
    ctx: typer.Context,
    date: Annotated[str | None, typer.Option("--date", help="As of this day (default: today).")] = None,
    as_json: JsonOption = False,
) -> None:
    """The coordinator's dashboard: what needs doing today."""
    from steg2cli.services import followup

    day = common.day(date, "--date") or common.today()
    if as_json:
        common.emit_json(followup.status(common.database(ctx), day))
    else:
        _dashboard(followup.status_summary(common.database(ctx), day, most=10))


def _dashboard(s: dict[str, Any]) -> None:
    from rich.markup import escape

    from steg2cli.commands.sending import CHANNELS
    from steg2cli.rules import format_kr as kr

    out = common.console()
    t = s["trainers"]
    out.print(_("[bold]steg2 status {date}[/bold]").format(date=s["date"]))
    out.print(
        _("Trainers: {registered} registered · {certified} certified · {under_agreement} under agreement").format(
            registered=t["registered"], certified=t["certified"], under_agreement=t["under_agreement"]
        )
    )

    def section(title: str, key: str, line: Callable[[Any], str], hint: str = "") -> None:
        """A heading with the count, the first items as lines, and a hint."""
        items, count = s[key], s["counts"][key]
        out.print(f"\n[bold]{title}[/bold]" + (f" ({count})" if count else ""))
        if not count:
            out.print(_("  [green]✓[/green] none"))
            return
        for item in items:
            out.print(f"  • {escape(line(item))}")
        if count > len(items):
            out.print(_("  … and {value} more (--json lists all)").format(value=count - len(items)))
        if hint:
            out.print(f"  [dim]{escape(hint)}[/dim]")

    section(
        _("Agreement years starting within 30 days"),
        "renewals_within_30_days",
        lambda r: _("{name} (agreement {agreement_id}) renews {renews_on}").format(**r),
    )
    section(
        _("Municipalities with running programmes and fewer than 2 trainers"),
        "understaffed_municipalities",
        lambda m: _("{municipality}: {trainers_in_force}, {running_programmes}").format(
            municipality=m["municipality"]["name"],
            trainers_in_force=ngettext(
                "{count} trainer in force", "{count} trainers in force", m["trainers_in_force"]
            ).format(count=m["trainers_in_force"]),
            running_programmes=ngettext(
                "{count} running programme", "{count} running programmes", m["running_programmes"]
            ).format(count=m["running_programmes"]),
        ),
    )
    section(
        _("Short on meetings in {year} (2 network + 1 conference)").format(year=s["date"][:4]),
        "short_on_meetings",
        lambda r: _short_line(r, s.get("gatherings", {})),
    )
    section(
        _("Programmes with nothing recorded for six months"),
        "stalled_programmes",
        lambda p: _("{school} ({school_id}) {programme}: last {last_activity}").format(**p),
    )
    section(
        _("Programmes stopped in {year}").format(year=s["date"][:4]),
        "stopped_this_year",
        lambda p: _("{school} ({school_id}) {programme} on {stopped_on}: {reason}").format(**p),
    )
    section(
        _("Certified trainers without an agreement"),
        "certified_without_agreement",
        lambda t: _("{name} ({trainer_id}), certified {certified_on}").format(**t),
        _("steg2 sign-agreement TRAINER --start YYYY-MM-DD"),
    )
    section(
        _("Running programmes with no trainee list for a year"),
        "programmes_without_trainee_list",
        lambda p: _(
            "{school} ({school_id}) {programme}, led by {trainer_name} ({trainer_id}), running since {since}"
        ).format(**p),
        _("ask the trainer for the list: steg2 export template -o lista.xlsx"),
    )
    out.print("\n[bold]" + _("Invoicing") + "[/bold]")
    last = s["last_invoice_run"]
    out.print(
        _("  last run: {date}, {invoices}, {total}").format(
            date=last["date"],
            invoices=ngettext("{count} invoice", "{count} invoices", last["invoices"]).format(count=last["invoices"]),
            total=kr(last["total"]),
        )
        if last
        else _("  no invoices issued yet")
    )
    due = s["not_invoiced"]
    if due["charges"]:
        out.print(
            _("  due, not invoiced: {charges}, {total} before VAT, {payers} → steg2 invoice run").format(
                charges=ngettext("{count} charge", "{count} charges", due["charges"]).format(count=due["charges"]),
                total=kr(due["total"]),
                payers=ngettext("{count} payer", "{count} payers", due["payers"]).format(count=due["payers"]),
            )
        )
    else:
        out.print(_("  [green]✓[/green] everything due is invoiced"))
    section(
        _("Overdue"),
        "overdue",
        lambda i: _("{payer}: invoice {number}, {days_late} late, {balance} (due {due_date})").format(
            payer=i["payer"]["name"],
            number=i["number"],
            days_late=ngettext("{count} day", "{count} days", i["days_late"]).format(count=i["days_late"]),
            balance=kr(i["balance"]),
            due_date=i["due_date"],
        ),
        _("steg2 invoice list --overdue; a payment arrives with steg2 payment import FILE"),
    )
    if s["not_delivered"]:
        out.print(
            _("  not delivered: {count} → steg2 invoice send").format(
                count=ngettext("{count} invoice", "{count} invoices", s["not_delivered"]).format(
                    count=s["not_delivered"]
                )
            )
        )
    section(
        _("Deliveries uncertain: started, never confirmed"),
        "uncertain_deliveries",
        lambda d: _("{what} by {channel} on {date}").format(
            what=_("letter to trainer {trainer_id} ({about})").format(trainer_id=d["trainer_id"], about=d["about"])
            if d["kind"] == "letter"
            else _("reminder {level} of invoice {number}").format(level=d["level"], number=d["number"])
            if d["kind"] == "reminder"
            else _("invoice {number}").format(number=d["number"]),
            channel=_(CHANNELS.get(d["channel"], d["channel"])),
            date=d["date"],
        ),
        _("check with the recipient; then steg2 invoice send --again --number N (or leave it)"),
    )
    section(
        _("Due a reminder"),
        "reminders_due",
        lambda i: _("{payer}: invoice {number}, reminder {level}, {balance} (due {due_date})").format(
            payer=i["payer"]["name"],
            number=i["number"],
            level=i["level"],
            balance=kr(i["balance"]),
            due_date=i["due_date"],
        ),
        _("steg2 invoice remind -o FOLDER (or block one: steg2 invoice block N --reason R)"),
    )
    section(
        _("To hand over for collection (every reminder sent, still unpaid)"),
        "to_collection",
        lambda i: _("{payer}: invoice {number}, {balance}, last reminder {last_reminder}").format(
            payer=i["payer"]["name"], number=i["number"], balance=kr(i["balance"]), last_reminder=i["last_reminder"]
        ),
    )
    section(
        _("Payments to match"),
        "payments_to_match",
        lambda p: _("payment {id}, {date}: {amount} from {payer}, reference {reference}").format(
            id=p["id"],
            date=p["date"],
            amount=kr(p["amount"]),
            payer=p["payer_name"] or _("unknown"),
            reference=p["reference"] or "—",
        ),
        _("steg2 payment assign PAYMENT INVOICE"),
    )
    section(
        _("Payers not ready for an e-invoice (due within 30 days)"),
        "payers_not_ready",
        lambda p: _("{name}: missing {missing}").format(name=p["name"], missing=", ".join(map(_, p["missing"]))),
        _('steg2 payer set PAYER --org-number N --address "LINE\\nNNN NN TOWN" --reference R'),
    )
    section(
        _("Invoices carrying void charges (a cancelled course, an unenrolled participant)"),
        "invoices_to_credit",
        lambda i: _("credit invoice {number} ({payer}): {charges}").format(
            number=i["number"], payer=i["payer"]["name"], charges="; ".join(i["void_charges"])
        ),
        _("steg2 invoice credit N --reason R [--waive]; the next run bills only what is still due"),
    )
