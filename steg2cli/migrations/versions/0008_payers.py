"""Payers as parties (rule 27), OCR references (rule 31), and the payer details an invoice keeps.

Every municipality becomes a payer ("Gävle kommun") carrying the invoicing details recorded for it so
far; schools, charges and invoices refer to payers by id. Issued invoices keep what they were issued
with, and gain the OCR reference of their number.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def ocr_reference(number: int) -> str:
    """The OCR reference as this revision wrote it, frozen here (a migration gives the same result for ever,
    whatever the rules say later): the number, a length digit (the whole reference's length modulo 10)
    and a Luhn check digit."""
    body = str(number)
    body += str((len(body) + 2) % 10)
    total = 0
    for position, digit in enumerate(reversed(body)):
        value = int(digit) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return body + str((10 - total % 10) % 10)


def upgrade() -> None:
    op.create_table(
        "payers",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("code", sa.String(4), nullable=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("org_number", sa.String(10), nullable=True),
        sa.Column("peppol_id", sa.String(60), nullable=True),
        sa.Column("address", sa.Text, nullable=False),
        sa.Column("reference", sa.String(200), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("located_in", sa.String(4), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_payers"),
        sa.UniqueConstraint("code", name="uq_payers_code"),
        sa.ForeignKeyConstraint(["code"], ["municipalities.code"], name="fk_payers_code_municipalities"),
        sa.ForeignKeyConstraint(["located_in"], ["municipalities.code"], name="fk_payers_located_in_municipalities"),
    )
    op.execute(
        "INSERT INTO payers (code, name, address, reference, email)"
        " SELECT m.code, m.name || ' kommun', COALESCE(d.address, ''), COALESCE(d.reference, ''),"
        " COALESCE(d.email, '')"
        " FROM municipalities m LEFT JOIN payer_details d ON d.code = m.code ORDER BY m.code"
    )
    op.drop_table("payer_details")

    # A school's own payer (None: its municipality's).
    with op.batch_alter_table("schools") as batch:
        batch.drop_constraint("fk_schools_payer_code_municipalities", type_="foreignkey")
        batch.drop_column("payer_code")
        batch.add_column(sa.Column("payer_id", sa.Integer, nullable=True))
        batch.create_foreign_key("fk_schools_payer_id_payers", "payers", ["payer_id"], ["id"])

    op.add_column("charges", sa.Column("payer_id", sa.Integer, nullable=True))
    op.execute("UPDATE charges SET payer_id = (SELECT p.id FROM payers p WHERE p.code = charges.payer_code)")
    with op.batch_alter_table("charges") as batch:
        batch.drop_constraint("fk_charges_payer_code_municipalities", type_="foreignkey")
        batch.drop_column("payer_code")
        batch.alter_column("payer_id", existing_type=sa.Integer, nullable=False)
        batch.create_foreign_key("fk_charges_payer_id_payers", "payers", ["payer_id"], ["id"])

    op.add_column("invoices", sa.Column("payer_id", sa.Integer, nullable=True))
    op.add_column("invoices", sa.Column("payer_org_number", sa.String(10), nullable=True))
    op.add_column("invoices", sa.Column("payer_peppol_id", sa.String(60), nullable=True))
    op.add_column("invoices", sa.Column("payer_email", sa.String(254), nullable=False, server_default=""))
    op.add_column("invoices", sa.Column("ocr", sa.String(30), nullable=True))
    op.execute("UPDATE invoices SET payer_id = (SELECT p.id FROM payers p WHERE p.code = invoices.payer_code)")
    connection = op.get_bind()
    numbers = [row[0] for row in connection.execute(sa.text("SELECT number FROM invoices"))]
    for number in numbers:
        connection.execute(
            sa.text("UPDATE invoices SET ocr = :ocr WHERE number = :number"),
            {"ocr": ocr_reference(number), "number": number},
        )
    with op.batch_alter_table("invoices") as batch:
        batch.alter_column("payer_code", existing_type=sa.String(4), nullable=True)
        batch.alter_column("payer_id", existing_type=sa.Integer, nullable=False)
        batch.alter_column("ocr", existing_type=sa.String(30), nullable=False)
        batch.create_foreign_key("fk_invoices_payer_id_payers", "payers", ["payer_id"], ["id"])
        batch.create_unique_constraint("uq_invoices_ocr", ["ocr"])
    op.create_index("ix_invoices_payer_id", "invoices", ["payer_id"])


def downgrade() -> None:  # pragma: no cover - steg2 only moves forward; restore the .bak file instead
    raise NotImplementedError("restore the backup written before the upgrade (NAME.schema-0007.bak)")
