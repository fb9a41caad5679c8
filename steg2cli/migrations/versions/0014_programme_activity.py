"""Each programme run remembers when something last happened at it (issue 17): `last_activity_on` is its
start or its latest live step, `last_report_on` its start or the latest report of a live trainee of its
school and programme. The dashboard then finds the quiet and the silent programmes through an index, and
counts them, instead of reading every step and every trainee report of every running programme.

Every write that adds or voids a step or a trainee keeps them exact; here they are worked out once from
what the register holds.

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

LATEST_STEP = (
    "(SELECT max(steps.step_date) FROM steps WHERE steps.run_id = school_programmes.id AND steps.void_on IS NULL)"
)
LATEST_REPORT = (
    "(SELECT max(trainees.reported_on) FROM trainees WHERE trainees.school_id = school_programmes.school_id"
    " AND trainees.programme = school_programmes.programme AND trainees.void_on IS NULL)"
)


def upgrade() -> None:
    with op.batch_alter_table("school_programmes") as batch:
        batch.add_column(sa.Column("last_activity_on", sa.Date, nullable=True))
        batch.add_column(sa.Column("last_report_on", sa.Date, nullable=True))
        batch.create_index("ix_school_programmes_activity", ["stopped_on", "last_activity_on"])
        batch.create_index("ix_school_programmes_reports", ["stopped_on", "last_report_on"])
    op.execute(
        "UPDATE school_programmes SET"
        f" last_activity_on = CASE WHEN {LATEST_STEP} > start THEN {LATEST_STEP} ELSE start END,"
        f" last_report_on = CASE WHEN {LATEST_REPORT} > start THEN {LATEST_REPORT} ELSE start END"
    )


def downgrade() -> None:
    with op.batch_alter_table("school_programmes") as batch:
        batch.drop_index("ix_school_programmes_reports")
        batch.drop_index("ix_school_programmes_activity")
        batch.drop_column("last_report_on")
        batch.drop_column("last_activity_on")
