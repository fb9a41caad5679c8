"""An agreement ended by a move stores a code (`moved:Sandviken`), not an English sentence: each place that
shows it (terminal, JSON, Excel) says it in its own words.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # steg2 up to 0.2 wrote "moved to <place>"; "moved to " is 9 characters.
    op.execute(
        sa.text(
            "UPDATE agreements SET end_reason = 'moved:' || substr(end_reason, 10) WHERE end_reason LIKE 'moved to %'"
        )
    )


def downgrade() -> None:
    op.execute(
        sa.text(
            "UPDATE agreements SET end_reason = 'moved to ' || substr(end_reason, 7) WHERE end_reason LIKE 'moved:%'"
        )
    )
