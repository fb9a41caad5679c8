"""Where the invoice run need look (issue 17): each agreement remembers the start of its first year whose
annual fee is not yet billed or waived, and each open-course seat and purchased course whether its fee
is. The run and the dashboard then read only what may be due, not every charge of every year.

Existing rows start as "not yet looked at" (NULL, false): always correct, since the next invoice run
reads them all once and records where it got to. Open courses and the seats on purchased courses are
marked at once: they never owe anything themselves.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("agreements") as batch:
        batch.add_column(sa.Column("fees_from", sa.Date, nullable=True))
        batch.create_index("ix_agreements_fees_from", ["fees_from"])
    for table in ("courses", "course_participants"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("billed", sa.Boolean, nullable=False, server_default=sa.false()))
            batch.create_index(f"ix_{table}_billed", ["billed"])
    # An open course owes nothing itself (its seats do); a seat on a purchased course owes nothing of its
    # own (the course is billed whole).
    op.execute("UPDATE courses SET billed = true WHERE kind = 'open'")
    op.execute(
        "UPDATE course_participants SET billed = true"
        " WHERE course_id IN (SELECT id FROM courses WHERE kind = 'purchased')"
    )


def downgrade() -> None:
    for table in ("course_participants", "courses"):
        with op.batch_alter_table(table) as batch:
            batch.drop_index(f"ix_{table}_billed")
            batch.drop_column("billed")
    with op.batch_alter_table("agreements") as batch:
        batch.drop_index("ix_agreements_fees_from")
        batch.drop_column("fees_from")
