"""programs: sessions, schedules, observations, patterns, experiments

Revision ID: 0004_programs
Revises: 0003_signals
"""

revision = "0004_programs"
down_revision = "0003_signals"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
