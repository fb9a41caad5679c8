"""An index on the schools a payer pays for: `payer show` looks them up without reading every school
(found by the query-plan test of issue 17).

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


def downgrade() -> None:
    op.drop_index("ix_schools_payer_id", "schools")
