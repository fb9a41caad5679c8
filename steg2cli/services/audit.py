"""The audit trail: who changed what, when."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from steg2cli.db import Database
from steg2cli.models import AuditEntry
from steg2cli.services.common import shown_numbers

#: The fields of a person an edit records, by the kind of record: the trail shows that they changed,
#: never their values (docs/operations.md: the trail shows no names, addresses or phone numbers).
PERSONAL_FIELDS: dict[str, frozenset[str]] = {
    "trainer": frozenset({"name", "email", "phone", "appointed_by", "inactive_reason"}),
    "payer": frozenset({"reference", "email", "address"}),
}
#: What a personal field's values are shown as.
HIDDEN = "changed"


def shown_changes(changes: dict[str, Any]) -> dict[str, Any]:
    """The recorded changes with every personal field's old and new value replaced by "changed"."""
    return {
        kind: {
            record: {
                field: HIDDEN if field in PERSONAL_FIELDS.get(kind, ()) else values for field, values in fields.items()
            }
            for record, fields in records.items()
        }
        for kind, records in changes.items()
    }


def entries(db: Database, limit: int = 50) -> list[dict[str, Any]]:
    """The newest entries first: when (UTC), the OS user, the command, the ids it touched, and for an
    edit the old and new value of every field it changed."""
    with db.read() as session:
        rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit))
        found = [
            {
                "id": e.id,
                "at": e.at.isoformat() + "Z",
                "user": e.os_user,
                "command": e.command,
                "touched": json.loads(e.touched or "{}"),
                "changes": shown_changes(json.loads(e.changes or "{}")),
            }
            for e in rows
        ]
        return _old_numbers(session, found)


def _invoice_fields(entry: dict[str, Any]) -> Iterator[list[Any]]:
    """The recorded [old, new] pairs that hold invoice numbers (a payment put on another invoice)."""
    for records in entry["changes"].get("payment", {}).values():
        values = records.get("invoice")
        if isinstance(values, list):
            yield values


def _old_numbers(session: Session, found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every invoice from before steg2 by its old number (rule 37), not by its hidden negative one."""
    numbers: list[int] = []
    for entry in found:
        invoices = entry["touched"].get("invoice")
        if isinstance(invoices, list):
            numbers.extend(n for n in invoices if isinstance(n, int) and n < 0)
        for values in _invoice_fields(entry):
            numbers.extend(n for n in values if isinstance(n, int) and n < 0)
    if not numbers:
        return found
    shown = shown_numbers(session, numbers)
    for entry in found:
        invoices = entry["touched"].get("invoice")
        if isinstance(invoices, list):
            entry["touched"]["invoice"] = [shown.get(n, n) if isinstance(n, int) else n for n in invoices]
        for values in _invoice_fields(entry):
            values[:] = [shown.get(n, n) if isinstance(n, int) else n for n in values]
    return found
