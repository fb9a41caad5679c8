"""Invoicing: prices with the defaults, payer details, charges, invoices and their lines.

Revision ID: 0003
Revises: 0002
"""

from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

DEFAULT_VAT_NOTE = "Ingen moms debiteras: tjänsten är undantagen från skatteplikt enligt mervärdesskattelagen."


def upgrade() -> None:
    prices = op.create_table(
        "prices",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("code", sa.String(30), nullable=False),
        sa.Column("valid_from", sa.Date, nullable=False),
        sa.Column("amount_ore", sa.BigInteger, nullable=False),
        sa.Column("vat_bp", sa.Integer, nullable=False),
        sa.Column("vat_note", sa.String(400), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_prices"),
        sa.UniqueConstraint("code", "valid_from", name="uq_prices_code_valid_from"),
    )
    op.create_table(
        "payer_details",
        sa.Column("code", sa.String(4), nullable=False),
        sa.Column("address", sa.Text, nullable=False),
        sa.Column("reference", sa.String(200), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_payer_details"),
        sa.ForeignKeyConstraint(["code"], ["municipalities.code"], name="fk_payer_details_code_municipalities"),
    )
    op.create_table(
        "charges",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("key", sa.String(80), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("due_date", sa.Date, nullable=False),
        sa.Column("payer_code", sa.String(4), nullable=False),
        sa.Column("amount_ore", sa.BigInteger, nullable=False),
        sa.Column("vat_bp", sa.Integer, nullable=False),
        sa.Column("description", sa.String(400), nullable=False),
        sa.Column("who", sa.String(200), nullable=False),
        sa.Column("period", sa.String(60), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_charges"),
        sa.UniqueConstraint("key", name="uq_charges_key"),
        sa.ForeignKeyConstraint(["payer_code"], ["municipalities.code"], name="fk_charges_payer_code_municipalities"),
    )
    op.create_table(
        "invoices",
        sa.Column("number", sa.Integer, nullable=False, autoincrement=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("invoice_date", sa.Date, nullable=False),
        sa.Column("due_date", sa.Date, nullable=False),
        sa.Column("payer_code", sa.String(4), nullable=False),
        sa.Column("payer_name", sa.String(200), nullable=False),
        sa.Column("payer_address", sa.Text, nullable=False),
        sa.Column("payer_reference", sa.String(200), nullable=False),
        sa.Column("seller", sa.Text, nullable=False),
        sa.Column("net_ore", sa.BigInteger, nullable=False),
        sa.Column("vat_ore", sa.BigInteger, nullable=False),
        sa.Column("total_ore", sa.BigInteger, nullable=False),
        sa.Column("vat_note", sa.Text, nullable=False),
        sa.Column("credits_number", sa.Integer),
        sa.Column("reason", sa.String(400)),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("number", name="pk_invoices"),
        sa.UniqueConstraint("credits_number", name="uq_invoices_credits_number"),
        sa.ForeignKeyConstraint(["payer_code"], ["municipalities.code"], name="fk_invoices_payer_code_municipalities"),
        sa.ForeignKeyConstraint(["credits_number"], ["invoices.number"], name="fk_invoices_credits_number_invoices"),
    )
    op.create_index("ix_invoices_invoice_date", "invoices", ["invoice_date"])
    op.create_index("ix_invoices_payer_code", "invoices", ["payer_code"])
    op.create_table(
        "invoice_lines",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("invoice_number", sa.Integer, nullable=False),
        sa.Column("charge_id", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("description", sa.String(400), nullable=False),
        sa.Column("who", sa.String(200), nullable=False),
        sa.Column("period", sa.String(60), nullable=False),
        sa.Column("amount_ore", sa.BigInteger, nullable=False),
        sa.Column("vat_bp", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_invoice_lines"),
        sa.UniqueConstraint("invoice_number", "charge_id", name="uq_invoice_lines_invoice_number_charge_id"),
        sa.ForeignKeyConstraint(
            ["invoice_number"], ["invoices.number"], name="fk_invoice_lines_invoice_number_invoices"
        ),
        sa.ForeignKeyConstraint(["charge_id"], ["charges.id"], name="fk_invoice_lines_charge_id_charges"),
    )
    op.create_index("ix_invoice_lines_charge_id", "invoice_lines", ["charge_id"])
    op.create_table(
        "charge_billings",
        sa.Column("charge_id", sa.Integer, nullable=False),
        sa.Column("invoice_number", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("charge_id", name="pk_charge_billings"),
        sa.ForeignKeyConstraint(["charge_id"], ["charges.id"], name="fk_charge_billings_charge_id_charges"),
        sa.ForeignKeyConstraint(
            ["invoice_number"], ["invoices.number"], name="fk_charge_billings_invoice_number_invoices"
        ),
    )
    op.create_index("ix_charge_billings_invoice_number", "charge_billings", ["invoice_number"])
    op.bulk_insert(
        prices,
        [
            {
                "code": code,
                "valid_from": date(2000, 1, 1),
                "amount_ore": amount,
                "vat_bp": 0,
                "vat_note": DEFAULT_VAT_NOTE,
            }
            for code, amount in (
                ("annual-fee", 1_000_000),
                ("open-course-seat", 2_000_000),
                ("purchased-course", 10_000_000),
            )
        ],
    )
    settings = sa.table("settings", sa.column("key", sa.String), sa.column("value", sa.Text))
    op.bulk_insert(settings, [{"key": "invoice.next-number", "value": "1"}])


def downgrade() -> None:
    for table in ("charge_billings", "invoice_lines", "invoices", "charges", "payer_details", "prices"):
        op.drop_table(table)
    op.execute("DELETE FROM settings WHERE key = 'invoice.next-number'")
