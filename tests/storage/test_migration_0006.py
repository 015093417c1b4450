"""Migration 0006 on a database with data: kudos recipients and values take their kudos's
workspace, config versions the workspace of the people; it downgrades cleanly."""

from __future__ import annotations

from sqlalchemy import text

from tests.support.migrations import migrate

NOW = "'2026-11-26 00:00:00'"


def _seed(db) -> None:
    with db.engine.begin() as conn:
        for user_id, team in ((1, "T1"), (2, "T1")):
            conn.execute(
                text(
                    "INSERT INTO users (id, team_id, slack_id, name, role, source, is_bot, "
                    f"created_at, updated_at) VALUES ({user_id}, '{team}', 'U{user_id}', 'A', "
                    f"'rep', 'org', false, {NOW}, {NOW})"
                )
            )
        conn.execute(
            text(
                "INSERT INTO kudos (id, team_id, giver_id, message, source, created_at) "
                f"VALUES (7, 'T1', 1, 'x', 'command', {NOW})"
            )
        )
        conn.execute(text("INSERT INTO kudos_recipients (kudos_id, user_id) VALUES (7, 2)"))
        conn.execute(text("INSERT INTO kudos_values (kudos_id, value_key) VALUES (7, 'team')"))
        conn.execute(
            text(
                "INSERT INTO kpi_config_versions (digest, metrics, seen_at) "
                f"VALUES ('abc', '[]', {NOW})"
            )
        )


def test_upgrade_backfills_team_ids_and_downgrades(empty_db):
    db = empty_db
    migrate(db, "upgrade", "0005")
    _seed(db)
    migrate(db, "upgrade", "0006")
    with db.engine.connect() as conn:
        for table in ("kudos_recipients", "kudos_values", "kpi_config_versions"):
            assert conn.execute(text(f"SELECT team_id FROM {table}")).scalars().all() == ["T1"]
    migrate(db, "downgrade", "0005")
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM kudos_values")).scalar() == 1
    migrate(db, "upgrade", "head")
