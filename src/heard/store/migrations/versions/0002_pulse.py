"""pulse: item bank, rounds, anonymous responses, predictions, check-ins, decisions

Revision ID: 0002_pulse
Revises: 0001_foundation
"""

revision = "0002_pulse"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
