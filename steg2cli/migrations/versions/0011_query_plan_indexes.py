"""Indexes found missing by the query plans of issue 17: the schools a payer pays for (`payer show`), and
trainees by the day they were reported (the dashboard reads only the last year's reports).

Revision ID: 0011
Revises: 0010
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_schools_payer_id", "schools", ["payer_id"])
    op.create_index("ix_trainees_reported_on", "trainees", ["reported_on"])


def downgrade() -> None:
    op.drop_index("ix_trainees_reported_on", "trainees")
    op.drop_index("ix_schools_payer_id", "schools")
