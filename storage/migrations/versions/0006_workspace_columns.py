"""team_id on kpi_config_versions, kudos_recipients and kudos_values (every row belongs to one
workspace); backfilled from the parent kudos, and config versions from the only workspace

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 08:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KUDOS_CHILDREN = ("kudos_recipients", "kudos_values")


def upgrade() -> None:
    team = sqlmodel.sql.sqltypes.AutoString(length=32)
    for table in (*KUDOS_CHILDREN, "kpi_config_versions"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("team_id", team, nullable=True))
    for table in KUDOS_CHILDREN:
        op.execute(
            f"UPDATE {table} SET team_id = "
            f"(SELECT kudos.team_id FROM kudos WHERE kudos.id = {table}.kudos_id)"
        )
    # Before this revision one process served one workspace: its people are in users.
    op.execute(
        "UPDATE kpi_config_versions SET team_id = COALESCE((SELECT MIN(team_id) FROM users), '')"
    )
    for table in (*KUDOS_CHILDREN, "kpi_config_versions"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.alter_column("team_id", existing_type=team, nullable=False)


def downgrade() -> None:
    for table in (*KUDOS_CHILDREN, "kpi_config_versions"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("team_id")
