"""Schools, programme runs, implementation steps, problems; school-scoped agreements.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "schools",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_key", sa.String(200), nullable=False),
        sa.Column("municipality_code", sa.String(4), nullable=False),
        sa.Column("payer_code", sa.String(4), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_schools"),
        sa.UniqueConstraint("municipality_code", "name_key", name="uq_schools_municipality_code_name_key"),
        sa.ForeignKeyConstraint(
            ["municipality_code"], ["municipalities.code"], name="fk_schools_municipality_code_municipalities"
        ),
        sa.ForeignKeyConstraint(["payer_code"], ["municipalities.code"], name="fk_schools_payer_code_municipalities"),
    )
    op.create_index("ix_schools_municipality_code", "schools", ["municipality_code"])
    op.create_table(
        "school_programmes",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("school_id", sa.Integer, nullable=False),
        sa.Column("programme", sa.String(10), nullable=False),
        sa.Column("start", sa.Date, nullable=False),
        sa.Column("trainer_id", sa.Integer, nullable=False),
        sa.Column("contact_name", sa.String(200), nullable=False),
        sa.Column("contact_email", sa.String(254), nullable=False),
        sa.Column("contact_phone", sa.String(40)),
        sa.Column("stopped_on", sa.Date),
        sa.Column("stop_reason", sa.String(400)),
        sa.PrimaryKeyConstraint("id", name="pk_school_programmes"),
        sa.ForeignKeyConstraint(["school_id"], ["schools.id"], name="fk_school_programmes_school_id_schools"),
        sa.ForeignKeyConstraint(["trainer_id"], ["trainers.id"], name="fk_school_programmes_trainer_id_trainers"),
    )
    op.create_index("ix_school_programmes_school_id", "school_programmes", ["school_id"])
    op.create_index("ix_school_programmes_trainer_id", "school_programmes", ["trainer_id"])
    op.create_index(
        "uq_school_programmes_running",
        "school_programmes",
        ["school_id", "programme"],
        unique=True,
        sqlite_where=sa.text("stopped_on IS NULL"),
        postgresql_where=sa.text("stopped_on IS NULL"),
    )
    op.create_table(
        "steps",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("run_id", sa.Integer, nullable=False),
        sa.Column("step", sa.String(20), nullable=False),
        sa.Column("step_date", sa.Date, nullable=False),
        sa.Column("trainer_id", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_steps"),
        sa.ForeignKeyConstraint(["run_id"], ["school_programmes.id"], name="fk_steps_run_id_school_programmes"),
        sa.ForeignKeyConstraint(["trainer_id"], ["trainers.id"], name="fk_steps_trainer_id_trainers"),
    )
    op.create_index("ix_steps_run_id", "steps", ["run_id"])
    op.create_index("ix_steps_trainer_id", "steps", ["trainer_id"])
    op.create_index(
        "uq_steps_once",
        "steps",
        ["run_id", "step"],
        unique=True,
        sqlite_where=sa.text("step <> 'handledning'"),
        postgresql_where=sa.text("step <> 'handledning'"),
    )
    op.create_table(
        "school_problems",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("school_id", sa.Integer, nullable=False),
        sa.Column("noted_on", sa.Date, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_school_problems"),
        sa.ForeignKeyConstraint(["school_id"], ["schools.id"], name="fk_school_problems_school_id_schools"),
    )
    op.create_index("ix_school_problems_school_id", "school_problems", ["school_id"])
    # SQLite cannot add a foreign key to an existing table: batch mode recreates `agreements`
    # (with foreign keys off, see runner.py, so nothing that points at agreements is touched).
    with op.batch_alter_table("agreements") as batch:
        batch.add_column(sa.Column("school_id", sa.Integer))
        batch.create_foreign_key("fk_agreements_school_id_schools", "schools", ["school_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("agreements") as batch:
        batch.drop_constraint("fk_agreements_school_id_schools", type_="foreignkey")
        batch.drop_column("school_id")
    for table in ("school_problems", "steps", "school_programmes", "schools"):
        op.drop_table(table)
