"""Network meetings, the conference, and attendance.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("meeting_date", sa.Date, nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_meetings"),
    )
    op.create_index("ix_meetings_meeting_date", "meetings", ["meeting_date"])
    op.create_table(
        "attendance",
        sa.Column("meeting_id", sa.Integer, nullable=False),
        sa.Column("trainer_id", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("meeting_id", "trainer_id", name="pk_attendance"),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], name="fk_attendance_meeting_id_meetings"),
        sa.ForeignKeyConstraint(["trainer_id"], ["trainers.id"], name="fk_attendance_trainer_id_trainers"),
    )
    op.create_index("ix_attendance_trainer_id", "attendance", ["trainer_id"])


def downgrade() -> None:
    op.drop_table("attendance")
    op.drop_table("meetings")
