"""deliveries.not_before: a scheduled DM waits for its recipient's working hours

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("deliveries", sa.Column("not_before", UTCDateTime(), nullable=True))


def downgrade() -> None:
    op.drop_column("deliveries", "not_before")
