"""signals: interactions, scores, review, routing, SLAs

Revision ID: 0003_signals
Revises: 0002_pulse
"""

revision = "0003_signals"
down_revision = "0002_pulse"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
