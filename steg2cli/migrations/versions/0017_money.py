"""Money owed and money back (rules 40-42): payment parts, set-offs, refunds, blocked invoices, reminders,
late-payment interest, reference rates, and one sparse summary row per invoice that has any of them
(`receivables`); charges waiting for the next run (`charges.to_bill`) and what of a payment is on no
invoice yet (`payments.unallocated_ore`: an unmatched payment's whole amount).

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("charges") as batch:
        batch.add_column(sa.Column("to_bill", sa.Boolean, nullable=False, server_default=sa.false()))
        batch.create_index("ix_charges_to_bill", ["to_bill"])
    with op.batch_alter_table("payments") as batch:
        batch.add_column(sa.Column("unallocated_ore", sa.BigInteger, nullable=False, server_default="0"))
    op.execute("UPDATE payments SET unallocated_ore = amount_ore WHERE invoice_number IS NULL")
    op.create_table(
        "payment_parts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("payment_id", sa.Integer, sa.ForeignKey("payments.id"), nullable=False, index=True),
        sa.Column("invoice_number", sa.Integer, sa.ForeignKey("invoices.number"), nullable=False, index=True),
        sa.Column("amount_ore", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "payment_offsets",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("from_invoice", sa.Integer, sa.ForeignKey("invoices.number"), nullable=False, index=True),
        sa.Column("to_invoice", sa.Integer, sa.ForeignKey("invoices.number"), nullable=False, index=True),
        sa.Column("offset_on", sa.Date, nullable=False),
        sa.Column("amount_ore", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "refunds",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("invoice_number", sa.Integer, sa.ForeignKey("invoices.number"), nullable=False, index=True),
        sa.Column("refunded_on", sa.Date, nullable=False, index=True),
        sa.Column("amount_ore", sa.BigInteger, nullable=False),
        sa.Column("note", sa.String(400), nullable=False),
        sa.Column("recorded_on", sa.Date, nullable=False),
    )
    op.create_table(
        "invoice_blocks",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("invoice_number", sa.Integer, sa.ForeignKey("invoices.number"), nullable=False, index=True),
        sa.Column("blocked_on", sa.Date, nullable=False),
        sa.Column("reason", sa.String(400), nullable=False),
        sa.Column("unblocked_on", sa.Date, nullable=True),
    )
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("invoice_number", sa.Integer, sa.ForeignKey("invoices.number"), nullable=False),
        sa.Column("level", sa.Integer, nullable=False),
        sa.Column("reminded_on", sa.Date, nullable=False),
        sa.Column("due_date", sa.Date, nullable=False),
        sa.Column("fee_ore", sa.BigInteger, nullable=False),
        sa.Column("charge_id", sa.Integer, sa.ForeignKey("charges.id"), nullable=True),
        sa.UniqueConstraint("invoice_number", "level", name="uq_reminders_invoice_number_level"),
    )
    op.create_table(
        "late_interest",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("invoice_number", sa.Integer, sa.ForeignKey("invoices.number"), nullable=False, index=True),
        sa.Column("from_date", sa.Date, nullable=False),
        sa.Column("through_date", sa.Date, nullable=False),
        sa.Column("amount_ore", sa.BigInteger, nullable=False),
        sa.Column("charge_id", sa.Integer, sa.ForeignKey("charges.id"), nullable=False),
        sa.Column("charged_on", sa.Date, nullable=False),
    )
    op.create_table(
        "rates",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("valid_from", sa.Date, nullable=False),
        sa.Column("rate_bp", sa.Integer, nullable=False),
        sa.UniqueConstraint("kind", "valid_from", name="uq_rates_kind_valid_from"),
    )
    op.create_table(
        "receivables",
        sa.Column(
            "invoice_number", sa.Integer, sa.ForeignKey("invoices.number"), primary_key=True, autoincrement=False
        ),
        sa.Column("moved_ore", sa.BigInteger, nullable=False),
        sa.Column("refunded_ore", sa.BigInteger, nullable=False),
        sa.Column("interest_ore", sa.BigInteger, nullable=False),
        sa.Column("reminders", sa.Integer, nullable=False),
        sa.Column("last_reminder_on", sa.Date, nullable=True),
        sa.Column("blocked_on", sa.Date, nullable=True),
        sa.Column("block_reason", sa.String(400), nullable=True),
    )


def downgrade() -> None:
    for table in (
        "receivables",
        "rates",
        "late_interest",
        "reminders",
        "invoice_blocks",
        "refunds",
        "payment_offsets",
        "payment_parts",
    ):
        op.drop_table(table)
    with op.batch_alter_table("payments") as batch:
        batch.drop_column("unallocated_ore")
    with op.batch_alter_table("charges") as batch:
        batch.drop_index("ix_charges_to_bill")
        batch.drop_column("to_bill")
