"""The suggestion box's access rules (bot/permissions/improvement.py): who sees an author,
who decides, who may +1 what."""

from __future__ import annotations

from bot.permissions import improvement as rules
from storage.models.core import User
from storage.models.improvement import Suggestion


def person(id_: int, role: str = "rep", **extra: object) -> User:
    return User(id=id_, team_id="T", slack_id=f"U{id_}", name=f"P{id_}", role=role, **extra)


REP, OTHER, HR, ADMIN = person(1), person(2), person(3, "hr"), person(4, "admin")


def suggestion(**extra: object) -> Suggestion:
    return Suggestion(id=1, team_id="T", author_id=REP.id, text="x", **extra)


def test_an_anonymous_author_is_seen_by_the_author_only():
    s = suggestion(anonymous=True)
    assert rules.sees_author(REP, s)
    assert not any(rules.sees_author(u, s) for u in (OTHER, HR, ADMIN))
    assert not rules.shown_in_channel(s)
    named = suggestion()
    assert rules.sees_author(HR, named) and rules.shown_in_channel(named)
    assert not rules.sees_author(OTHER, named)  # not public: HR's only
    assert rules.sees_author(OTHER, suggestion(public=True))


def test_hr_and_admins_decide_nobody_else():
    assert rules.handles_suggestions(HR) and rules.handles_suggestions(ADMIN)
    assert not rules.handles_suggestions(REP)
    assert not rules.handles_suggestions(person(5, "hr", deactivated=True))


def test_votes_on_public_suggestions_by_active_people_but_the_author():
    public = suggestion(public=True)
    assert rules.can_vote_on(OTHER, public) and rules.can_vote_on(HR, public)
    assert not rules.can_vote_on(REP, public)  # the author's own
    assert not rules.can_vote_on(OTHER, suggestion())  # not public
    assert not rules.can_vote_on(person(6, is_bot=True), public)
    assert not rules.can_vote_on(person(7, deactivated=True), public)
