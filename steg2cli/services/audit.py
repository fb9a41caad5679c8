"""The audit trail: who changed what, when."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from steg2cli.db import Database
from steg2cli.models import AuditEntry


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
                field: HIDDEN if field in PERSONAL_FIELDS.get(kind, ()) else values
                for field, values in fields.items()
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
        return [
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
