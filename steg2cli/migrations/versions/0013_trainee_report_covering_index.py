"""The dashboard's "no trainee list for a year" reads, for the last year's reports, only which school and
programme each is for: an index holding those columns answers it without reading the trainees table
(issue 17; at 100× MÄN's size this took the dashboard from about 3 s to a fraction of a second). It
replaces the index on the report date alone (0011).

Revision ID: 0013
Revises: 0012
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_trainees_reported_on", "trainees")
    op.create_index("ix_trainees_reported", "trainees", ["reported_on", "school_id", "programme", "void_on"])


def downgrade() -> None:
    op.drop_index("ix_trainees_reported", "trainees")
    op.create_index("ix_trainees_reported_on", "trainees", ["reported_on"])
