"""Foundation: municipalities, trainers, courses, agreements, settings, audit trail.

Revision ID: 0001
Revises:
"""

import csv
import io
from importlib import resources

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    municipalities = op.create_table(
        "municipalities",
        sa.Column("code", sa.String(4), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("county_code", sa.String(2), nullable=False),
        sa.Column("county", sa.String(80), nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_municipalities"),
    )
    op.create_table(
        "trainers",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("phone", sa.String(40)),
        sa.Column("municipality_code", sa.String(4), nullable=False),
        sa.Column("basic_training", sa.Date, nullable=False),
        sa.Column("series_held", sa.Date, nullable=False),
        sa.Column("appointed_by", sa.String(200), nullable=False),
        sa.Column("programmes", sa.String(40), nullable=False),
        sa.Column("registered_on", sa.Date, nullable=False),
        sa.Column("erased_on", sa.Date),
        sa.PrimaryKeyConstraint("id", name="pk_trainers"),
        sa.UniqueConstraint("email", name="uq_trainers_email"),
        sa.ForeignKeyConstraint(
            ["municipality_code"], ["municipalities.code"], name="fk_trainers_municipality_code_municipalities"
        ),
    )
    op.create_index("ix_trainers_municipality_code", "trainers", ["municipality_code"])
    op.create_table(
        "trainer_moves",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("trainer_id", sa.Integer, nullable=False),
        sa.Column("moved_on", sa.Date, nullable=False),
        sa.Column("from_code", sa.String(4), nullable=False),
        sa.Column("to_code", sa.String(4), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_trainer_moves"),
        sa.ForeignKeyConstraint(["trainer_id"], ["trainers.id"], name="fk_trainer_moves_trainer_id_trainers"),
        sa.ForeignKeyConstraint(
            ["from_code"], ["municipalities.code"], name="fk_trainer_moves_from_code_municipalities"
        ),
        sa.ForeignKeyConstraint(["to_code"], ["municipalities.code"], name="fk_trainer_moves_to_code_municipalities"),
    )
    op.create_index("ix_trainer_moves_trainer_id", "trainer_moves", ["trainer_id"])
    op.create_table(
        "courses",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("course_date", sa.Date, nullable=False),
        sa.Column("municipality_code", sa.String(4)),
        sa.Column("place", sa.String(200)),
        sa.Column("completed_on", sa.Date),
        sa.PrimaryKeyConstraint("id", name="pk_courses"),
        sa.ForeignKeyConstraint(
            ["municipality_code"], ["municipalities.code"], name="fk_courses_municipality_code_municipalities"
        ),
    )
    op.create_index("ix_courses_course_date", "courses", ["course_date"])
    op.create_table(
        "course_participants",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("course_id", sa.Integer, nullable=False),
        sa.Column("trainer_id", sa.Integer, nullable=False),
        sa.Column("municipality_code", sa.String(4), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_course_participants"),
        sa.UniqueConstraint("course_id", "trainer_id", name="uq_course_participants_course_id_trainer_id"),
        sa.ForeignKeyConstraint(["course_id"], ["courses.id"], name="fk_course_participants_course_id_courses"),
        sa.ForeignKeyConstraint(["trainer_id"], ["trainers.id"], name="fk_course_participants_trainer_id_trainers"),
        sa.ForeignKeyConstraint(
            ["municipality_code"],
            ["municipalities.code"],
            name="fk_course_participants_municipality_code_municipalities",
        ),
    )
    op.create_index("ix_course_participants_trainer_id", "course_participants", ["trainer_id"])
    op.create_table(
        "agreements",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("trainer_id", sa.Integer, nullable=False),
        sa.Column("start", sa.Date, nullable=False),
        sa.Column("end", sa.Date),
        sa.Column("end_reason", sa.String(400)),
        sa.Column("municipality_code", sa.String(4), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_agreements"),
        sa.ForeignKeyConstraint(["trainer_id"], ["trainers.id"], name="fk_agreements_trainer_id_trainers"),
        sa.ForeignKeyConstraint(
            ["municipality_code"], ["municipalities.code"], name="fk_agreements_municipality_code_municipalities"
        ),
    )
    op.create_index("ix_agreements_trainer_id", "agreements", ["trainer_id"])
    op.create_index("ix_agreements_municipality_code", "agreements", ["municipality_code"])
    op.create_table(
        "settings",
        sa.Column("key", sa.String(60), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_settings"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("os_user", sa.String(100), nullable=False),
        sa.Column("command", sa.String(60), nullable=False),
        sa.Column("touched", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])

    # The list as it stood when this revision was written, frozen beside the migrations: the package's own
    # data/municipalities.csv may be brought up to date later, and a migration must give the same result for ever.
    source = resources.files("steg2cli").joinpath("migrations/data/municipalities-0001.csv")
    text = source.read_text(encoding="utf-8")
    rows = [
        {"code": r["code"], "name": r["name"], "county_code": r["county_code"], "county": r["county"]}
        for r in csv.DictReader(io.StringIO(text, newline=""))
    ]
    op.bulk_insert(municipalities, rows)


def downgrade() -> None:
    for table in (
        "audit_log",
        "settings",
        "agreements",
        "course_participants",
        "courses",
        "trainer_moves",
        "trainers",
        "municipalities",
    ):
        op.drop_table(table)
