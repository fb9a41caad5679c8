"""`person export|erase` and `log`."""

from __future__ import annotations

from typing import Annotated

import typer

from steg2cli.commands import common
from steg2cli.errors import BadInput
from steg2cli.i18n import N_, _, ngettext

app = common.group("Personal data: what is held about a person, and erasure.")


@app.command("export")
def export(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="The person's e-mail address.")],
    as_json: Annotated[bool, typer.Option("--json", help="Everything held, as one JSON document.")] = False,
) -> None:
    """Everything held about one person (GDPR Article 15): a summary in Swedish to send them, or --json."""
    from steg2cli.services import people

    held = people.export(common.database(ctx), email)
    if as_json:
        common.emit_json(held)
        return
    out = common.console()
    # A summary to send to the person: a document, always in Swedish (like the Excel files).
    lines = ["Uppgifter om {email} i MÄN:s Steg 2-register".format(email=held["email"]), ""]
    trainer = held["as_trainer"]
    if trainer:
        lines += [
            "Som Steg 2-utbildare:",
            "  namn: {name}, e-post: {email}, telefon: {value}".format(
                name=trainer["name"], email=trainer["email"], value=trainer["phone"] or "—"
            ),
            "  kommun: {municipality}, utsedd av: {appointed_by}".format(
                municipality=common.place(trainer["municipality"]), appointed_by=trainer["appointed_by"]
            ),
            "  grundutbildning {basic_training}, programserie hållen {series_held}, certifierad {value}".format(
                basic_training=trainer["basic_training"],
                series_held=trainer["series_held"],
                value=trainer["certified_on"] or "—",
            ),
            "  kurser: {courses_count}, överenskommelser: {agreements_count}, flyttar: {moves_count}, "
            "träffar: {meetings_count}, program som lett: {programmes_led_count}, rapporterade "
            "utbildade: {trainees_reported}".format(
                courses_count=len(trainer["courses"]),
                agreements_count=len(trainer["agreements"]),
                moves_count=len(trainer["moves"]),
                meetings_count=len(trainer["meetings"]),
                programmes_led_count=len(trainer["programmes_led"]),
                trainees_reported=trainer["trainees_reported"],
            ),
        ]
    for contact in held["as_contact_person"]:
        lines.append(
            "Som kontaktperson: {school} ({programme}) från {since}: {name}, {email}, {value}".format(
                school=contact["school"],
                programme=contact["programme"],
                since=contact["from"],
                name=contact["name"],
                email=contact["email"],
                value=contact["phone"] or "—",
            )
        )
    for trainee in held["as_trainee"]:
        void = " (makulerad)" if trainee.get("void") else ""
        lines.append(
            "Som utbildad: {name}, {school} ({programme}), {trained_on}, utbildad av {trained_by}{void}".format(
                name=trainee["name"],
                school=trainee["school"],
                programme=trainee["programme"],
                trained_on=trainee["trained_on"],
                trained_by=trainee["trained_by"],
                void=void,
            )
        )
    if held["on_invoices"]:
        lines.append(
            "På fakturor (namn, inga kontaktuppgifter): {count} {rows}".format(
                count=len(held["on_invoices"]), rows="rad" if len(held["on_invoices"]) == 1 else "rader"
            )
        )
    # Written for the person, so it ends with what is kept and why, not with a command for the coordinator.
    lines += ["", held["what_is_kept_and_why"]]
    for line in lines:
        out.print(line, markup=False)


