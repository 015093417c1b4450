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


def _people_and_a_held_answer(db, *, stored_held_for: int | None) -> None:  # type: ignore[no-untyped-def]
    """At 0005: bob (1), his manager (2), a peer (3); the manager asked the peer about bob,
    the peer answered (feedback 1, held_for_id as given); bob also got plain feedback (2)."""
    migrate(db, "upgrade", "0005")
    with db.engine.begin() as conn:
        for user_id, slack_id in ((1, "UBOB"), (2, "UMGR"), (3, "UPEER")):
            conn.execute(
                text(
                    "INSERT INTO users (id, team_id, slack_id, name, role, source, is_bot, "
                    "created_at, updated_at) VALUES (:id, 'T1', :slack_id, :slack_id, 'rep', "
                    "'org', false, '2026-11-26 00:00:00', '2026-11-26 00:00:00')"
                ),
                {"id": user_id, "slack_id": slack_id},
            )
        conn.execute(
            text(
                "INSERT INTO feedback_requests (id, team_id, requester_id, subject_id, "
                "created_at) VALUES (1, 'T1', 2, 1, '2026-11-26 00:00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO feedback_asks (id, team_id, request_id, peer_id, status, "
                "created_at) VALUES (1, 'T1', 1, 3, 'answered', '2026-11-26 00:00:00')"
            )
        )
        for fb_id, ask_id, held_for in ((1, 1, stored_held_for), (2, None, None)):
            conn.execute(
                text(
                    "INSERT INTO feedback (id, team_id, giver_id, recipient_id, kind, "
                    "visibility, message, ask_id, held_for_id, created_at) VALUES (:id, 'T1', "
                    "3, 1, 'correction', 'private', 'x', :ask, :held, '2026-11-26 00:00:00')"
                ),
                {"id": fb_id, "ask": ask_id, "held": held_for},
            )


def test_held_for_is_derived_from_the_request_and_restored_on_downgrade(empty_db):
    from sqlmodel import Session, select

    from storage.models.feedback import Feedback

    db = empty_db
    _people_and_a_held_answer(db, stored_held_for=2)
    migrate(db, "upgrade", "head")
    with Session(db.engine) as s:
        held = {fb.id: fb.held_for_id for fb in s.exec(select(Feedback))}
        assert held == {1: 2, 2: None}
        assert s.exec(select(Feedback.id).where(Feedback.held_for_id == 2)).all() == [1]
    migrate(db, "downgrade", "0005")
    with db.engine.begin() as conn:
        rows = conn.execute(text("SELECT id, held_for_id FROM feedback ORDER BY id")).all()
    assert rows == [(1, 2), (2, None)]


def test_upgrade_refuses_to_drop_a_held_for_the_request_does_not_give(empty_db):
    db = empty_db
    _people_and_a_held_answer(db, stored_held_for=None)  # stored: not held; derived: held
    with pytest.raises(RuntimeError, match="held_for_id their ask's request doesn't give"):
        migrate(db, "upgrade", "head")
