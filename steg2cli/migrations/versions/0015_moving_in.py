"""Moving in (rules 37-38): an agreement remembers the day up to which its yearly fees were invoiced before
steg2 (`billed_until`: an agreement year starting on or before it is never billed by steg2), and an invoice
taken over from the old system keeps its own number (`old_number`, unique) beside steg2's internal one.

Existing rows: nothing invoiced outside steg2 (NULL), no old number (NULL).

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("agreements") as batch:
        batch.add_column(sa.Column("billed_until", sa.Date, nullable=True))
    with op.batch_alter_table("invoices") as batch:
        batch.add_column(sa.Column("old_number", sa.String(40), nullable=True))
        batch.create_unique_constraint("uq_invoices_old_number", ["old_number"])


def downgrade() -> None:
    with op.batch_alter_table("invoices") as batch:
        batch.drop_constraint("uq_invoices_old_number", type_="unique")
        batch.drop_column("old_number")
    with op.batch_alter_table("agreements") as batch:
        batch.drop_column("billed_until")
