"""programs: sessions, observations, experiments and their status history

Revision ID: 0004_programs
Revises: 0003_signals
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_programs"
down_revision = "0003_signals"
branch_labels = None
depends_on = None


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), nullable=False)


def _index(table: str, column: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def upgrade() -> None:
    op.create_table(
        "programs",
        _id(),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("strategic_priority", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programs")),
    )
    op.create_table(
        "program_sessions",
        _id(),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("format", sa.String(length=60), nullable=False),
        sa.Column("objective", sa.Text(), nullable=False),
        sa.Column("learning_goals", sa.JSON(), nullable=False),
        sa.Column("question_guide", sa.JSON(), nullable=False),
        sa.Column("time_box_minutes", sa.Integer(), nullable=False),
        sa.Column("leader_id", sa.Integer(), nullable=True),
        sa.Column("host_team_id", sa.Integer(), nullable=True),
        sa.Column("mentor_id", sa.Integer(), nullable=True),
        sa.Column("scheduled_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"], ["programs.id"],
            name=op.f("fk_program_sessions_program_id_programs"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["leader_id"], ["people.id"], name=op.f("fk_program_sessions_leader_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["host_team_id"], ["teams.id"], name=op.f("fk_program_sessions_host_team_id_teams")
        ),
        sa.ForeignKeyConstraint(
            ["mentor_id"], ["people.id"], name=op.f("fk_program_sessions_mentor_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_sessions")),
    )
    _index("program_sessions", "program_id")
    _index("program_sessions", "leader_id")
    op.create_table(
        "program_observations",
        _id(),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("leader_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("touchpoint", sa.String(length=60), nullable=False),
        sa.Column("segment", sa.String(length=60), nullable=False),
        sa.Column("severity", sa.Integer(), nullable=False),
        sa.Column("redactions", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"], ["program_sessions.id"],
            name=op.f("fk_program_observations_session_id_program_sessions"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["leader_id"], ["people.id"], name=op.f("fk_program_observations_leader_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_observations")),
    )
    _index("program_observations", "session_id")
    _index("program_observations", "leader_id")
    op.create_table(
        "program_experiments",
        _id(),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("hypothesis", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=120), nullable=False),
        sa.Column("baseline", sa.Float(), nullable=True),
        sa.Column("target", sa.Float(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("pattern_label", sa.String(length=300), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["people.id"], name=op.f("fk_program_experiments_owner_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_experiments")),
    )
    _index("program_experiments", "owner_id")
    op.create_table(
        "program_experiment_events",
        _id(),
        sa.Column("experiment_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.Column("at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["experiment_id"], ["program_experiments.id"],
            name=op.f("fk_program_experiment_events_experiment_id_program_experiments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_experiment_events")),
    )
    _index("program_experiment_events", "experiment_id")


def downgrade() -> None:
    for table in (
        "program_experiment_events",
        "program_experiments",
        "program_observations",
        "program_sessions",
        "programs",
    ):
        op.drop_table(table)
