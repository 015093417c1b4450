"""A suggestion's whole life through the real endpoint: the form and the command, HR's card
(a DM each), Acknowledge, Planned and Declined with their reply, the author told each change
with the reply, later clicks told who acted, non-HR refused; lists, help and both languages."""

from __future__ import annotations

import pytest

from bot.improvement import suggestion_views as views
from tests.improvement.suggest_support import (
    ACK,
    CHANNEL,
    DECLINE,
    NOW,
    PLAN,
    click,
    decide,
    submit_form,
    suggest_config,
    suggestions,
    updates,
    wait_dm,
    wait_post,
)
from tests.support.feedback import dump, reply_text
from tests.support.slack import all_text


@pytest.fixture
def config():
    return suggest_config()


@pytest.fixture
def people(org, deps):
    deps.clock = lambda: NOW
    return org.standard()


def test_a_suggestions_life_every_status_told_to_its_author(slack, fake, db, people, inflight):
    idea = "Make the weekly pipeline review 30 minutes"
    assert submit_form(slack, fake, "UALICE", text=idea, topic="process", share=True) is None
    card = wait_dm(fake, "UHR")
    assert idea in dump([card]) and "<@UALICE>" in dump([card]) and "Process" in dump([card])
    post = wait_post(fake)
    posted_ts = post.response["ts"]
    assert idea in dump([post]) and "+1 (0)" in dump([post])
    assert "colleagues can +1" in dump([wait_dm(fake, "UALICE")])  # the confirmation
    [s] = suggestions(db)
    assert (s.topic, s.status, s.public, s.anonymous) == ("process", "open", True, False)

    click(slack, "UHR", ACK, card)
    told = wait_dm(fake, "UALICE", 2)
    assert "acknowledged your suggestion" in dump([told]) and "<@UHR>" in dump([told])
    assert suggestions(db)[0].status == "acknowledged"
    assert fake.wait_for(lambda: len(updates(fake, card.params["channel"])) == 1)
    assert views.ACKNOWLEDGE not in dump(updates(fake, card.params["channel"])[-1:])

    decide(slack, fake, "UHR", PLAN, card, "We try it in December")
    told = wait_dm(fake, "UALICE", 3)
    assert "planned your suggestion" in dump([told]) and "We try it in December" in dump([told])
    s = suggestions(db)[0]
    assert (s.status, s.reply, s.decided_by_id) == (
        "planned",
        "We try it in December",
        people["hr"].id,
    )
    # the public post shows the new status; the clicked card has no button left
    assert fake.wait_for(lambda: "Planned by <@UHR>" in dump(updates(fake, CHANNEL)))
    assert fake.wait_for(lambda: len(updates(fake, card.params["channel"])) == 2)
    assert "actions" not in dump(updates(fake, card.params["channel"])[-1:])
    assert (suggestions(db)[0].channel, suggestions(db)[0].ts) == (CHANNEL, posted_ts)

    # a later click on the stale card is told who acted, and changes nothing
    inflight.wait_idle()
    click(slack, "UHR", ACK, card)
    assert "Nothing changed: Planned by <@UHR>" in reply_text(fake, "UHR")
    assert inflight.wait_idle()
    assert suggestions(db)[0].status == "planned" and len(fake.dms_to("UALICE")) == 3

    # declined, from the command, with its reply
    slack.command("UBOB", "/suggest", "Quarterly offsite in Hangzhou")
    assert "HR has your suggestion" in reply_text(fake, "UBOB")
    card = wait_dm(fake, "UHR", 2)
    decide(slack, fake, "UHR", DECLINE, card, "Not this quarter, sorry")
    told = wait_dm(fake, "UBOB")
    assert "declined your suggestion" in dump([told]) and "Not this quarter" in dump([told])
    second = suggestions(db)[1]
    assert (second.topic, second.status, second.public) == ("other", "declined", False)
    assert len(fake.messages(CHANNEL)) == 1  # not shared: not posted


def test_acknowledged_then_declined_and_double_clicks_act_once(slack, fake, db, people, inflight):
    slack.command("UALICE", "/suggest", "Shorter forms")
    card = wait_dm(fake, "UHR")
    click(slack, "UHR", ACK, card)
    click(slack, "UHR", ACK, card)
    assert inflight.wait_idle()
    assert len(fake.dms_to("UALICE")) == 1
    assert "Nothing changed: Acknowledged by <@UHR>" in reply_text(fake, "UHR")
    decide(slack, fake, "UHR", DECLINE, card, "No budget")
    wait_dm(fake, "UALICE", 2)
    assert suggestions(db)[0].status == "declined"


