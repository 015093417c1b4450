"""+1 on a public suggestion: one vote per person whatever the clicks (the unique constraint,
INSERT … ON CONFLICT DO NOTHING, the counter bumped only when a row went in), ten people at
once count ten, the post shows the count; the author, bots and deactivated people can't vote.
Threads, both databases."""

from __future__ import annotations

import pytest

from storage.models.core import User
from tests.improvement.suggest_support import (
    CHANNEL,
    NOW,
    VOTE,
    at_once,
    submit_form,
    suggest_config,
    suggestions,
    updates,
    votes,
    wait_post,
)
from tests.support.feedback import button_value, dump, reply_text

THREADS = 6


@pytest.fixture
def config():
    return suggest_config()


@pytest.fixture
def post(slack, fake, org, deps):
    deps.clock = lambda: NOW
    org.standard()
    submit_form(slack, fake, "UALICE", text="Demo day every Friday", share=True)
    return wait_post(fake)


def press(slack, user: str, value: str):
    container = {"type": "message", "channel_id": CHANNEL, "message_ts": "9.0"}
    return lambda: slack.block_action(user, VOTE, value, channel_id=CHANNEL, container=container)


def test_parallel_clicks_by_one_person_vote_once(slack, fake, db, post, inflight):
    value = button_value(post, VOTE)
    at_once(*(press(slack, "UBOB", value) for _ in range(THREADS)))
    assert inflight.wait_idle(20)
    assert len(votes(db)) == 1 and suggestions(db)[0].votes == 1
    told = [c for c in fake.ephemerals("UBOB") if "already voted" in dump([c])]
    assert len(told) == THREADS - 1
    assert "+1 (1)" in dump(updates(fake, CHANNEL))
    # and again later: told, nothing counted
    press(slack, "UBOB", value)()
    assert reply_text(fake, "UBOB", THREADS)
    assert inflight.wait_idle()
    assert suggestions(db)[0].votes == 1


def test_ten_people_at_once_count_ten(slack, fake, db, org, post, inflight):
    value = button_value(post, VOTE)
    voters = [f"UV{i}" for i in range(10)]
    for slack_id in voters:
        org.person(slack_id, f"Voter {slack_id}", handle=slack_id.lower())
    at_once(*(press(slack, user, value) for user in voters))
    assert inflight.wait_idle(20)
    assert len(votes(db)) == 10 and suggestions(db)[0].votes == 10
    assert "+1 (10)" in dump(updates(fake, CHANNEL))  # the last one's update saw all ten
    assert fake.ephemerals() == [c for c in fake.ephemerals() if c.params.get("user") == "UALICE"]


def test_the_author_bots_and_deactivated_people_cant_vote(slack, fake, db, org, post, inflight):
    value = button_value(post, VOTE)
    press(slack, "UALICE", value)()
    assert "your own suggestion" in reply_text(fake, "UALICE")
    gone = org.person("UGONE", "Gone Person", handle="gone")
    with db.session() as s:
        row = s.get(User, gone.id)
        row.deactivated = True
        s.add(row)
    press(slack, "UGONE", value)()
    assert "Only active people" in reply_text(fake, "UGONE")
    assert inflight.wait_idle()
    assert votes(db) == [] and suggestions(db)[0].votes == 0
    assert updates(fake, CHANNEL) == []


def test_a_private_suggestion_has_no_vote(slack, fake, db, post, inflight):
    slack.command("UBOB", "/suggest", "Private idea")
    reply_text(fake, "UBOB")
    press(slack, "UXW", "2")()  # a forged click on a suggestion nobody posted
    assert "不存在" in reply_text(fake, "UXW")
    assert inflight.wait_idle()
    assert votes(db) == []
