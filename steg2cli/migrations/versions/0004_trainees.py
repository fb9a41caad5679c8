"""Trainees: the people the trainers train (MVP/AT leaders).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trainees",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_key", sa.String(200), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("school_id", sa.Integer, nullable=False),
        sa.Column("programme", sa.String(10), nullable=False),
        sa.Column("trained_on", sa.Date, nullable=False),
        sa.Column("trainer_id", sa.Integer, nullable=False),
        sa.Column("reported_on", sa.Date, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_trainees"),
        sa.UniqueConstraint("email", "name_key", "school_id", "programme", "trained_on", name="uq_trainees_report"),
        sa.ForeignKeyConstraint(["school_id"], ["schools.id"], name="fk_trainees_school_id_schools"),
        sa.ForeignKeyConstraint(["trainer_id"], ["trainers.id"], name="fk_trainees_trainer_id_trainers"),
    )
    op.create_index("ix_trainees_trained_on", "trainees", ["trained_on"])
    op.create_index("ix_trainees_email", "trainees", ["email"])
    op.create_index("ix_trainees_school_id", "trainees", ["school_id"])
    op.create_index("ix_trainees_trainer_id", "trainees", ["trainer_id"])


def downgrade() -> None:
    op.drop_table("trainees")
