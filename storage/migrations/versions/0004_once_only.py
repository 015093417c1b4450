"""once-only: request claims, one live emoji kudos per giver and message, deactivated people

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 07:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE_REACTION = sa.text("reaction_ts IS NOT NULL AND withdrawn_at IS NULL")


def upgrade() -> None:
    # Reviewed by hand: matches storage/models/core.py (Claim, User.deactivated) and the partial
    # unique index in storage/models/feedback.py.
    op.create_table(
        "claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "key"),
    )
    op.add_column(
        "users", sa.Column("deactivated", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    # Racing reactions may already have stored two live kudos for one message: keep the first
    # live (the others count as withdrawn) so the unique index can be built.
    op.execute(
        """
        UPDATE kudos SET withdrawn_at = created_at
        WHERE reaction_ts IS NOT NULL AND withdrawn_at IS NULL AND id > (
            SELECT MIN(k.id) FROM kudos k
            WHERE k.team_id = kudos.team_id AND k.giver_id = kudos.giver_id
              AND k.reaction_channel = kudos.reaction_channel
              AND k.reaction_ts = kudos.reaction_ts AND k.withdrawn_at IS NULL)
        """
    )
    op.create_index(
        "ux_kudos_live_reaction",
        "kudos",
        ["team_id", "giver_id", "reaction_channel", "reaction_ts"],
        unique=True,
        sqlite_where=LIVE_REACTION,
        postgresql_where=LIVE_REACTION,
    )


def downgrade() -> None:
    op.drop_index("ux_kudos_live_reaction", table_name="kudos")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("deactivated")
    op.drop_table("claims")
