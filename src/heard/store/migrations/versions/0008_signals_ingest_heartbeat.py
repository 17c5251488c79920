"""signals: ingest runs carry a heartbeat so runs whose worker died are marked interrupted

Revision ID: 0008_signals_ingest_heartbeat
Revises: 0007_pulse_decisions
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_signals_ingest_heartbeat"
down_revision = "0007_pulse_decisions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("signal_ingest_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("heartbeat_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("signal_ingest_runs", schema=None) as batch_op:
        batch_op.drop_column("heartbeat_at")
