"""The audit trail: who changed what, when."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from steg2cli.db import Database
from steg2cli.models import AuditEntry


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
                "changes": json.loads(e.changes or "{}"),
            }
            for e in rows
        ]
