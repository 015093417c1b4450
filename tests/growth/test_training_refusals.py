"""Who must not approve, decline, schedule or complete, and requests that are refused: each
refusal answers the clicker alone and changes nothing (the row as it was, nobody DM'd)."""

from __future__ import annotations

import pytest

from bot.growth import training_form_views as form_views
from bot.growth import training_views as views
from tests.growth.training_support import (
    NOW,
    PEOPLE,
    click,
    requests,
    snapshot,
    training_config,
    wait_dm,
)
from tests.support.feedback import dump, opened_view, reply_text


@pytest.fixture
def config():
    return training_config()


@pytest.fixture
def people(org, deps):
    deps.clock = lambda: NOW
    return org.standard()


def dms(fake) -> dict[str, int]:
    return {user: len(fake.dms_to(user)) for user in PEOPLE}


def refused(slack, fake, inflight, db, user: str, action: str, card, words: str) -> None:
    """`user` presses `action` on `card`: told `words` ephemerally, nothing else happens."""
    before, sent = snapshot(db), dms(fake)
    n = len(fake.ephemerals(user))
    click(slack, user, action, card)
    assert fake.wait_for(lambda: len(fake.ephemerals(user)) > n), dump(fake.calls)
    assert words in dump(fake.ephemerals(user)[n:])
    assert inflight.wait_idle(20)
    assert snapshot(db) == before and dms(fake) == sent
    assert fake.views("open") == []


def test_rep_without_a_manager_is_told_what_to_do(slack, fake, db, org, people, inflight):
    org.person("ULONE", "Lone Wolf", team="east")
    slack.command("ULONE", "/training", "negotiation")
    assert "no manager in the org directory" in reply_text(fake, "ULONE")
    assert inflight.wait_idle(20)
    assert requests(db) == [] and fake.dms_to("ULONE") == []
    assert all(fake.dms_to(u) == [] for u in PEOPLE)


def test_rep_without_a_manager_is_refused_in_chinese_too(slack, fake, db, org, people, inflight):
    org.person("ULONE", "孤狼", team="east", locale="zh-CN", handle="孤狼")
    slack.command("ULONE", "/training", "谈判与成交")
    assert "组织架构中没有你的经理" in reply_text(fake, "ULONE")
    assert requests(db) == []


def test_nobody_outside_the_chain_approves_or_declines(slack, fake, db, people, inflight):
    slack.command("UALICE", "/training", "negotiation")
    ask = wait_dm(fake, "UEMGR")
    assert inflight.wait_idle(20)
    for user in ("UWMGR", "UBOB", "UHR", "UALICE", "UCAROL"):
        refused(slack, fake, inflight, db, user, views.APPROVE, ask, "manager chain")
        refused(slack, fake, inflight, db, user, views.DECLINE, ask, "manager chain")
    # the director is in alice's chain: their approval counts
    click(slack, "UDIR", views.APPROVE, ask)
    assert fake.wait_for(lambda: requests(db)[0].status == "approved")
    assert "approved by <@UDIR>" in dump([wait_dm(fake, "UALICE")])


def test_only_hr_schedules_or_completes(slack, fake, db, people, inflight):
    slack.command("UALICE", "/training", "negotiation")
    click(slack, "UEMGR", views.APPROVE, wait_dm(fake, "UEMGR"))
    hr_card = wait_dm(fake, "UHR")
    wait_dm(fake, "UALICE")
    assert inflight.wait_idle(20)
    for user in ("UALICE", "UEMGR", "UDIR", "UBOB"):
        refused(slack, fake, inflight, db, user, views.SCHEDULE, hr_card, "Only HR")
        refused(slack, fake, inflight, db, user, views.COMPLETE, hr_card, "Only HR")
    assert requests(db)[0].status == "approved"


def test_the_same_course_twice_is_refused_naming_it(slack, fake, db, people, inflight):
    slack.command("UALICE", "/training", "negotiation")
    wait_dm(fake, "UEMGR")
    assert reply_text(fake, "UALICE")
    slack.command("UALICE", "/training", "NEGOTIATION AND CLOSING")
    refusal = reply_text(fake, "UALICE", 2)
    assert "already requested *Negotiation and closing* on Nov 26, 2026" in refusal
    assert "waiting for approval" in refusal
    assert inflight.wait_idle(20)
    assert len(requests(db)) == 1 and len(fake.dms_to("UEMGR")) == 1


def test_declined_course_may_be_asked_again(slack, fake, db, people, inflight):
    slack.command("UBOB", "/training", "prospecting")
    click(slack, "UEMGR", views.DECLINE, wait_dm(fake, "UEMGR"))
    view = opened_view(fake)
    reason = {form_views.B_REASON: {"value": {"type": "plain_text_input", "value": "not now"}}}
    slack.view_submission("UEMGR", view, reason)
    assert fake.wait_for(lambda: requests(db)[0].status == "declined")
    slack.command("UBOB", "/training", "prospecting")
    assert fake.wait_for(lambda: len(requests(db)) == 2)


def test_a_rep_cannot_cancel_someone_elses_request(slack, fake, db, people, inflight):
    slack.command("UALICE", "/training", "negotiation")
    wait_dm(fake, "UEMGR")
    [req] = requests(db)
    before = snapshot(db)
    slack.block_action("UBOB", views.CANCEL, str(req.id))
    assert fake.wait_for(lambda: "Only the person who made" in dump(fake.ephemerals("UBOB")))
    assert inflight.wait_idle(20) and snapshot(db) == before
