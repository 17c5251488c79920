"""programs: saved debriefs with editable patterns, and pilots

Revision ID: 0005_programs_debriefs
Revises: 0004_programs
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_programs_debriefs"
down_revision = "0004_programs"
branch_labels = None
depends_on = None


def _index(table: str, column: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def _created_at() -> sa.Column:
    return sa.Column("created_at", sa.DateTime(), server_default=sa.func.now(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "program_debriefs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=254), nullable=False),
        sa.Column("observations", sa.Integer(), nullable=False),
        sa.Column("anecdotes", sa.JSON(), nullable=False),
        _created_at(),
        sa.ForeignKeyConstraint(
            ["program_id"], ["programs.id"], name=op.f("fk_program_debriefs_program_id_programs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_debriefs")),
    )
    _index("program_debriefs", "program_id")
    op.create_table(
        "program_debrief_patterns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("debrief_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("members", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["debrief_id"], ["program_debriefs.id"],
            name=op.f("fk_program_debrief_patterns_debrief_id_program_debriefs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_debrief_patterns")),
    )
    _index("program_debrief_patterns", "debrief_id")
    op.create_table(
        "program_pilots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_area", sa.String(length=120), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("debrief_id", sa.Integer(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("immersion_days", sa.Integer(), nullable=False),
        sa.Column("changes_planned", sa.Integer(), nullable=False),
        sa.Column("experiment_ids", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=254), nullable=False),
        _created_at(),
        sa.ForeignKeyConstraint(
            ["program_id"], ["programs.id"], name=op.f("fk_program_pilots_program_id_programs")
        ),
        sa.ForeignKeyConstraint(
            ["debrief_id"], ["program_debriefs.id"],
            name=op.f("fk_program_pilots_debrief_id_program_debriefs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_pilots")),
    )
    _index("program_pilots", "program_id")


def downgrade() -> None:
    for table in ("program_pilots", "program_debrief_patterns", "program_debriefs"):
        op.drop_table(table)
