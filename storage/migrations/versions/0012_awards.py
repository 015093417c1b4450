"""awards: each month's candidates and the awards announced

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27 13:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from storage.types import UTCDateTime

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _str(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.create_table(
        "award_candidates",
        sa.Column("team_id", _str(32), nullable=False),
        sa.Column("month", _str(7), nullable=False),
        sa.Column("awards", sa.JSON(), nullable=False),
        sa.Column("computed_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "month"),
    )
    op.create_table(
        "awards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", _str(32), nullable=False),
        sa.Column("award_key", _str(50), nullable=False),
        sa.Column("month", _str(7), nullable=False),
        sa.Column("winner_id", sa.Integer(), nullable=False),
        sa.Column("reason", _str(2000), nullable=True),
        sa.Column("figures", sa.JSON(), nullable=True),
        sa.Column("announced_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["winner_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["announced_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "award_key", "month"),
    )
    op.create_index("ix_awards_winner", "awards", ["team_id", "winner_id"])


def downgrade() -> None:
    op.drop_table("awards")
    op.drop_table("award_candidates")
