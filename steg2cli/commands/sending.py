"""What the commands that deliver (`invoice send`, `invoice run --send`, `invoice remind --send`, `mail
trainers`) print: what went, what waits and why, what is uncertain; and their exit status."""

from __future__ import annotations

from typing import Any

from steg2cli.commands import common
from steg2cli.i18n import N_, _, ngettext

CHANNELS = {"peppol": N_("Peppol"), "email": N_("e-mail"), "print": N_("print"), "manual": N_("by hand")}


def _what(entry: dict[str, Any]) -> str:
    if "level" in entry:
        return _("reminder {level} of invoice {number}").format(level=entry["level"], number=entry["number"])
    if entry.get("kind") == "credit":
        return _("credit note {number}").format(number=entry["number"])
    return _("invoice {number}").format(number=entry["number"])


def sent_summary(result: dict[str, Any]) -> None:
    """What `invoice send` delivered, what waits and why, and what is uncertain."""
    delivered, failed, unsure = result["delivered"], result["failed"], result["uncertain"]
    if delivered:
        lead = _("Dry run, nothing sent: would deliver") if result["dry_run"] else _("Delivered")
        common.table(
            ngettext("{lead} {count} document", "{lead} {count} documents", len(delivered)).format(
                lead=lead, count=len(delivered)
            ),
            [_("what"), _("channel"), _("to")],
            ([_what(d), _(CHANNELS.get(d["channel"], d["channel"])), d["to"]] for d in delivered),
        )
    elif not failed and not unsure:
        common.done(_("Nothing to deliver: everything is delivered."))
    if unsure:
        common.warn(
            [
                _(
                    "{what}: sending by {channel} was started on {date} and never confirmed; it is not sent again "
                    "by itself. Check with the recipient, then steg2 invoice send --again --number {number}"
                ).format(
                    what=_what(u),
                    channel=_(CHANNELS.get(u["channel"], u["channel"])),
                    date=u.get("date") or common.today().isoformat(),
                    number=u["number"],
                )
                for u in unsure
            ]
        )
    if failed:
        common.warn([_("{what} waits: {reason}").format(what=_what(f), reason=f["reason"]) for f in failed])
    delivery_failed(result)


def delivery_failed(result: dict[str, Any] | None) -> None:
    """Exit 1 with one `Error:` line when something could not be delivered (it waits for the next run)."""
    if result is None or not (result["failed"] or result["uncertain"]):
        return
    from steg2cli.errors import Steg2Error

    raise Steg2Error(
        _("{failed} not delivered, {uncertain} uncertain; what was delivered is recorded, the rest waits").format(
            failed=len(result["failed"]), uncertain=len(result["uncertain"])
        )
    )
