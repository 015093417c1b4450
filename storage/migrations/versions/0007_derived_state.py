"""derived state goes: kpi_targets.scope (it restated user_id / sales_team) and
feedback.held_for_id (the requester of the ask's request, when not its subject)

Targets stay unique per period, person-or-team and metric, now as two partial unique
indexes, and a check that exactly one of user_id / sales_team names whom a target is for.
Feedback.held_for_id is now a column_property over feedback_asks / feedback_requests; the
upgrade refuses to drop a stored value the derivation would not give back.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 08:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FOR_PERSON = sa.text("user_id IS NOT NULL")
FOR_TEAM = sa.text("sales_team IS NOT NULL")
ONE_SCOPE = "(user_id IS NULL) <> (sales_team IS NULL)"
HELD_FOR = (
    "(SELECT r.requester_id FROM feedback_asks a "
    "JOIN feedback_requests r ON r.id = a.request_id "
    "WHERE a.id = feedback.ask_id AND r.requester_id <> r.subject_id)"
)


class HeldForMismatch(RuntimeError):
    pass


def _drop_held_for() -> None:
    conn = op.get_bind()
    differs = conn.execute(
        sa.text(
            f"SELECT COUNT(*) FROM feedback WHERE COALESCE(held_for_id, -1) <> "
            f"COALESCE({HELD_FOR}, -1)"
        )
    ).scalar_one()
    if differs:
        # dropping them could show held answers to the people they are about: stop here
        raise HeldForMismatch(
            f"{differs} feedback row(s) hold a held_for_id their ask's request doesn't give"
        )
    with op.batch_alter_table("feedback") as batch_op:
        batch_op.drop_column("held_for_id")


def _restore_held_for() -> None:
    with op.batch_alter_table("feedback") as batch_op:
        batch_op.add_column(sa.Column("held_for_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "feedback_held_for_id_fkey", "users", ["held_for_id"], ["id"], ondelete="SET NULL"
        )
    op.execute(f"UPDATE feedback SET held_for_id = {HELD_FOR}")


def upgrade() -> None:
    _drop_held_for()
    with op.batch_alter_table("kpi_targets", recreate="auto") as batch_op:
        batch_op.drop_index("ix_kpi_targets_scope")
        batch_op.drop_index("ix_kpi_targets_user")
    if op.get_context().dialect.name == "postgresql":
        op.drop_column("kpi_targets", "scope")  # and the unique constraint that named it
        op.create_check_constraint("ck_kpi_targets_one_scope", "kpi_targets", ONE_SCOPE)
    else:
        # SQLite rebuilds the table; the old unnamed unique constraint names the dropped column
        with op.batch_alter_table(
            "kpi_targets", recreate="always", reflect_kwargs={"include_columns": None}
        ) as batch_op:
            batch_op.drop_column("scope")
            batch_op.create_check_constraint("ck_kpi_targets_one_scope", ONE_SCOPE)
    op.create_index(
        "ux_kpi_targets_user",
        "kpi_targets",
        ["team_id", "period", "user_id", "metric"],
        unique=True,
        sqlite_where=FOR_PERSON,
        postgresql_where=FOR_PERSON,
    )
    op.create_index(
        "ux_kpi_targets_team",
        "kpi_targets",
        ["team_id", "sales_team", "period", "metric"],
        unique=True,
        sqlite_where=FOR_TEAM,
        postgresql_where=FOR_TEAM,
    )


def downgrade() -> None:
    _restore_held_for()
    op.drop_index("ux_kpi_targets_team", "kpi_targets")
    op.drop_index("ux_kpi_targets_user", "kpi_targets")
    with op.batch_alter_table("kpi_targets") as batch_op:
        batch_op.drop_constraint("ck_kpi_targets_one_scope", type_="check")
        batch_op.add_column(
            sa.Column("scope", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True)
        )
    op.execute(
        "UPDATE kpi_targets SET scope = CASE WHEN user_id IS NOT NULL "
        "THEN 'user:' || CAST(user_id AS VARCHAR(20)) ELSE 'team:' || sales_team END"
    )
    with op.batch_alter_table("kpi_targets") as batch_op:
        batch_op.alter_column(
            "scope", existing_type=sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False
        )
        batch_op.create_unique_constraint(
            "uq_kpi_targets_scope", ["team_id", "period", "scope", "metric"]
        )
        batch_op.create_index("ix_kpi_targets_user", ["team_id", "period", "user_id"])
        batch_op.create_index("ix_kpi_targets_scope", ["team_id", "scope", "period"])
