"""pulse: before-you-react decisions and experiments

Revision ID: 0007_pulse_decisions
Revises: 0006_pulse_links_checkins

Generated from heard.store.tables.pulse_decisions (alembic autogenerate), then reviewed.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_pulse_decisions"
down_revision = "0006_pulse_links_checkins"
branch_labels = None
depends_on = None


def _index(table: str, column: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def _fk(
    table: str, column: str, target: str, ondelete: str | None = None
) -> sa.ForeignKeyConstraint:
    referred = target.split(".")[0]
    return sa.ForeignKeyConstraint(
        [column], [target], name=op.f(f"fk_{table}_{column}_{referred}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "pulse_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("item_ids", sa.JSON(), nullable=False),
        sa.Column("summary", sa.String(length=500), nullable=False),
        sa.Column("who_is_affected", sa.Text(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("assumptions", sa.Text(), nullable=False),
        sa.Column("reversible_test", sa.Text(), nullable=False),
        sa.Column("feedback_plan", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=254), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _fk("pulse_decisions", "team_id", "teams.id"),
        _fk("pulse_decisions", "round_id", "pulse_rounds.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pulse_decisions")),
    )
    _index("pulse_decisions", "team_id")
    _index("pulse_decisions", "round_id")
    op.create_table(
        "pulse_experiments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("change", sa.String(length=500), nullable=False),
        sa.Column("item_ids", sa.JSON(), nullable=False),
        sa.Column("start_round_id", sa.Integer(), nullable=False),
        sa.Column("end_round_id", sa.Integer(), nullable=True),
        sa.Column("comparison_team_ids", sa.JSON(), nullable=False),
        sa.Column("comparison_chosen", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=254), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _fk("pulse_experiments", "decision_id", "pulse_decisions.id", ondelete="CASCADE"),
        _fk("pulse_experiments", "team_id", "teams.id"),
        _fk("pulse_experiments", "start_round_id", "pulse_rounds.id"),
        _fk("pulse_experiments", "end_round_id", "pulse_rounds.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pulse_experiments")),
    )
    _index("pulse_experiments", "decision_id")
    _index("pulse_experiments", "team_id")
    _index("pulse_experiments", "status")
    op.create_table(
        "pulse_experiment_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("experiment_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        _fk("pulse_experiment_events", "experiment_id", "pulse_experiments.id", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pulse_experiment_events")),
    )
    _index("pulse_experiment_events", "experiment_id")
    op.create_table(
        "pulse_experiment_feedback",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("experiment_id", sa.Integer(), nullable=False),
        sa.Column("week", sa.String(length=8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("batch", sa.Integer(), nullable=True),
        _fk(
            "pulse_experiment_feedback",
            "experiment_id",
            "pulse_experiments.id",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pulse_experiment_feedback")),
    )
    _index("pulse_experiment_feedback", "experiment_id")
    op.create_table(
        "pulse_feedback_given",
        sa.Column("experiment_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        _fk(
            "pulse_feedback_given",
            "experiment_id",
            "pulse_experiments.id",
            ondelete="CASCADE",
        ),
        _fk("pulse_feedback_given", "person_id", "people.id"),
        sa.PrimaryKeyConstraint("experiment_id", "person_id", name=op.f("pk_pulse_feedback_given")),
    )


def downgrade() -> None:
    for table in (
        "pulse_feedback_given",
        "pulse_experiment_feedback",
        "pulse_experiment_events",
        "pulse_experiments",
        "pulse_decisions",
    ):
        op.drop_table(table)
