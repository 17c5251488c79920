"""pulse: item bank, rounds, participation, sealed ballots, responses, aggregates, predictions

Revision ID: 0002_pulse
Revises: 0001_foundation

Generated from heard.store.tables.pulse (alembic autogenerate), then reviewed.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_pulse"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pulse_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("text", sa.String(length=400), nullable=False),
        sa.Column("dimension", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("scale_min", sa.Integer(), nullable=False),
        sa.Column("scale_max", sa.Integer(), nullable=False),
        sa.Column("built_in", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pulse_items")),
        sa.UniqueConstraint("key", name=op.f("uq_pulse_items_key")),
    )
    op.create_table(
        "pulse_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=True),
        sa.Column("closes_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("results_at", sa.DateTime(), nullable=True),
        sa.Column("k", sa.Integer(), nullable=True),
        sa.Column("comment_k", sa.Integer(), nullable=True),
        sa.Column("summary", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pulse_rounds")),
        sa.UniqueConstraint("name", name=op.f("uq_pulse_rounds_name")),
    )
    with op.batch_alter_table("pulse_rounds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pulse_rounds_status"), ["status"], unique=False)

    op.create_table(
        "pulse_settings",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_pulse_settings")),
    )
    op.create_table(
        "pulse_ballots",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("comments", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["pulse_rounds.id"],
            name=op.f("fk_pulse_ballots_round_id_pulse_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pulse_ballots")),
    )
    with op.batch_alter_table("pulse_ballots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pulse_ballots_round_id"), ["round_id"], unique=False)

    op.create_table(
        "pulse_comments",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["pulse_items.id"], name=op.f("fk_pulse_comments_item_id_pulse_items")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["pulse_rounds.id"],
            name=op.f("fk_pulse_comments_round_id_pulse_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pulse_comments")),
    )
    with op.batch_alter_table("pulse_comments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pulse_comments_round_id"), ["round_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pulse_comments_team_id"), ["team_id"], unique=False)

    op.create_table(
        "pulse_responses",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["pulse_rounds.id"],
            name=op.f("fk_pulse_responses_round_id_pulse_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pulse_responses")),
    )
    with op.batch_alter_table("pulse_responses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pulse_responses_round_id"), ["round_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pulse_responses_team_id"), ["team_id"], unique=False)

    op.create_table(
        "pulse_round_items",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["pulse_items.id"], name=op.f("fk_pulse_round_items_item_id_pulse_items")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["pulse_rounds.id"],
            name=op.f("fk_pulse_round_items_round_id_pulse_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("round_id", "item_id", name=op.f("pk_pulse_round_items")),
    )
    op.create_table(
        "pulse_team_results",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("team_name", sa.String(length=120), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("leader_id", sa.Integer(), nullable=True),
        sa.Column("invited", sa.Integer(), nullable=False),
        sa.Column("respondents", sa.Integer(), nullable=False),
        sa.Column("comments", sa.Integer(), nullable=False),
        sa.Column("sums", sa.JSON(), nullable=False),
        sa.Column("squares", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["pulse_rounds.id"],
            name=op.f("fk_pulse_team_results_round_id_pulse_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("round_id", "team_id", name=op.f("pk_pulse_team_results")),
    )
    with op.batch_alter_table("pulse_team_results", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pulse_team_results_leader_id"), ["leader_id"], unique=False
        )

    op.create_table(
        "pulse_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("answered", sa.Boolean(), nullable=False),
        sa.Column("reminders", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_pulse_invitations_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["pulse_rounds.id"],
            name=op.f("fk_pulse_invitations_round_id_pulse_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_pulse_invitations_team_id_teams")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pulse_invitations")),
        sa.UniqueConstraint("round_id", "person_id", name=op.f("uq_pulse_invitations_round_id")),
    )
    with op.batch_alter_table("pulse_invitations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pulse_invitations_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_pulse_invitations_round_id"), ["round_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_pulse_invitations_team_id"), ["team_id"], unique=False)

    op.create_table(
        "pulse_predictions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("leader_id", sa.Integer(), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("barriers", sa.JSON(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["leader_id"], ["people.id"], name=op.f("fk_pulse_predictions_leader_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["pulse_rounds.id"],
            name=op.f("fk_pulse_predictions_round_id_pulse_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_pulse_predictions_team_id_teams")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pulse_predictions")),
        sa.UniqueConstraint("round_id", "team_id", name=op.f("uq_pulse_predictions_round_id")),
    )
    with op.batch_alter_table("pulse_predictions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pulse_predictions_leader_id"), ["leader_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_pulse_predictions_round_id"), ["round_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_pulse_predictions_team_id"), ["team_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("pulse_predictions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pulse_predictions_team_id"))
        batch_op.drop_index(batch_op.f("ix_pulse_predictions_round_id"))
        batch_op.drop_index(batch_op.f("ix_pulse_predictions_leader_id"))

    op.drop_table("pulse_predictions")
    with op.batch_alter_table("pulse_invitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pulse_invitations_team_id"))
        batch_op.drop_index(batch_op.f("ix_pulse_invitations_round_id"))
        batch_op.drop_index(batch_op.f("ix_pulse_invitations_person_id"))

    op.drop_table("pulse_invitations")
    with op.batch_alter_table("pulse_team_results", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pulse_team_results_leader_id"))

    op.drop_table("pulse_team_results")
    op.drop_table("pulse_round_items")
    with op.batch_alter_table("pulse_responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pulse_responses_team_id"))
        batch_op.drop_index(batch_op.f("ix_pulse_responses_round_id"))

    op.drop_table("pulse_responses")
    with op.batch_alter_table("pulse_comments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pulse_comments_team_id"))
        batch_op.drop_index(batch_op.f("ix_pulse_comments_round_id"))

    op.drop_table("pulse_comments")
    with op.batch_alter_table("pulse_ballots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pulse_ballots_round_id"))

    op.drop_table("pulse_ballots")
    op.drop_table("pulse_settings")
    with op.batch_alter_table("pulse_rounds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pulse_rounds_status"))

    op.drop_table("pulse_rounds")
    op.drop_table("pulse_items")
