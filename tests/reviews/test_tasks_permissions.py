"""Who must NOT see: a peer never sees the reviewed rep's numbers in the review form; only HR
and admins see a cycle's completion by team."""

from __future__ import annotations

import pytest

from bot.permissions.reviews import can_see_cycle_status, may_do, shows_scorecard_in_review
from storage.models.core import User
from storage.models.reviews import ReviewTask


def _task(role: str) -> ReviewTask:
    return ReviewTask(team_id="T", cycle_id=1, subject_id=1, reviewer_id=2, role=role)


def test_the_scorecard_is_shown_to_self_and_current_manager_reviews_only(db, org):
    p = org.standard()
    alice, bob, mgr, west = p["alice"], p["bob"], p["east_mgr"], p["west_mgr"]

    def shown(viewer: User, role: str) -> bool:
        task = ReviewTask(
            team_id="T0001", cycle_id=1, subject_id=alice.id, reviewer_id=viewer.id, role=role
        )
        with db.session() as s:
            return shows_scorecard_in_review(s, viewer, task, alice)

    assert shown(alice, "self") and shown(mgr, "manager")
    assert not shown(bob, "peer")  # a rep never sees another rep's numbers
    assert not shown(alice, "nominate")
    assert not shown(bob, "self")  # a forged self task about someone else
    assert not shown(west, "manager")  # not (or no longer) in Alice's manager chain


@pytest.mark.parametrize(
    ("role", "allowed"), [("rep", False), ("manager", False), ("hr", True), ("admin", True)]
)
def test_cycle_status_is_for_hr_and_admins(role, allowed):
    user = User(team_id="T", slack_id="U1", name="x", role=role)
    assert can_see_cycle_status(user) is allowed


def test_only_the_reviewer_may_do_a_task():
    task = _task("manager")
    assert may_do(User(id=2, team_id="T", slack_id="U2", name="m", role="manager"), task)
    for other in (1, 3):  # the reviewed rep, anyone else (HR included)
        assert not may_do(User(id=other, team_id="T", slack_id="U", name="o", role="hr"), task)
