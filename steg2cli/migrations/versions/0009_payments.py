"""Payments (rules 32-33): by hand or from the bank's files, matched to invoices by OCR reference.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "payment_imports",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("file_name", sa.String(400), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("file_id", sa.String(100), nullable=False),
        sa.Column("imported_at", sa.DateTime, nullable=False),
        sa.Column("payments", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_payment_imports"),
    )
    op.create_table(
        "payments",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("paid_on", sa.Date, nullable=False),
        sa.Column("amount_ore", sa.BigInteger, nullable=False),
        sa.Column("reference", sa.String(100), nullable=False),
        sa.Column("invoice_number", sa.Integer, nullable=True),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("bank_key", sa.String(160), nullable=True),
        sa.Column("payer_name", sa.String(200), nullable=False),
        sa.Column("import_id", sa.Integer, nullable=True),
        sa.Column("recorded_on", sa.Date, nullable=False),
        sa.Column("note", sa.String(400), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_payments"),
        # One bank transaction is one payment however often its file is imported (rule 32).
        sa.UniqueConstraint("bank_key", name="uq_payments_bank_key"),
        sa.ForeignKeyConstraint(["invoice_number"], ["invoices.number"], name="fk_payments_invoice_number_invoices"),
        sa.ForeignKeyConstraint(["import_id"], ["payment_imports.id"], name="fk_payments_import_id_payment_imports"),
    )
    op.create_index("ix_payments_invoice_number", "payments", ["invoice_number"])
    op.create_index("ix_payments_paid_on", "payments", ["paid_on"])


def downgrade() -> None:  # pragma: no cover - steg2 only moves forward; restore the .bak file instead
    raise NotImplementedError("restore the backup written before the upgrade (NAME.schema-0008.bak)")
