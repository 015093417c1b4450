"""Migration 0004 on a database that already holds duplicate live emoji kudos (stored by racing
reactions before the unique index existed): it keeps the first live, and downgrades cleanly."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from tests.support.migrations import empty_db, migrate

__all__ = ["empty_db"]


def test_upgrade_keeps_one_live_kudos_per_reaction_and_downgrades(empty_db):
    db = empty_db
    migrate(db, "upgrade", "0003")
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (id, team_id, slack_id, name, role, source, is_bot, "
                "created_at, updated_at) VALUES (1, 'T1', 'UA', 'A', 'rep', 'org', false, "
                "'2026-11-26 00:00:00', '2026-11-26 00:00:00')"
            )
        )
        for kudos_id, ts, withdrawn in [(1, "1.1", None), (2, "1.1", None), (3, "1.1", None),
                                        (4, "2.2", None), (5, None, None), (6, None, None)]:  # fmt: skip
            conn.execute(
                text(
                    "INSERT INTO kudos (id, team_id, giver_id, message, source, "
                    "reaction_channel, reaction_ts, created_at, withdrawn_at) VALUES "
                    "(:id, 'T1', 1, 'x', 'emoji', 'C1', :ts, '2026-11-26 00:00:00', :w)"
                ),
                {"id": kudos_id, "ts": ts, "w": withdrawn},
            )
    migrate(db, "upgrade", "0004")
    with db.engine.begin() as conn:
        live = conn.execute(text("SELECT id FROM kudos WHERE withdrawn_at IS NULL ORDER BY id"))
        assert [r[0] for r in live] == [1, 4, 5, 6]  # commands (no reaction) untouched
        assert conn.execute(text("SELECT deactivated FROM users")).scalar() in (False, 0)
    with pytest.raises(IntegrityError), db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO kudos (team_id, giver_id, message, source, reaction_channel, "
                "reaction_ts, created_at) VALUES ('T1', 1, 'x', 'emoji', 'C1', '2.2', "
                "'2026-11-26 00:00:00')"
            )
        )
    migrate(db, "downgrade", "0003")
    migrate(db, "upgrade", "head")
