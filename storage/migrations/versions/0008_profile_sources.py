"""where a person's language and time zone come from: users.slack_locale / slack_timezone /
slack_synced_at hold Slack's profile apart from the org import's locale / timezone; and
feedback.share_name, the answerer's consent to be named when a requested answer is shared

People learned from Slack (source 'slack') had Slack's values in locale / timezone: they move.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from storage.types import UTCDateTime

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD / DROP COLUMN: a SQLite batch rebuild of users would cascade-delete its children.
    op.add_column("users", sa.Column("slack_timezone", sqlmodel.sql.sqltypes.AutoString(length=64)))
    op.add_column("users", sa.Column("slack_locale", sqlmodel.sql.sqltypes.AutoString(length=16)))
    op.add_column("users", sa.Column("slack_synced_at", UTCDateTime(), nullable=True))
    op.execute(
        "UPDATE users SET slack_locale = locale, slack_timezone = timezone, "
        "slack_synced_at = updated_at, locale = NULL, timezone = NULL WHERE source = 'slack'"
    )
    op.add_column(
        "feedback", sa.Column("share_name", sa.Boolean(), server_default=sa.false(), nullable=False)
    )


def downgrade() -> None:
    op.drop_column("feedback", "share_name")
    op.execute(
        "UPDATE users SET locale = slack_locale, timezone = slack_timezone WHERE source = 'slack'"
    )
    for column in ("slack_synced_at", "slack_locale", "slack_timezone"):
        op.drop_column("users", column)
