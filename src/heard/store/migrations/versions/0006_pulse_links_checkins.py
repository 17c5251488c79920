"""pulse: one-time answer links and check-ins

Revision ID: 0006_pulse_links_checkins
Revises: 0005_programs_debriefs

Generated from heard.store.tables.pulse (alembic autogenerate), then reviewed.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_pulse_links_checkins"
down_revision = "0005_programs_debriefs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Only the hash of a link's secret is stored; batch mode so SQLite can add the constraint.
    with op.batch_alter_table("pulse_invitations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("link_hash", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_pulse_invitations_link_hash"), ["link_hash"]
        )

    op.create_table(
        "pulse_checkins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("leader_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("template", sa.String(length=40), nullable=False),
        sa.Column("barrier_focused", sa.Boolean(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("shared_notes", sa.Text(), nullable=False),
        sa.Column("follow_ups", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["leader_id"], ["people.id"], name=op.f("fk_pulse_checkins_leader_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_pulse_checkins_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pulse_checkins")),
    )
    with op.batch_alter_table("pulse_checkins", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pulse_checkins_held_on"), ["held_on"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_pulse_checkins_leader_id"), ["leader_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_pulse_checkins_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "pulse_checkin_notes",
        sa.Column("checkin_id", sa.Integer(), nullable=False),
        sa.Column("leader_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["checkin_id"],
            ["pulse_checkins.id"],
            name=op.f("fk_pulse_checkin_notes_checkin_id_pulse_checkins"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["leader_id"], ["people.id"], name=op.f("fk_pulse_checkin_notes_leader_id_people")
        ),
        sa.PrimaryKeyConstraint("checkin_id", name=op.f("pk_pulse_checkin_notes")),
    )
    with op.batch_alter_table("pulse_checkin_notes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pulse_checkin_notes_leader_id"), ["leader_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("pulse_checkin_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pulse_checkin_notes_leader_id"))
    op.drop_table("pulse_checkin_notes")

    with op.batch_alter_table("pulse_checkins", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pulse_checkins_person_id"))
        batch_op.drop_index(batch_op.f("ix_pulse_checkins_leader_id"))
        batch_op.drop_index(batch_op.f("ix_pulse_checkins_held_on"))
    op.drop_table("pulse_checkins")

    with op.batch_alter_table("pulse_invitations", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_pulse_invitations_link_hash"), type_="unique")
        batch_op.drop_column("link_hash")
