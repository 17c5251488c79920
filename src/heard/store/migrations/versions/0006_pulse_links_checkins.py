"""pulse: one-time answer links and check-ins

Revision ID: 0006_pulse_links_checkins
Revises: 0005_programs_debriefs
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0006_pulse_links_checkins"
down_revision = "0005_programs_debriefs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
