"""Requested feedback tells the truth: the answer form says who sees the answer now and later
and whether the answerer's name goes with it; the answerer chooses (a checkbox) whether the
manager may share it with their name, without it the rep sees "a colleague" everywhere; the
answerer is told when it is shared; an expired request tells the requester who did not answer.
All through signed requests to the real endpoint, in both languages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from bot.core.config import AppConfig
from bot.features import find_job
from bot.feedback import views
from storage.models.feedback import Feedback
from tests.feedback.test_once_only import at_once
from tests.support.feedback import (
    CONFIG,
    PEOPLE,
    button_value,
    dump,
    home_of,
    modal_values,
    opened_view,
    reply_text,
    seen_by,
)

T0 = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)

FORM_FOR_EN = (
    "<@UEMGR> asked for your feedback about <@UBOB>.\n"
    "• Now: only <@UEMGR> sees your answer, with your name.\n"
    "• Later: <@UEMGR> may share it with <@UBOB>, with your name if you tick the box below,"
    " otherwise as from “a colleague”. You'll be told when it is shared.\n"
    "• Nobody else sees it: not <@UBOB>'s other managers, not HR.\n"
    "*Topic:* teamwork"
)
FORM_FOR_ZH = (
    "<@UEMGR> 请你就 <@UBOB> 给予反馈。\n"
    "• 现在：只有 <@UEMGR> 能看到你的回答和你的名字。\n"
    "• 以后：<@UEMGR> 可能把它分享给 <@UBOB>；勾选下方选项才附上你的名字，"
    "否则显示为「一位同事」。分享时会通知你。\n"
    "• 其他人都看不到：包括 <@UBOB> 的其他上级和人力资源部门。\n"
    "*主题：* teamwork"
)
FORM_SELF_EN = (
    "<@UXW> asked for your feedback. <@UXW> will see your answer with your name;"
    " “Who can see it” below decides who else does."
)
FORM_SELF_ZH = "<@UALICE> 请你给予反馈。<@UALICE> 会看到你的回答和你的名字；下方的「可见范围」决定还有谁能看到。"


@pytest.fixture
def config() -> AppConfig:
    return AppConfig.model_validate(CONFIG)


@pytest.fixture
def clock(deps):
    now = {"t": T0}
    deps.clock = lambda: now["t"]
    return now


def dms(fake, user: str, n: int) -> list:
    assert fake.wait_for(lambda: len(fake.dms_to(user)) >= n), fake.calls
    return fake.dms_to(user)


def open_answer_form(slack, fake, peer: str, requester: str = "") -> dict:
    """Press Give feedback on the peer's latest ask (from `requester`, when given)."""
    asks = [c for c in fake.dms_to(peer) if views.ANSWER in dump([c]) and requester in dump([c])]
    n = len(fake.views("open")) + 1
    value = button_value(asks[-1], views.ANSWER)
    slack.block_action(peer, views.ANSWER, value, channel_id="D" + peer)
    return opened_view(fake, n)


def submit(slack, view: dict, peer: str, **values) -> None:
    resp = slack.view_submission(peer, view, modal_values(visibility=None, **values))
    assert resp.status_code == 200 and not resp.content


def share(slack, fake, manager: str, held):
    container = {"type": "message", "channel_id": "D" + manager, "message_ts": held.response["ts"]}
    fb_id = button_value(held, views.SHARE)
    return slack.block_action(
        manager, views.SHARE, fb_id, container=container, channel_id="D" + manager
    )


@pytest.mark.parametrize(("peer", "expected"), [("UALICE", FORM_FOR_EN), ("UXW", FORM_FOR_ZH)])
def test_answer_form_for_a_managers_request_says_who_sees_it_now_and_later(
    slack, fake, org, peer, expected
):
    org.standard()
    slack.command("UEMGR", "/feedback", f"request <@{peer}> for <@UBOB> about teamwork")
    dms(fake, peer, 1)
    view = open_answer_form(slack, fake, peer)
    assert view["blocks"][0]["text"]["text"] == expected
    [box] = [b for b in view["blocks"] if b.get("block_id") == views.B_SHARE_NAME]
    option = box["element"]["options"][0]
    zh = peer == "UXW"
    assert box["optional"] is True and "initial_options" not in box["element"]  # unticked
    assert option["text"]["text"] == (
        "允许 <@UEMGR> 分享给 <@UBOB> 时附上我的名字"
        if zh
        else "<@UEMGR> may share it with <@UBOB> with my name"
    )
    assert box["label"]["text"] == ("署名" if zh else "Your name")
    assert views.B_VISIBILITY not in dump([view])


