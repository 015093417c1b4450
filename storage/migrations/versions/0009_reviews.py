"""review cycles and their tasks; users.quiet_hours (/pulse quiet)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from storage.types import UTCDateTime

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _str(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.add_column("users", sa.Column("quiet_hours", _str(16), nullable=True))
    op.create_table(
        "review_cycles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", _str(32), nullable=False),
        sa.Column("name", _str(200), nullable=False),
        sa.Column("kind", _str(16), nullable=False),
        sa.Column("period", _str(16), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("teams", sa.JSON(), nullable=True),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.Column("peers", sa.Integer(), nullable=False),
        sa.Column("status", _str(16), nullable=False),
        sa.Column("recurring_key", _str(64), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "name"),
        sa.UniqueConstraint("team_id", "recurring_key"),
    )
    op.create_table(
        "review_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", _str(32), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("role", _str(16), nullable=False),
        sa.Column("status", _str(16), nullable=False),
        sa.Column("ratings", sa.JSON(), nullable=True),
        sa.Column("comment", _str(4000), nullable=True),
        sa.Column("submitted_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["cycle_id"], ["review_cycles.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["subject_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["reviewer_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cycle_id", "subject_id", "reviewer_id", "role"),
    )
    op.create_index("ix_review_tasks_cycle_id", "review_tasks", ["cycle_id"])
    op.create_index(
        "ix_review_tasks_reviewer", "review_tasks", ["team_id", "reviewer_id", "status"]
    )


def downgrade() -> None:
    op.drop_table("review_tasks")
    op.drop_table("review_cycles")
    op.drop_column("users", "quiet_hours")
