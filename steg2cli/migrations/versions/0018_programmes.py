"""Programmes as data (rules 45-46): programmes, their steps, trainer levels with their yearly obligations
and gathering kinds live in tables, filled here with MÄN's definition as it stood when this migration was
written (a frozen copy: the shipped default may change, this must not). Cohorts of municipalities that start
together; a trainer's level and the day they stopped being active; a meeting's cohort.

Rule 11's once-only guarantee moves from a step's name to a key: `steps.once_key` is the step's code for a
once-only step and NULL for a repeatable one, and the partial unique index uq_steps_once is on
(run_id, once_key) for live steps.

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

MVP_STEPS = (
    ("forankring", "Förankringssamtal", True, None),
    ("kunskapshalvdag", "Kunskapshalvdag", True, None),
    ("grundutbildning-1", "Grundutbildning del 1", True, None),
    ("grundutbildning-2", "Grundutbildning del 2", True, "grundutbildning-1"),
    ("grundutbildning-3", "Grundutbildning del 3", True, "grundutbildning-2"),
    ("handledning", "Handledning", False, None),
)
MVP_PROGRAMMES = (
    ("mvp-ms", "MVP mellanstadiet", "mvp ms"),
    ("mvp-hs", "MVP högstadiet", "mvp hs"),
    ("mvp-gy", "MVP gymnasiet", "mvp gy"),
    ("at", "Agera tillsammans", "agera"),
)
MVP_GATHERINGS = (("network", "Nätverksträff"), ("conference", "En vecka fri från våld – konferens"))
MVP_LEVEL = ("steg2", "Steg 2-utbildare", (("network", 2), ("conference", 1)))
CODE = 40


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    programmes = op.create_table(
        "programmes",
        sa.Column("code", sa.String(CODE), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("aliases", sa.String(400), nullable=False, server_default=""),
        sa.Column("position", sa.Integer, nullable=False),
    )
    step_kinds = op.create_table(
        "step_kinds",
        sa.Column("code", sa.String(CODE), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("once", sa.Boolean, nullable=False),
        sa.Column("after", sa.String(CODE), sa.ForeignKey("step_kinds.code"), nullable=True),
        sa.Column("position", sa.Integer, nullable=False),
    )
    programme_steps = op.create_table(
        "programme_steps",
        sa.Column("programme_code", sa.String(CODE), sa.ForeignKey("programmes.code"), primary_key=True),
        sa.Column("step_code", sa.String(CODE), sa.ForeignKey("step_kinds.code"), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
    )
    gathering_kinds = op.create_table(
        "gathering_kinds",
        sa.Column("code", sa.String(CODE), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
    )
    levels = op.create_table(
        "levels",
        sa.Column("code", sa.String(CODE), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
    )
    obligations = op.create_table(
        "obligations",
        sa.Column("level_code", sa.String(CODE), sa.ForeignKey("levels.code"), primary_key=True),
        sa.Column("kind", sa.String(CODE), sa.ForeignKey("gathering_kinds.code"), primary_key=True),
        sa.Column("from_year", sa.Integer, primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
    )
    op.create_table(
        "definition_loads",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("loaded_at", sa.DateTime, nullable=False),
        sa.Column("source", sa.String(400), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
    )
    op.create_table(
        "cohorts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("programme_code", sa.String(CODE), sa.ForeignKey("programmes.code"), nullable=False),
        sa.Column("start", sa.Date, nullable=False),
        sa.Column("months", sa.Integer, nullable=False),
    )
    op.create_table(
        "cohort_municipalities",
        sa.Column("cohort_id", sa.Integer, sa.ForeignKey("cohorts.id"), primary_key=True),
        sa.Column("municipality_code", sa.String(4), sa.ForeignKey("municipalities.code"), primary_key=True),
    )

    op.bulk_insert(
        step_kinds,
        [
            {"code": c, "name": n, "once": once, "after": after, "position": i}
            for i, (c, n, once, after) in enumerate(MVP_STEPS)
        ],
    )
    op.bulk_insert(
        programmes, [{"code": c, "name": n, "aliases": a, "position": i} for i, (c, n, a) in enumerate(MVP_PROGRAMMES)]
    )
    op.bulk_insert(
        programme_steps,
        [
            {"programme_code": p, "step_code": s[0], "position": i}
            for p, _n, _a in MVP_PROGRAMMES
            for i, s in enumerate(MVP_STEPS)
        ],
    )
    op.bulk_insert(gathering_kinds, [{"code": c, "name": n, "position": i} for i, (c, n) in enumerate(MVP_GATHERINGS)])
    op.bulk_insert(levels, [{"code": MVP_LEVEL[0], "name": MVP_LEVEL[1], "position": 0}])
    op.bulk_insert(
        obligations, [{"level_code": MVP_LEVEL[0], "kind": k, "from_year": 0, "count": n} for k, n in MVP_LEVEL[2]]
    )

    # Rule 11 on a key, not a name.
    op.drop_index("uq_steps_once", table_name="steps")
    op.add_column("steps", sa.Column("once_key", sa.String(CODE), nullable=True))
    op.execute("UPDATE steps SET once_key = step WHERE step <> 'handledning'")
    op.create_index(
        "uq_steps_once",
        "steps",
        ["run_id", "once_key"],
        unique=True,
        sqlite_where=sa.text("once_key IS NOT NULL AND void_on IS NULL"),
        postgresql_where=sa.text("once_key IS NOT NULL AND void_on IS NULL"),
    )

    op.add_column("trainers", sa.Column("level", sa.String(CODE), nullable=False, server_default="steg2"))
    op.add_column("trainers", sa.Column("inactive_from", sa.Date, nullable=True))
    op.add_column("trainers", sa.Column("inactive_reason", sa.String(400), nullable=True))
    with op.batch_alter_table("meetings") as batch:
        batch.add_column(sa.Column("cohort_id", sa.Integer, nullable=True))
        batch.create_foreign_key("fk_meetings_cohort", "cohorts", ["cohort_id"], ["id"])
        if postgres:
            batch.alter_column("kind", type_=sa.String(CODE))
    if postgres:  # SQLite does not hold text to its declared length
        op.alter_column("steps", "step", type_=sa.String(CODE))
        op.alter_column("school_programmes", "programme", type_=sa.String(CODE))
        op.alter_column("trainees", "programme", type_=sa.String(CODE))


def downgrade() -> None:
    with op.batch_alter_table("meetings") as batch:
        batch.drop_constraint("fk_meetings_cohort", type_="foreignkey")
        batch.drop_column("cohort_id")
    with op.batch_alter_table("trainers") as batch:
        batch.drop_column("inactive_reason")
        batch.drop_column("inactive_from")
        batch.drop_column("level")
    op.drop_index("uq_steps_once", table_name="steps")
    with op.batch_alter_table("steps") as batch:
        batch.drop_column("once_key")
    op.create_index(
        "uq_steps_once",
        "steps",
        ["run_id", "step"],
        unique=True,
        sqlite_where=sa.text("step <> 'handledning' AND void_on IS NULL"),
        postgresql_where=sa.text("step <> 'handledning' AND void_on IS NULL"),
    )
    for table in (
        "cohort_municipalities",
        "cohorts",
        "definition_loads",
        "obligations",
        "levels",
        "gathering_kinds",
        "programme_steps",
        "step_kinds",
        "programmes",
    ):
        op.drop_table(table)
