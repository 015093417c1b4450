"""/feedback request: peers answer through a prefilled modal; the manager `for` variant holds
answers for the manager; reminders and expiry by the feedback-reminders job."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from bot.core.config import AppConfig
from bot.features import find_job
from bot.feedback import views
from storage.models.feedback import Feedback, FeedbackAsk, FeedbackRequest
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


@pytest.fixture
def config() -> AppConfig:
    return AppConfig.model_validate(CONFIG)


@pytest.fixture
def clock(deps):
    now = {"t": T0}
    deps.clock = lambda: now["t"]
    return now


def wait_dm(fake, user: str, n: int = 1):
    assert fake.wait_for(lambda: len(fake.dms_to(user)) >= n), fake.calls
    return fake.dms_to(user)[n - 1]


def answer(slack, fake, peer: str, ask_dm, n_view: int, **values):
    slack.block_action(
        peer, views.ANSWER, button_value(ask_dm, views.ANSWER), channel_id="D" + peer
    )
    view = opened_view(fake, n_view)
    resp = slack.view_submission(peer, view, modal_values(**values))
    assert resp.status_code == 200
    return view, resp


def test_peer_request_answer_goes_privately_to_the_requester(slack, fake, org, db, clock, inflight):
    org.standard()
    slack.command("UALICE", "/feedback", "request <@UBOB> @小王 about Q3 pitch deck")
    assert "Asked <@UBOB>, <@UXW> for feedback" in reply_text(fake, "UALICE")
    bob_ask, xw_ask = wait_dm(fake, "UBOB"), wait_dm(fake, "UXW")
    assert "<@UALICE> asked you for feedback" in dump([bob_ask]) and "Q3 pitch deck" in dump(
        [bob_ask]
    )
    assert "请你给予反馈" in dump([xw_ask]) and "给予反馈" in dump([xw_ask])
    # Open requests are listed with their age.
    clock["t"] = T0 + timedelta(days=2)
    assert "<@UALICE> asked for your feedback · 2 d ago" in home_of(slack, fake, "UBOB")
    assert "2 waiting, 0 answered · 2 d ago" in home_of(slack, fake, "UALICE")
    view, resp = answer(
        slack, fake, "UBOB", bob_ask, 1, kind="praise", visibility="private", text="clear story"
    )
    assert not resp.content
    assert "Q3 pitch deck" in dump([view]) and "fb_recipients" not in dump([view])
    dm = wait_dm(fake, "UALICE")
    assert "clear story" in dump([dm]) and "from <@UBOB>" in dump([dm])
    assert views.THANKS in dump([dm])
    assert inflight.wait_idle()  # every listener has finished: nothing more comes
    for user in PEOPLE:
        if user not in ("UALICE", "UBOB"):
            assert "clear story" not in seen_by(fake, user), user
    with db.session() as s:
        asks = {a.peer_id: a.status for a in s.exec(select(FeedbackAsk)).all()}
        assert sorted(asks.values()) == ["answered", "open"]
        [fb] = s.exec(select(Feedback)).all()
        assert fb.ask_id is not None and fb.held_for_id is None
    assert "1 waiting, 1 answered" in home_of(slack, fake, "UALICE")
    assert "asked for your feedback" not in home_of(slack, fake, "UBOB")
    # Pressing the old button again: already answered, nothing new.
    slack.block_action(
        "UBOB", views.ANSWER, button_value(bob_ask, views.ANSWER), channel_id="DUBOB"
    )
    assert "already answered" in reply_text(fake, "UBOB")
    assert len(fake.views("open")) == 1


def test_manager_for_request_holds_answers_until_shared(slack, fake, org, db, clock, inflight):
    org.standard()
    slack.command("UEMGR", "/feedback", "request <@UALICE> <@UCAROL> for <@UBOB> about teamwork")
    assert "about <@UBOB>" in reply_text(fake, "UEMGR")
    ask = wait_dm(fake, "UALICE")
    assert "about <@UBOB>" in dump([ask]) and "goes to <@UEMGR> alone" in dump([ask])
    assert fake.dms_to("UBOB") == []  # the rep isn't told who was asked
    view, _ = answer(
        slack, fake, "UALICE", ask, 1, kind="correction", visibility=None, text="HELD-1"
    )
    assert "fb_visibility" not in dump([view])  # private to the manager, no choice
    held = wait_dm(fake, "UEMGR")
    assert "HELD-1" in dump([held]) and views.SHARE in dump([held])
    assert inflight.wait_idle()  # every listener has finished: nothing more comes
    for user in PEOPLE:
        if user not in ("UEMGR", "UALICE"):
            assert "HELD-1" not in seen_by(fake, user), user
    assert "HELD-1" not in home_of(slack, fake, "UBOB")
    assert "HELD-1" not in home_of(slack, fake, "UDIR")  # above the manager: not asked
    assert "HELD-1" in home_of(slack, fake, "UEMGR")
    # Only the manager who asked can share.
    fb_id = button_value(held, views.SHARE)
    slack.block_action("UBOB", views.SHARE, fb_id, channel_id="DUBOB")
    assert "don't have permission" in reply_text(fake, "UBOB")
    container = {"type": "message", "channel_id": "DUEMGR", "message_ts": "1.000001"}
    slack.block_action("UEMGR", views.SHARE, fb_id, container=container, channel_id="DUEMGR")
    dm = wait_dm(fake, "UBOB")
    assert "HELD-1" in dump([dm]) and views.THANKS in dump([dm])
    assert fake.wait_for(lambda: fake.calls_to("chat.update"))
    assert "Shared with <@UBOB>" in dump(fake.calls_to("chat.update"))
    assert "HELD-1" in home_of(slack, fake, "UBOB")
    slack.block_action("UEMGR", views.SHARE, fb_id, container=container, channel_id="DUEMGR")
    assert fake.wait_for(lambda: len(fake.calls_to("chat.update")) == 2)
    assert inflight.wait_idle()  # every listener has finished: nothing more comes
    assert len(fake.dms_to("UBOB")) == 1  # sharing twice delivers once


@pytest.mark.parametrize(
    ("user", "text", "expected"),
    [
        ("UALICE", "request <@UXW> for <@UBOB> about x", "Only <@UBOB>'s managers"),
        ("UWMGR", "request <@UXW> for <@UBOB> about x", "Only <@UBOB>'s managers"),
        ("UALICE", "request", "Whom should I ask?"),
        ("UALICE", "request about pitch", "Whom should I ask?"),
        ("UALICE", "request <@UBOB> for", "`for` needs the @person"),
        ("UALICE", "request <@UBOB> about", "`about` needs a topic"),
        ("UALICE", "request <@UALICE> about me", "can't be asked for feedback about themselves"),
        ("UEMGR", "request <@UBOB> for <@UBOB>", "can't be asked for feedback about themselves"),
        ("UALICE", "request @nobody", "couldn't find @nobody"),
    ],
)
def test_request_refusals_store_nothing(slack, fake, org, db, user, text, expected, inflight):
    org.standard()
    slack.command(user, "/feedback", text)
    assert expected in reply_text(fake, user)
    assert inflight.wait_idle()  # every listener has finished: nothing more comes
    with db.session() as s:
        assert s.exec(select(FeedbackRequest)).all() == []
    assert fake.messages() == []


def test_director_may_ask_about_a_skip_level_report(slack, fake, org, db):
    org.standard()
    slack.command("UDIR", "/feedback", "request <@UXW> for <@UBOB>")
    wait_dm(fake, "UXW")
    with db.session() as s:
        [request] = s.exec(select(FeedbackRequest)).all()
        assert request.topic is None


def test_reminder_once_after_three_days_then_expiry(slack, fake, org, db, deps, clock):
    org.standard()
    slack.command("UALICE", "/feedback", "request <@UBOB> <@UXW> about onboarding")
    ask = wait_dm(fake, "UBOB")
    wait_dm(fake, "UXW")
    job = find_job("feedback-reminders")
    assert job is not None
    assert job.func(deps, T0 + timedelta(days=2, hours=23)).startswith("reminded 0, expired 0")
    assert len(fake.dms_to("UBOB")) == 1
    # xiaowang answers before the reminder; only bob is reminded.
    clock["t"] = T0 + timedelta(days=1)
    answer(
        slack, fake, "UXW", wait_dm(fake, "UXW"), 1, kind="praise", visibility="private", text="好"
    )
    wait_dm(fake, "UALICE")
    assert job.func(deps, T0 + timedelta(days=3)).startswith("reminded 1, expired 0")
    reminder = dump([wait_dm(fake, "UBOB", 2)])
    assert "waiting for 3 days" in reminder and views.ANSWER in reminder
    assert job.func(deps, T0 + timedelta(days=4)).startswith("reminded 0, expired 0")
    assert job.func(deps, T0 + timedelta(days=4)).startswith("reminded 0, expired 0")
    reminders = [c for c in fake.messages() if "Reminder" in dump([c]) or "提醒" in dump([c])]
    assert [c.params["channel"] for c in reminders] == ["DUBOB"]
    assert job.func(deps, T0 + timedelta(days=14)).startswith("reminded 0, expired 1")
    assert job.func(deps, T0 + timedelta(days=15)).startswith("reminded 0, expired 0")
    with db.session() as s:
        assert sorted(a.status for a in s.exec(select(FeedbackAsk)).all()) == [
            "answered",
            "expired",
        ]
    slack.block_action("UBOB", views.ANSWER, button_value(ask, views.ANSWER), channel_id="DUBOB")
    assert "has expired" in reply_text(fake, "UBOB")
    clock["t"] = T0 + timedelta(days=15)
    assert "asked for your feedback" not in home_of(slack, fake, "UBOB")


def test_reminder_and_expiry_days_are_configurable(slack, fake, org, db, deps, clock):
    deps.config.feedback.reminder_days = 1
    deps.config.feedback.expiry_days = 2
    org.standard()
    slack.command("UALICE", "/feedback", "request <@UBOB>")
    wait_dm(fake, "UBOB")
    job = find_job("feedback-reminders")
    assert job.func(deps, T0 + timedelta(days=1)).startswith("reminded 1")
    assert "waiting for 1 days" in dump([wait_dm(fake, "UBOB", 2)])
    assert job.func(deps, T0 + timedelta(days=2)).startswith("reminded 0, expired 1")


def test_answering_someone_elses_ask_is_refused(slack, fake, org):
    org.standard()
    slack.command("UALICE", "/feedback", "request <@UBOB>")
    ask = wait_dm(fake, "UBOB")
    slack.block_action(
        "UCAROL", views.ANSWER, button_value(ask, views.ANSWER), channel_id="DUCAROL"
    )
    assert "don't have permission" in reply_text(fake, "UCAROL")
    assert fake.views("open") == []


def test_request_answer_from_app_home_button(slack, fake, org, clock):
    org.standard()
    slack.command("UALICE", "/feedback", "request <@UXW> about 演示")
    wait_dm(fake, "UXW")
    home = home_of(slack, fake, "UXW")
    assert "<@UALICE> 请你给予反馈 · 今天" in home and "演示" in home
    call = [c for c in fake.views("publish") if c.params["user_id"] == "UXW"][-1]
    value = button_value(type("C", (), {"params": call.params["view"]})(), views.ANSWER)
    slack.block_action("UXW", views.ANSWER, value, view={"id": "VHOME", "type": "home"})
    view = opened_view(fake)
    assert "<@UALICE> 请你给予反馈" in dump([view])