@pytest.mark.parametrize(
    ("requester", "peer", "expected"),
    [("UXW", "UBOB", FORM_SELF_EN), ("UALICE", "UXW", FORM_SELF_ZH)],
)
def test_answer_form_for_a_request_about_oneself(slack, fake, org, requester, peer, expected):
    org.standard()
    slack.command(requester, "/feedback", f"request <@{peer}>")
    dms(fake, peer, 1)
    view = open_answer_form(slack, fake, peer)
    assert view["blocks"][0]["text"]["text"] == expected
    assert views.B_SHARE_NAME not in dump([view]) and views.B_VISIBILITY in dump([view])


def test_shared_without_consent_the_rep_sees_a_colleague_and_the_answerer_is_told(
    slack, fake, org, db, clock, inflight
):
    org.standard()
    slack.command("UEMGR", "/feedback", "request <@UALICE> <@UCAROL> for <@UBOB> about teamwork")
    dms(fake, "UALICE", 1)
    view = open_answer_form(slack, fake, "UALICE")
    submit(slack, view, "UALICE", kind="correction", text="ANON-1", share_name=False)
    assert dms(fake, "UALICE", 2)[1].params["text"] == (
        ":white_check_mark: Your Correction about <@UBOB> was delivered to the manager who asked"
        " for it. If they share it, <@UBOB> will see it as from “a colleague”, without your name."
    )
    [held] = dms(fake, "UEMGR", 1)
    assert "from <@UALICE>" in dump([held])  # the manager who asked sees who answered
    assert (
        "Only you can see this. <@UBOB> sees it only if you share it, and then as from"
        " “a colleague”: <@UALICE> did not agree to be named." in dump([held])
    )
    with db.session() as s:
        [fb] = s.exec(select(Feedback)).all()
        assert fb.share_name is False and fb.held_for_id is not None
    # A double click on Share, both presses at once: one DM to bob, one notice to alice.
    at_once(*(lambda: share(slack, fake, "UEMGR", held) for _ in range(2)))
    [bob_dm] = dms(fake, "UBOB", 1)
    assert bob_dm.params["text"] == ":wrench: *Correction* from a colleague\nANON-1"
    notice = dms(fake, "UALICE", 3)[2]
    assert notice.params["text"] == (
        ":information_source: <@UEMGR> shared your Correction about <@UBOB> with them,"
        " without your name: they see it as from “a colleague”."
    )
    assert fake.wait_for(lambda: len(fake.calls_to("chat.update")) == 2)
    assert "Shared with <@UBOB> as from “a colleague” (<@UALICE> did not agree to be named)." in (
        dump(fake.calls_to("chat.update"))
    )
    # Bob thanks: his DM says "the colleague", never alice's name.
    slack.block_action(
        "UBOB",
        views.THANKS,
        button_value(bob_dm, views.THANKS),
        container={"type": "message", "channel_id": "DUBOB", "message_ts": bob_dm.response["ts"]},
        channel_id="DUBOB",
    )
    assert fake.wait_for(lambda: len(fake.calls_to("chat.update")) == 3)
    assert "You thanked the colleague who wrote this" in dump(fake.calls_to("chat.update")[-1:])
    assert "said thanks for your Correction" in dump(dms(fake, "UALICE", 4)[3:])
    home = home_of(slack, fake, "UBOB")
    assert "ANON-1" in home and "from a colleague" in home
    slack.command("UBOB", "/feedback", "list")
    listed = reply_text(fake, "UBOB")
    assert "ANON-1" in listed and "from a colleague" in listed
    assert inflight.wait_idle()  # every listener has finished: nothing more comes
    assert len(fake.dms_to("UBOB")) == 1 and len(fake.dms_to("UALICE")) == 4
    assert "UALICE" not in seen_by(fake, "UBOB")  # the rep never learns who wrote it
    # Nobody else reads it, so nobody else learns who wrote it: not the other peer asked
    # (carol), bob's peers, another team's manager, HR, nor the director above the manager.
    for user in PEOPLE:
        if user not in ("UEMGR", "UALICE", "UBOB"):
            assert "ANON-1" not in seen_by(fake, user), user
    for user in ("UDIR", "UCAROL", "UHR"):
        assert "ANON-1" not in home_of(slack, fake, user), user


