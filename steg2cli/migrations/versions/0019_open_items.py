"""The open-items mark: `open_invoices` holds one row for each payable invoice still owed (not credited,
money received short of its total), with its due date under an index, so that reminders, late-payment
interest and the overdue list read only the invoices still open instead of every invoice ever written.
Filled here from the records as they stand (plain SQL: what is owed is payments put whole on the invoice
plus the summed parts and set-offs in `receivables`; a refund never makes an invoice owed again).
`interest_pending` holds the invoices paid in full, late, whose interest a run may still have to charge
(filled with those paid after their due date).

Revision ID: 0019
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "open_invoices",
        sa.Column(
            "invoice_number", sa.Integer, sa.ForeignKey("invoices.number"), primary_key=True, autoincrement=False
        ),
        sa.Column("due_date", sa.Date, nullable=False, index=True),
    )
    op.execute(
        """
        INSERT INTO open_invoices (invoice_number, due_date)
        SELECT i.number, i.due_date FROM invoices i
        WHERE i.kind IN ('invoice', 'imported')
          AND NOT EXISTS (SELECT 1 FROM invoices c WHERE c.credits_number = i.number)
          AND i.total_ore > COALESCE((SELECT SUM(p.amount_ore) FROM payments p WHERE p.invoice_number = i.number), 0)
                          + COALESCE((SELECT r.moved_ore FROM receivables r WHERE r.invoice_number = i.number), 0)
        """
    )
    op.create_table(
        "interest_pending",
        sa.Column(
            "invoice_number", sa.Integer, sa.ForeignKey("invoices.number"), primary_key=True, autoincrement=False
        ),
    )
    op.execute(
        """
        INSERT INTO interest_pending (invoice_number)
        SELECT i.number FROM invoices i
        WHERE i.kind IN ('invoice', 'imported')
          AND NOT EXISTS (SELECT 1 FROM invoices c WHERE c.credits_number = i.number)
          AND NOT EXISTS (SELECT 1 FROM open_invoices o WHERE o.invoice_number = i.number)
          AND (
            EXISTS (SELECT 1 FROM payments p WHERE p.invoice_number = i.number AND p.paid_on > i.due_date)
            OR EXISTS (
              SELECT 1 FROM payment_parts t JOIN payments p ON p.id = t.payment_id
              WHERE t.invoice_number = i.number AND p.paid_on > i.due_date
            )
            OR EXISTS (SELECT 1 FROM payment_offsets f WHERE f.to_invoice = i.number AND f.offset_on > i.due_date)
          )
        """
    )


def downgrade() -> None:
    op.drop_table("interest_pending")
    op.drop_table("open_invoices")
