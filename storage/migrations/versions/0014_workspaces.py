"""many workspaces: installations, OAuth states, per-workspace config, API tokens, send pacing

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-27 15:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from storage.types import UTCDateTime

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _str(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.create_table(
        "installations",
        sa.Column("team_id", _str(32), nullable=False),
        sa.Column("enterprise_id", _str(32), nullable=True),
        sa.Column("team_name", _str(200), nullable=True),
        sa.Column("app_id", _str(32), nullable=True),
        sa.Column("bot_id", _str(32), nullable=True),
        sa.Column("bot_user_id", _str(32), nullable=True),
        sa.Column("bot_token", _str(255), nullable=False),
        sa.Column("bot_scopes", sa.Text(), nullable=True),
        sa.Column("bot_refresh_token", _str(255), nullable=True),
        sa.Column("bot_token_expires_at", UTCDateTime(), nullable=True),
        sa.Column("installer_user_id", _str(32), nullable=True),
        sa.Column("installed_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("uninstalled_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("team_id"),
    )
    op.create_table(
        "oauth_states",
        sa.Column("state", _str(128), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("state"),
    )
    op.create_table(
        "workspace_configs",
        sa.Column("team_id", _str(32), nullable=False),
        sa.Column("toml", sa.Text(), nullable=False),
        sa.Column("source", _str(255), nullable=True),
        sa.Column("imported_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("team_id"),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", _str(32), nullable=False),
        sa.Column("token_hash", _str(64), nullable=False),
        sa.Column("prefix", _str(16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_api_tokens_team", "api_tokens", ["team_id"])
    op.create_table(
        "send_pacing",
        sa.Column("key", _str(128), nullable=False),
        sa.Column("next_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade() -> None:
    op.drop_table("send_pacing")
    op.drop_index("ix_api_tokens_team", table_name="api_tokens")
    op.drop_table("api_tokens")
    op.drop_table("workspace_configs")
    op.drop_table("oauth_states")
    op.drop_table("installations")