@app.command("erase")
def erase(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="The person's e-mail address.")],
    yes: Annotated[bool, typer.Option("--yes", help="Confirm: the erasure cannot be undone.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help=common.JSON_HELP)] = False,
) -> None:
    """Pseudonymise a person everywhere (GDPR Article 17); issued invoices keep their sums and names."""
    from steg2cli.services import people

    if not yes:
        raise BadInput(_("erasure cannot be undone: add --yes to confirm"))
    result = people.erase(common.database(ctx), email, common.today())
    if not result["compacted"]:
        common.console(stderr=True).print(
            _(
                "Warning: another steg2 (or program) was reading the database, so an old copy of the "
                "erased data may remain in the file; run `steg2 db compact` when nobody else is working."
            ),
            markup=False,
        )
    if as_json:
        common.emit_json(result)
        return
    counts = result["erased"]
    common.done(
        _("Erased: {trainer}, {contact_person}, {trainee}. Issued invoices are kept as issued.").format(
            trainer=ngettext("{count} trainer", "{count} trainers", counts["trainer"]).format(count=counts["trainer"]),
            contact_person=ngettext(
                "{count} contact person record", "{count} contact person records", counts["contact_person"]
            ).format(count=counts["contact_person"]),
            trainee=ngettext("{count} trainee record", "{count} trainee records", counts["trainee"]).format(
                count=counts["trainee"]
            ),
        )
    )


#: What the audit trail names (stored codes), as a person reads them. A test checks that every kind of
#: record a service notes (`db.touched`, `db.changed`) is here.
AUDIT_WORDS = {
    "trainer": N_("trainer"),
    "agreement": N_("agreement"),
    "course": N_("course"),
    "invoice": N_("invoice"),
    "meeting": N_("meeting"),
    "payer": N_("payer"),
    "payment": N_("payment"),
    "payment-import": N_("imported bank file"),
    "payment-offset": N_("set-off"),
    "refund": N_("refund"),
    "rate": N_("reference rate"),
    "price": N_("price"),
    "school": N_("school"),
    "school-programme": N_("programme run"),
    "setting": N_("setting"),
    "trainee": N_("trainee"),
    "step": N_("step"),
    "attendance": N_("attendance"),
    "problem": N_("problem"),
    "delivery": N_("delivery"),
    "cohort": N_("cohort"),
    "definition": N_("programme definition"),
    "imported-from": N_("imported from"),
    "demo-scale": N_("demo data"),
}
#: The fields an edit records, as a person reads them.
FIELD_WORDS = {
    "name": N_("name"),
    "email": N_("e-mail"),
    "phone": N_("phone"),
    "appointed_by": N_("appointed by"),
    "level": N_("level"),
    "inactive_from": N_("inactive from"),
    "inactive_reason": N_("why inactive"),
    "invoice": N_("invoice"),
    "payer_id": N_("payer"),
    "amount_ore": N_("amount"),
    "unallocated": N_("amount on no invoice"),
    "rate_bp": N_("rate"),
    "value": N_("value"),
    "address": N_("address"),
    "reference": N_("reference"),
    "org_number": N_("organisation number"),
    "peppol_id": N_("Peppol address"),
    "delivery": N_("delivery channel"),
    "changes": N_("changes"),
}
#: Fields kept in öre, shown in kronor; fields kept in basis points, shown in percent.
MONEY_FIELDS = frozenset({"amount_ore", "unallocated"})
RATE_FIELDS = frozenset({"rate_bp"})


def _audit_word(kind: str) -> str:
    return _(AUDIT_WORDS[kind]) if kind in AUDIT_WORDS else kind


def _field_word(field: str) -> str:
    return _(FIELD_WORDS[field]) if field in FIELD_WORDS else field


def _value(value: object) -> str:
    """An old or new value as the audit trail shows it: nothing as a dash, text quoted."""
    if value is None or value == "":
        return "—"
    return repr(value) if isinstance(value, str) else str(value)


def _change_value(kind: str, record: str, field: str, value: object) -> str:
    """A recorded value as a person reads it: money in kronor, a rate in percent (with the language's
    decimal mark), a delivery channel by its name, anything else as `_value` shows it."""
    from steg2cli import rules

    if value is None or value == "":
        return "—"
    if field in MONEY_FIELDS and isinstance(value, int):
        return rules.format_kr(value)
    if field in RATE_FIELDS and isinstance(value, int):
        return f"{common.percent(value / 100)} %"
    if field == "invoice":  # an invoice by the number a person types, an old one's without quotes
        return str(value)
    if field == "delivery" and isinstance(value, str):
        from steg2cli.commands.sending import CHANNELS

        return _(CHANNELS.get(value, value))
    if kind == "setting" and field == "value" and isinstance(value, str):
        from steg2cli.services.settings import KRONOR

        if record in KRONOR:
            try:
                return rules.format_kr(rules.parse_kr(value))
            except ValueError:
                pass
    return _value(value)


def _touched_text(kind: str, ids: object) -> str:
    if kind == "trainee-report":  # a list taken in: the trail keeps its number of rows, not ids
        rows = int(ids[0]) if isinstance(ids, list) and ids else 0
        return ngettext("a trainee list of {count} row", "a trainee list of {count} rows", rows).format(count=rows)
    shown = ", ".join(map(str, ids)) if isinstance(ids, list) else str(ids)
    return f"{_audit_word(kind)} {shown}"


def _change_text(kind: str, record: str, field: str, values: object) -> str:
    """One recorded change: a personal field only as changed, any other with its old and new value."""
    if not isinstance(values, list):  # a personal field: the trail does not show its values
        return _("{kind} {record} {field} changed").format(
            kind=_audit_word(kind), record=record, field=_field_word(field)
        )
    old, new = values
    return _("{kind} {record} {field}: {old} → {new}").format(
        kind=_audit_word(kind),
        record=record,
        field=_field_word(field),
        old=_change_value(kind, record, field, old),
        new=_change_value(kind, record, field, new),
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
        _("Audit trail (newest first, UTC)"),
        [_("at"), _("user"), _("command"), _("touched"), _("changed")],
        (
            [
                r["at"].replace("T", " ").rstrip("Z"),
                r["user"],
                r["command"],
                "; ".join(_touched_text(kind, ids) for kind, ids in r["touched"].items()),
                "; ".join(
                    _change_text(kind, record, field, values)
                    for kind, records in r["changes"].items()
                    for record, fields in records.items()
                    for field, values in fields.items()
                ),
            ]
            for r in rows
        ),
        empty=_("nothing recorded yet"),
    )