def test_shared_without_consent_in_chinese_for_a_chinese_rep(slack, fake, org, clock):
    org.standard()
    slack.command("UEMGR", "/feedback", "request <@UALICE> for <@UXW>")
    dms(fake, "UALICE", 1)
    view = open_answer_form(slack, fake, "UALICE")
    submit(slack, view, "UALICE", kind="suggestion", text="ANON-ZH", share_name=False)
    share(slack, fake, "UEMGR", dms(fake, "UEMGR", 1)[0])
    [dm] = dms(fake, "UXW", 1)
    assert dm.params["text"] == ":bulb: 来自一位同事的 *建议*\nANON-ZH"
    home = home_of(slack, fake, "UXW")
    assert "来自一位同事" in home and "UALICE" not in home
    slack.command("UXW", "/feedback", "列表")
    assert "来自一位同事" in reply_text(fake, "UXW")
    assert "UALICE" not in seen_by(fake, "UXW")


def test_shared_with_consent_names_the_answerer_and_tells_them_in_chinese(
    slack, fake, org, db, clock, inflight
):
    org.standard()
    slack.command("UEMGR", "/feedback", "request <@UXW> for <@UBOB>")
    dms(fake, "UXW", 1)
    view = open_answer_form(slack, fake, "UXW")
    submit(slack, view, "UXW", kind="praise", text="NAMED-1", share_name=True)
    assert dms(fake, "UXW", 2)[1].params["text"] == (
        ":white_check_mark: 你关于 <@UBOB> 的表扬已发送给提出请求的经理。"
        "如果经理分享，<@UBOB> 会看到你的名字。"
    )
    [held] = dms(fake, "UEMGR", 1)
    assert "<@UXW> agreed that their name goes with it." in dump([held])
    share(slack, fake, "UEMGR", held)
    [dm] = dms(fake, "UBOB", 1)
    assert dm.params["text"] == ":star2: *Praise* from <@UXW>\nNAMED-1"
    assert dms(fake, "UXW", 3)[2].params["text"] == (
        ":information_source: <@UEMGR> 已把你关于 <@UBOB> 的表扬分享给对方，并按你的同意附上了你的名字。"
    )
    assert "from <@UXW>" in home_of(slack, fake, "UBOB")
    with db.session() as s:
        [fb] = s.exec(select(Feedback)).all()
        assert fb.share_name is True and fb.shared_at is not None
    assert inflight.wait_idle()
    for user in PEOPLE:
        if user not in ("UEMGR", "UXW", "UBOB"):
            assert "NAMED-1" not in seen_by(fake, user), user


def test_expired_request_tells_the_requester_who_did_not_answer(
    slack, fake, org, deps, clock, inflight
):
    org.standard()
    slack.command("UALICE", "/feedback", "request <@UBOB> <@UXW> <@UCAROL> about onboarding")
    slack.command("UXW", "/feedback", "request <@UALICE>")  # a zh requester, nobody answers
    slack.command("UEMGR", "/feedback", "request <@UBOB> for <@UXW> about pipeline")  # no answer
    slack.command("UDIR", "/feedback", "request <@UCAROL> for <@UBOB>")  # everyone answers
    for peer, n in (("UBOB", 2), ("UXW", 1), ("UCAROL", 2), ("UALICE", 1)):
        dms(fake, peer, n)
    clock["t"] = T0 + timedelta(days=1)
    submit(slack, open_answer_form(slack, fake, "UXW"), "UXW", kind="praise", text="好")
    view = open_answer_form(slack, fake, "UCAROL", requester="UDIR")
    submit(slack, view, "UCAROL", kind="praise", text="fine", share_name=False)
    assert fake.wait_for(lambda: fake.dms_to("UDIR"))
    assert inflight.wait_idle()
    before = {u: len(fake.dms_to(u)) for u in PEOPLE}
    job = find_job("feedback-reminders")
    assert job.func(deps, T0 + timedelta(days=14)).startswith("reminded 0, expired 4")
    assert dms(fake, "UALICE", before["UALICE"] + 1)[-1].params["text"] == (
        ":hourglass: Your request for feedback has expired. Did not answer: <@UBOB>, <@UCAROL>."
        "\n*Topic:* onboarding"
    )
    assert dms(fake, "UXW", before["UXW"] + 1)[-1].params["text"] == (
        ":hourglass: 你的反馈请求已过期。未回复：<@UALICE>。"
    )
    assert dms(fake, "UEMGR", before["UEMGR"] + 1)[-1].params["text"] == (
        ":hourglass: Your request for feedback about <@UXW> has expired. Did not answer: <@UBOB>."
        "\n*Topic:* pipeline"
    )
    assert job.func(deps, T0 + timedelta(days=15)).startswith("reminded 0, expired 0")
    assert inflight.wait_idle()
    after = {u: len(fake.dms_to(u)) for u in PEOPLE}
    # Once each; nothing to the director whose request was fully answered, nor to the peers.
    assert {u: after[u] - before[u] for u in PEOPLE if after[u] != before[u]} == {
        "UALICE": 1,
        "UXW": 1,
        "UEMGR": 1,
    }
