"""Delivery and letters (rules 43-44): every attempt to deliver an invoice, a credit note, a reminder or a
letter to a trainer is a row of `deliveries`, written as `started` before the file or the message leaves
and as `sent` (or `failed`) after; a `started` row that no run finished is shown as uncertain. A payer's
chosen channel is `payers.delivery` (NULL: the default, peppol, else email, else print).

Every invoice already issued when this migration runs was delivered before steg2 delivered anything (by
`invoice einvoice`, `invoice pdf` or by hand): it is recorded as delivered by hand, so that the first
`invoice send` does not send years of invoices again.

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(120), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("invoice_number", sa.Integer, sa.ForeignKey("invoices.number"), nullable=True),
        sa.Column("level", sa.Integer, nullable=True),
        sa.Column("trainer_id", sa.Integer, sa.ForeignKey("trainers.id"), nullable=True),
        sa.Column("about", sa.String(20), nullable=True),
        sa.Column("year", sa.Integer, nullable=True),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("recipient", sa.String(254), nullable=False, server_default=""),
        sa.Column("subject", sa.String(200), nullable=False, server_default=""),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("on_date", sa.Date, nullable=False),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("finished_at", sa.DateTime, nullable=True),
        sa.Column("reference", sa.String(400), nullable=False, server_default=""),
        sa.Column("reason", sa.String(400), nullable=False, server_default=""),
    )
    op.create_index("ix_deliveries_key", "deliveries", ["key", "id"])
    op.create_index("ix_deliveries_invoice_number", "deliveries", ["invoice_number"])
    op.create_index("ix_deliveries_status", "deliveries", ["status"])
    op.create_index("ix_deliveries_trainer_id", "deliveries", ["trainer_id"])
    with op.batch_alter_table("payers") as batch:
        batch.add_column(sa.Column("delivery", sa.String(10), nullable=True))
    op.execute(
        "INSERT INTO deliveries (key, kind, invoice_number, channel, recipient, subject, status, on_date,"
        " started_at, finished_at, reference, reason)"
        " SELECT 'invoice:' || CAST(number AS VARCHAR(20)), 'invoice', number, 'manual', '', '', 'sent',"
        " invoice_date, created_at, created_at, 'delivered before steg2 delivered invoices', ''"
        " FROM invoices ORDER BY number"
    )


def downgrade() -> None:
    with op.batch_alter_table("payers") as batch:
        batch.drop_column("delivery")
    op.drop_index("ix_deliveries_trainer_id", "deliveries")
    op.drop_index("ix_deliveries_status", "deliveries")
    op.drop_index("ix_deliveries_invoice_number", "deliveries")
    op.drop_index("ix_deliveries_key", "deliveries")
    op.drop_table("deliveries")
