"""Migration 0007 drops kpi_targets.scope (it restated user_id / sales_team): stored targets
survive, targets stay unique per period, person-or-team and metric, and it downgrades with
the scope rebuilt."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from tests.support.migrations import migrate

TARGET = (
    "INSERT INTO kpi_targets (team_id, period, {scope}user_id, sales_team, metric, target, "
    "updated_at) VALUES ('T1', :period, {scope_value}:user_id, :team, 'revenue', 5, "
    "'2026-11-26 00:00:00')"
)


def _insert(conn, *, period="2026-11", user_id=None, team=None, scope=None):  # type: ignore[no-untyped-def]
    sql = TARGET.format(scope="scope, " if scope else "", scope_value=":scope, " if scope else "")
    params = {"period": period, "user_id": user_id, "team": team, "scope": scope}
    conn.execute(text(sql), params)


def test_targets_survive_and_stay_unique_without_scope(empty_db):
    db = empty_db
    migrate(db, "upgrade", "0005")
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (id, team_id, slack_id, name, role, source, is_bot, "
                "created_at, updated_at) VALUES (1, 'T1', 'UA', 'A', 'rep', 'org', false, "
                "'2026-11-26 00:00:00', '2026-11-26 00:00:00')"
            )
        )
        _insert(conn, user_id=1, scope="user:1")
        _insert(conn, team="east", scope="team:east")
    migrate(db, "upgrade", "head")
    with db.engine.begin() as conn:
        rows = conn.execute(text("SELECT user_id, sales_team FROM kpi_targets ORDER BY id"))
        assert rows.all() == [(1, None), (None, "east")]
        _insert(conn, period="2026-12", user_id=1)  # another period: fine
        _insert(conn, period="2026-11", team="west")  # another team: fine
    refused = [
        {"user_id": 1},  # the person's target again
        {"team": "east"},  # the team's target again
        {"user_id": 1, "team": "east"},  # for whom? both
        {},  # for whom? nobody
    ]
    for row in refused:
        with pytest.raises(IntegrityError), db.engine.begin() as conn:
            _insert(conn, **row)

    migrate(db, "downgrade", "0005")
    with db.engine.begin() as conn:
        rows = conn.execute(text("SELECT period, scope FROM kpi_targets ORDER BY id")).all()
    assert rows == [
        ("2026-11", "user:1"),
        ("2026-11", "team:east"),
        ("2026-12", "user:1"),
        ("2026-11", "team:west"),
    ]
    with pytest.raises(IntegrityError), db.engine.begin() as conn:
        _insert(conn, user_id=1, scope="user:1")
    migrate(db, "upgrade", "head")
