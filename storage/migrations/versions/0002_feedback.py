"""feedback and kudos tables

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 19:16:39.111063
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Reviewed by hand: matches storage/models/feedback.py (FKs, indexes, nullability).
    op.create_table(
        "feedback_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("topic", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["requester_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["subject_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("feedback_requests", schema=None) as batch_op:
        batch_op.create_index(
            "ix_feedback_requests_requester", ["team_id", "requester_id"], unique=False
        )

    op.create_table(
        "kudos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("giver_id", sa.Integer(), nullable=False),
        sa.Column("message", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("ts", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("permalink", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("reaction_channel", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("reaction_ts", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(), nullable=False),
        sa.Column("withdrawn_at", storage.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["giver_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("kudos", schema=None) as batch_op:
        batch_op.create_index(
            "ix_kudos_giver_created", ["team_id", "giver_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_kudos_reaction", ["team_id", "reaction_channel", "reaction_ts"], unique=False
        )

    op.create_table(
        "feedback_asks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("peer_id", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(), nullable=False),
        sa.Column("reminded_at", storage.types.UTCDateTime(), nullable=True),
        sa.Column("closed_at", storage.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["peer_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["request_id"], ["feedback_requests.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("request_id", "peer_id"),
    )
    with op.batch_alter_table("feedback_asks", schema=None) as batch_op:
        batch_op.create_index("ix_feedback_asks_peer_status", ["peer_id", "status"], unique=False)
        batch_op.create_index("ix_feedback_asks_status", ["status", "created_at"], unique=False)

    op.create_table(
        "kudos_recipients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kudos_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("dm_channel", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("dm_ts", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.ForeignKeyConstraint(["kudos_id"], ["kudos.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kudos_id", "user_id"),
    )
    with op.batch_alter_table("kudos_recipients", schema=None) as batch_op:
        batch_op.create_index("ix_kudos_recipients_user", ["user_id"], unique=False)

    op.create_table(
        "kudos_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kudos_id", sa.Integer(), nullable=False),
        sa.Column("value_key", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.ForeignKeyConstraint(["kudos_id"], ["kudos.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kudos_id", "value_key"),
    )
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("giver_id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("visibility", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("message", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
        sa.Column("metric_key", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("ask_id", sa.Integer(), nullable=True),
        sa.Column("held_for_id", sa.Integer(), nullable=True),
        sa.Column("shared_at", storage.types.UTCDateTime(), nullable=True),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("ts", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("ack", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("ack_at", storage.types.UTCDateTime(), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["ask_id"], ["feedback_asks.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["giver_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["held_for_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["recipient_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.create_index("ix_feedback_giver", ["giver_id"], unique=False)
        batch_op.create_index(
            "ix_feedback_recipient_created", ["team_id", "recipient_id", "created_at"], unique=False
        )

    # ### end Alembic commands ###


def downgrade() -> None:
    # Reviewed by hand: matches storage/models/feedback.py (FKs, indexes, nullability).
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_index("ix_feedback_recipient_created")
        batch_op.drop_index("ix_feedback_giver")

    op.drop_table("feedback")
    op.drop_table("kudos_values")
    with op.batch_alter_table("kudos_recipients", schema=None) as batch_op:
        batch_op.drop_index("ix_kudos_recipients_user")

    op.drop_table("kudos_recipients")
    with op.batch_alter_table("feedback_asks", schema=None) as batch_op:
        batch_op.drop_index("ix_feedback_asks_status")
        batch_op.drop_index("ix_feedback_asks_peer_status")

    op.drop_table("feedback_asks")
    with op.batch_alter_table("kudos", schema=None) as batch_op:
        batch_op.drop_index("ix_kudos_reaction")
        batch_op.drop_index("ix_kudos_giver_created")

    op.drop_table("kudos")
    with op.batch_alter_table("feedback_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_feedback_requests_requester")

    op.drop_table("feedback_requests")
    # ### end Alembic commands ###
