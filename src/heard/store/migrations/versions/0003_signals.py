"""signals: conversations, interactions, scores, review, routing, SLAs, ingest runs

Revision ID: 0003_signals
Revises: 0002_pulse
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_signals"
down_revision = "0002_pulse"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "signal_conversations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=False),
        sa.Column("channel", sa.String(length=40), nullable=False),
        sa.Column("brand", sa.String(length=120), nullable=False),
        sa.Column("customer", sa.String(length=200), nullable=False),
        sa.Column("customer_tier", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("ingested_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signal_conversations")),
        sa.UniqueConstraint("source", "external_id", name=op.f("uq_signal_conversations_source")),
    )
    with op.batch_alter_table("signal_conversations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_signal_conversations_brand"), ["brand"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_signal_conversations_channel"), ["channel"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_signal_conversations_started_at"), ["started_at"], unique=False
        )

    op.create_table(
        "signal_ingest_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=300), nullable=False),
        sa.Column("format", sa.String(length=40), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("bytes_total", sa.BigInteger(), nullable=False),
        sa.Column("bytes_read", sa.BigInteger(), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("conversations_added", sa.Integer(), nullable=False),
        sa.Column("interactions_added", sa.Integer(), nullable=False),
        sa.Column("already_present", sa.Integer(), nullable=False),
        sa.Column("problems", sa.JSON(), nullable=False),
        sa.Column("problem_count", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signal_ingest_runs")),
    )
    op.create_table(
        "signal_queues",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("specialist", sa.Boolean(), nullable=False),
        sa.Column("alert_depth", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signal_queues")),
        sa.UniqueConstraint("name", name=op.f("uq_signal_queues_name")),
    )
    op.create_table(
        "signal_sla_policies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("channel", sa.String(length=40), nullable=False),
        sa.Column("customer_tier", sa.String(length=40), nullable=False),
        sa.Column("first_response_minutes", sa.Integer(), nullable=False),
        sa.Column("resolution_minutes", sa.Integer(), nullable=False),
        sa.Column("complex_first_response_minutes", sa.Integer(), nullable=False),
        sa.Column("complex_resolution_minutes", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signal_sla_policies")),
        sa.UniqueConstraint("name", name=op.f("uq_signal_sla_policies_name")),
    )
    op.create_table(
        "signal_interactions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("redactions", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=True),
        sa.Column("ingested_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["signal_conversations.id"],
            name=op.f("fk_signal_interactions_conversation_id_signal_conversations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signal_interactions")),
        sa.UniqueConstraint("source", "external_id", name=op.f("uq_signal_interactions_source")),
    )
    with op.batch_alter_table("signal_interactions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_signal_interactions_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_signal_interactions_conversation_id"), ["conversation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_signal_interactions_role"), ["role"], unique=False)

    op.create_table(
        "signal_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("queue_id", sa.Integer(), nullable=False),
        sa.Column("conditions", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["queue_id"],
            ["signal_queues.id"],
            name=op.f("fk_signal_rules_queue_id_signal_queues"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signal_rules")),
        sa.UniqueConstraint("name", name=op.f("uq_signal_rules_name")),
    )
    op.create_table(
        "signal_scores",
        sa.Column("interaction_id", sa.Integer(), nullable=False),
        sa.Column("profile", sa.String(length=20), nullable=False),
        sa.Column("emotions", sa.JSON(), nullable=False),
        sa.Column("emotion_labels", sa.JSON(), nullable=False),
        sa.Column("emotion_groups", sa.JSON(), nullable=False),
        sa.Column("top_group", sa.String(length=40), nullable=False),
        sa.Column("sentiment", sa.String(length=16), nullable=False),
        sa.Column("intensity", sa.Float(), nullable=False),
        sa.Column("distress_probability", sa.Float(), nullable=False),
        sa.Column("distress_flag", sa.Boolean(), nullable=False),
        sa.Column("distress_signals", sa.JSON(), nullable=False),
        sa.Column("effort", sa.Float(), nullable=False),
        sa.Column("effort_cues", sa.JSON(), nullable=False),
        sa.Column("confidence", sa.JSON(), nullable=False),
        sa.Column("min_confidence", sa.Float(), nullable=False),
        sa.Column("reviewed", sa.Boolean(), nullable=False),
        sa.Column("scored_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["signal_interactions.id"],
            name=op.f("fk_signal_scores_interaction_id_signal_interactions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("interaction_id", name=op.f("pk_signal_scores")),
    )
    with op.batch_alter_table("signal_scores", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_signal_scores_distress_flag"), ["distress_flag"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_signal_scores_effort"), ["effort"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_signal_scores_min_confidence"), ["min_confidence"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_signal_scores_sentiment"), ["sentiment"], unique=False)
        batch_op.create_index(batch_op.f("ix_signal_scores_top_group"), ["top_group"], unique=False)

    op.create_table(
        "signal_handlers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("queue_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_signal_handlers_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["queue_id"],
            ["signal_queues.id"],
            name=op.f("fk_signal_handlers_queue_id_signal_queues"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signal_handlers")),
        sa.UniqueConstraint("queue_id", "person_id", name=op.f("uq_signal_handlers_queue_id")),
    )
    with op.batch_alter_table("signal_handlers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_signal_handlers_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_signal_handlers_queue_id"), ["queue_id"], unique=False)

    op.create_table(
        "signal_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("queue_id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=True),
        sa.Column("handler_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("complex", sa.Boolean(), nullable=False),
        sa.Column("distress", sa.Boolean(), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=True),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("first_response_due", sa.DateTime(), nullable=True),
        sa.Column("resolution_due", sa.DateTime(), nullable=True),
        sa.Column("first_response_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["signal_conversations.id"],
            name=op.f("fk_signal_cases_conversation_id_signal_conversations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["handler_id"],
            ["signal_handlers.id"],
            name=op.f("fk_signal_cases_handler_id_signal_handlers"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["policy_id"],
            ["signal_sla_policies.id"],
            name=op.f("fk_signal_cases_policy_id_signal_sla_policies"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["queue_id"], ["signal_queues.id"], name=op.f("fk_signal_cases_queue_id_signal_queues")
        ),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["signal_rules.id"],
            name=op.f("fk_signal_cases_rule_id_signal_rules"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signal_cases")),
        sa.UniqueConstraint("conversation_id", name=op.f("uq_signal_cases_conversation_id")),
    )
    with op.batch_alter_table("signal_cases", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_signal_cases_handler_id"), ["handler_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_signal_cases_queue_id"), ["queue_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_signal_cases_status"), ["status"], unique=False)

    op.create_table(
        "signal_labels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interaction_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("emotion_labels", sa.JSON(), nullable=False),
        sa.Column("sentiment", sa.String(length=16), nullable=False),
        sa.Column("distress", sa.Boolean(), nullable=False),
        sa.Column("corrected", sa.Boolean(), nullable=False),
        sa.Column("model_emotion_labels", sa.JSON(), nullable=False),
        sa.Column("model_sentiment", sa.String(length=16), nullable=False),
        sa.Column("model_distress", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["signal_interactions.id"],
            name=op.f("fk_signal_labels_interaction_id_signal_interactions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["users.id"],
            name=op.f("fk_signal_labels_reviewer_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signal_labels")),
    )
    with op.batch_alter_table("signal_labels", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_signal_labels_interaction_id"), ["interaction_id"], unique=False
        )

    op.create_table(
        "signal_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interaction_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["signal_interactions.id"],
            name=op.f("fk_signal_reviews_interaction_id_signal_interactions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["users.id"],
            name=op.f("fk_signal_reviews_reviewer_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signal_reviews")),
        sa.UniqueConstraint("interaction_id", name=op.f("uq_signal_reviews_interaction_id")),
    )
    with op.batch_alter_table("signal_reviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_signal_reviews_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("signal_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signal_reviews_status"))

    op.drop_table("signal_reviews")
    with op.batch_alter_table("signal_labels", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signal_labels_interaction_id"))

    op.drop_table("signal_labels")
    with op.batch_alter_table("signal_cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signal_cases_status"))
        batch_op.drop_index(batch_op.f("ix_signal_cases_queue_id"))
        batch_op.drop_index(batch_op.f("ix_signal_cases_handler_id"))

    op.drop_table("signal_cases")
    with op.batch_alter_table("signal_handlers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signal_handlers_queue_id"))
        batch_op.drop_index(batch_op.f("ix_signal_handlers_person_id"))

    op.drop_table("signal_handlers")
    with op.batch_alter_table("signal_scores", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signal_scores_top_group"))
        batch_op.drop_index(batch_op.f("ix_signal_scores_sentiment"))
        batch_op.drop_index(batch_op.f("ix_signal_scores_min_confidence"))
        batch_op.drop_index(batch_op.f("ix_signal_scores_effort"))
        batch_op.drop_index(batch_op.f("ix_signal_scores_distress_flag"))

    op.drop_table("signal_scores")
    op.drop_table("signal_rules")
    with op.batch_alter_table("signal_interactions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signal_interactions_role"))
        batch_op.drop_index(batch_op.f("ix_signal_interactions_conversation_id"))
        batch_op.drop_index(batch_op.f("ix_signal_interactions_at"))

    op.drop_table("signal_interactions")
    op.drop_table("signal_sla_policies")
    op.drop_table("signal_queues")
    op.drop_table("signal_ingest_runs")
    with op.batch_alter_table("signal_conversations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signal_conversations_started_at"))
        batch_op.drop_index(batch_op.f("ix_signal_conversations_channel"))
        batch_op.drop_index(batch_op.f("ix_signal_conversations_brand"))

    op.drop_table("signal_conversations")
