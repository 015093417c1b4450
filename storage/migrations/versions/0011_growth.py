"""growth: training requests, career guidance requests, development plan goals, suggestions

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from storage.types import UTCDateTime

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _str(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def _user(column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], ["users.id"], ondelete="SET NULL")


def upgrade() -> None:
    op.create_table(
        "training_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", _str(32), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=False),
        sa.Column("course", _str(50), nullable=True),
        sa.Column("topic", _str(200), nullable=False),
        sa.Column("kind", _str(8), nullable=True),
        sa.Column("reason", _str(2000), nullable=True),
        sa.Column("preferred_month", _str(7), nullable=True),
        sa.Column("status", _str(16), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("decline_reason", _str(2000), nullable=True),
        sa.Column("scheduled_for", sa.Date(), nullable=True),
        sa.Column("handled_by_id", sa.Integer(), nullable=True),
        sa.Column("completed_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["rep_id"], ["users.id"], ondelete="CASCADE"),
        _user("decided_by_id"),
        _user("handled_by_id"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_training_requests_rep", "training_requests", ["team_id", "rep_id", "status"]
    )
    op.create_index("ix_training_requests_status", "training_requests", ["team_id", "status"])
    op.create_table(
        "guidance_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", _str(32), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=False),
        sa.Column("question", _str(2000), nullable=True),
        sa.Column("coach_id", sa.Integer(), nullable=True),
        sa.Column("status", _str(16), nullable=False),
        sa.Column("accepted_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["rep_id"], ["users.id"], ondelete="CASCADE"),
        _user("coach_id"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_guidance_requests_rep", "guidance_requests", ["team_id", "rep_id"])
    op.create_index(
        "ix_guidance_requests_coach", "guidance_requests", ["team_id", "coach_id", "status"]
    )
    op.create_table(
        "plan_goals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", _str(32), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=False),
        sa.Column("text", _str(500), nullable=False),
        sa.Column("metric", _str(64), nullable=True),
        sa.Column("course", _str(50), nullable=True),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("status", _str(16), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["rep_id"], ["users.id"], ondelete="CASCADE"),
        _user("created_by_id"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_plan_goals_rep", "plan_goals", ["team_id", "rep_id", "status"])
    op.create_table(
        "goal_suggestions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", _str(32), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=False),
        sa.Column("metric", _str(64), nullable=False),
        sa.Column("month", _str(7), nullable=False),
        sa.Column("attainment", sa.Float(), nullable=False),
        sa.Column("course", _str(50), nullable=True),
        sa.Column("status", _str(16), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["rep_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["goal_id"], ["plan_goals.id"], ondelete="SET NULL"),
        _user("decided_by_id"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "rep_id", "metric", "month"),
    )


def downgrade() -> None:
    op.drop_table("goal_suggestions")
    op.drop_table("plan_goals")
    op.drop_table("guidance_requests")
    op.drop_table("training_requests")