def test_refusals_change_nothing(slack, fake, db, people, inflight):
    slack.command("UALICE", "/suggest", "Free coffee")
    card = wait_dm(fake, "UHR")
    reply_text(fake, "UALICE")
    click(slack, "UBOB", ACK, card)  # not HR
    assert "Only HR can" in reply_text(fake, "UBOB")
    click(slack, "UEMGR", PLAN, card)
    assert "Only HR can" in reply_text(fake, "UEMGR")
    assert inflight.wait_idle()
    assert suggestions(db)[0].status == "open" and fake.views("open") == []
    # an empty reply is refused under the field
    resp = decide(slack, fake, "UHR", PLAN, card, "   ")
    assert resp["response_action"] == "errors" and "short reply" in dump([resp])
    # anonymous and shared at once: refused under the share box, nothing written
    resp = submit_form(slack, fake, "UBOB", text="x", anonymous=True, share=True)
    assert "can't be shared" in resp["errors"]["sg_share"]
    resp = submit_form(slack, fake, "UBOB", text="  ")
    assert "sg_text" in resp["errors"]
    slack.command("UBOB", "/suggest", "x" * 3001)
    assert "at most 3000 characters" in reply_text(fake, "UBOB", 2)
    assert inflight.wait_idle()
    assert [s.status for s in suggestions(db)] == ["open"] and len(fake.dms_to("UHR")) == 1


def test_the_form_says_what_anonymous_means(slack, fake, people):
    slack.command("UALICE", "/suggest", "new")
    assert fake.wait_for(lambda: fake.views("open"))
    view = dump(fake.views("open"))
    assert "HR will not see your name anywhere; SalesPulse keeps it only to tell you" in view
    slack.command("UXW", "/suggest", "建议")
    assert fake.wait_for(lambda: len(fake.views("open")) == 2)
    assert "HR 在任何地方都看不到你的名字" in dump(fake.views("open")[1:])


def test_lists_sorted_by_votes_then_age_and_help(slack, fake, db, people, inflight):
    for n, text in enumerate(("first idea", "second idea", "third idea"), start=1):
        slack.command("UALICE", "/suggest", text)
        reply_text(fake, "UALICE", n)
    with db.session() as s:
        from storage.models.improvement import Suggestion

        rows = s.exec(__import__("sqlmodel").select(Suggestion)).all()
        for row in rows:
            row.votes = {"second idea": 3, "third idea": 3}.get(row.text, 1)
            s.add(row)
    slack.command("UHR", "/suggest", "list")
    hr = reply_text(fake, "UHR")
    assert hr.index("second idea") < hr.index("third idea") < hr.index("first idea")
    assert "Open suggestions (3)" in hr and "<@UALICE>" in hr
    slack.command("UALICE", "/suggest", "list")
    mine = reply_text(fake, "UALICE", 4)
    assert "Your suggestions (3)" in mine and "Open suggestions" not in mine
    slack.command("UBOB", "/suggest", "help")
    assert "Suggestion box" in reply_text(fake, "UBOB")


def test_chinese_author_and_hr(slack, fake, db, org, deps, inflight):
    deps.clock = lambda: NOW
    people = org.standard()
    org.person("UHRZH", "李 HR", team=None, role="hr", locale="zh-CN", handle="李")
    slack.command("UXW", "/suggest", "列表")
    assert "你还没有提出过建议" in reply_text(fake, "UXW")
    slack.command("UXW", "/suggest", "希望每月有一次客户案例分享")
    assert "HR 已收到你的建议" in reply_text(fake, "UXW", 2)
    card = wait_dm(fake, "UHRZH")
    assert "新建议" in all_text(card.params) and "其他" in all_text(card.params)
    assert "New suggestion" in all_text(wait_dm(fake, "UHR").params)
    decide(slack, fake, "UHRZH", PLAN, card, "下个月开始")
    told = all_text(wait_dm(fake, "UXW").params)
    assert "已将你的建议列入计划" in told and "下个月开始" in told
    assert people["xiaowang"].id == suggestions(db)[0].author_id
    slack.command("UXW", "/suggest", "帮助")
    assert "建议箱" in reply_text(fake, "UXW", 3)
