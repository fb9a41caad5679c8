"""A trainer's programmes hold as many programme codes as the loaded definitions name: the list (codes
separated by commas) was capped at 40 characters, which PostgreSQL enforces and SQLite does not, so a trainer
for three loaded programmes could be written to one database and not to the other (or be lost by `db copy`).
SQLite keeps the column as it is (it stores text of any length whatever the declared width).

Revision ID: 0020
Revises: 0019
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("trainers", "programmes", type_=sa.Text(), existing_type=sa.String(40))


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("trainers", "programmes", type_=sa.String(40), existing_type=sa.Text())
