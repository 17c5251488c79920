"""pulse: before-you-react decisions and experiments

Revision ID: 0007_pulse_decisions
Revises: 0006_pulse_links_checkins
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0007_pulse_decisions"
down_revision = "0006_pulse_links_checkins"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
