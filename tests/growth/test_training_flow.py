"""The whole life of a training request through signed requests: asked (command and form),
the manager's DM, approved, HR told, scheduled, completed, on the Home and in `/training`;
declined with a reason; cancelled. Who is told what, in their language, and who is not."""

from __future__ import annotations

from datetime import date

import pytest

from bot.growth import training_form_views as form_views
from bot.growth import training_views as views
from tests.app.test_chinese_texts import assert_reads_as_chinese
from tests.growth.training_support import (
    NOW,
    PEOPLE,
    chosen,
    click,
    load_facts,
    load_targets,
    picked_date,
    requests,
    responses,
    submit_modal,
    text_value,
    training_config,
    wait_dm,
)
from tests.support.feedback import dump, home_of, opened_view, reply_text
from tests.support.slack import all_text


@pytest.fixture
def config():
    return training_config()


@pytest.fixture
def people(org, db, deps):
    deps.clock = lambda: NOW
    people = org.standard()
    load_targets(db)
    load_facts(db)
    return people


def quiet_except(fake, inflight, *told: str) -> None:
    assert inflight.wait_idle(20)
    assert fake.violations == []  # every message and modal within Slack's limits
    for user in PEOPLE:
        if user not in told:
            assert fake.dms_to(user) == [], (user, dump(fake.dms_to(user)))


def test_zh_rep_asks_en_manager_approves_hr_schedules_and_completes(
    slack, fake, db, people, inflight
):
    slack.command("UXW", "/training", "谈判与成交")
    reply = reply_text(fake, "UXW")
    assert "谈判与成交" in reply and "<@UEMGR>" in reply and "审批" in reply
    ask = wait_dm(fake, "UEMGR")
    text = dump([ask])
    # English for the manager: who, what, which kind, and the weak metric behind it
    assert "<@UXW> asks for training: *Negotiation and closing* (skill)" in text
    assert "Conversion rate: 50% of target" in text
    assert views.APPROVE in text and views.DECLINE in text
    quiet_except(fake, inflight, "UEMGR")
    [req] = requests(db)
    assert (req.status, req.course, req.kind) == ("pending", "negotiation", "skill")

    click(slack, "UEMGR", views.APPROVE, ask)
    told = wait_dm(fake, "UXW")
    assert "已由 <@UEMGR> 批准" in dump([told])
    hr = wait_dm(fake, "UHR")
    assert "Approved training for <@UXW>" in dump([hr]) and views.SCHEDULE in dump([hr])
    assert fake.wait_for(lambda: responses(fake, "UEMGR"))
    replaced = responses(fake, "UEMGR")[0]
    assert replaced["replace_original"] is True and "Approved by <@UEMGR>" in dump([replaced])
    assert views.APPROVE not in dump([replaced])
    quiet_except(fake, inflight, "UEMGR", "UXW", "UHR")
    assert requests(db)[0].status == "approved"

    click(slack, "UHR", views.SCHEDULE, hr)
    submit_modal(
        slack,
        fake,
        "UHR",
        1,
        {**picked_date(date(2026, 12, 3)), **text_value(form_views.B_NOTE, "5号会议室")},
    )
    scheduled = wait_dm(fake, "UXW", 2)
    assert "已安排在 2026年12月3日" in dump([scheduled]) and "5号会议室" in dump([scheduled])
    assert requests(db)[0].scheduled_for == date(2026, 12, 3)
    assert fake.wait_for(lambda: responses(fake, "UHR"))
    assert "Scheduled for Dec 3, 2026" in dump(responses(fake, "UHR"))

    click(slack, "UHR", views.COMPLETE, hr)
    done = wait_dm(fake, "UXW", 3)
    assert "已标记为已完成" in dump([done])
    assert requests(db)[0].status == "completed"
    quiet_except(fake, inflight, "UEMGR", "UXW", "UHR")
    assert len(fake.dms_to("UXW")) == 3 and len(fake.dms_to("UHR")) == 1

    home = home_of(slack, fake, "UXW")
    assert "已完成的培训" in home and "谈判与成交" in home and "2026年11月26日" in home
    slack.command("UXW", "/training", "")
    mine = reply_text(fake, "UXW", 2)
    assert "已于 2026年11月26日 完成" in mine
    # everything 小王 read reads as Chinese
    for call in fake.dms_to("UXW") + fake.ephemerals("UXW"):
        assert_reads_as_chinese(all_text(call.params))


def test_form_request_goes_to_the_hr_channel_when_set(deps, slack, fake, db, people, inflight):
    deps.config = training_config(channels={"hr": "CHR"})
    slack.command("UALICE", "/training", "new")
    view = opened_view(fake)
    assert view["callback_id"] == form_views.REQUEST_MODAL
    # no course and no topic: the topic field says so
    resp = submit_modal(slack, fake, "UALICE", 1, {})
    assert resp["response_action"] == "errors" and form_views.B_TOPIC in resp["errors"]
    values = {
        **text_value(form_views.B_TOPIC, "Excel for sales"),
        **chosen(form_views.B_KIND, "soft", "radio_buttons"),
        **text_value(form_views.B_REASON, "pivot tables take me hours"),
        **chosen(form_views.B_MONTH, "2027-01"),
    }
    assert submit_modal(slack, fake, "UALICE", 1, values) is None
    ask = wait_dm(fake, "UEMGR")
    text = dump([ask])
    assert "*Excel for sales* (soft skills)" in text and "pivot tables take me hours" in text
    assert "Preferred month: January 2027" in text and "weak metric" not in text
    # the confirmation answers the command, only Alice sees it
    assert "sent to your manager <@UEMGR>" in reply_text(fake, "UALICE")
    click(slack, "UEMGR", views.APPROVE, ask)
    assert fake.wait_for(lambda: fake.messages("CHR"))
    assert "Approved training for <@UALICE>" in dump(fake.messages("CHR"))
    quiet_except(fake, inflight, "UEMGR", "UALICE")
    assert fake.dms_to("UHR") == []


def test_decline_asks_a_reason_and_the_rep_is_told_it(slack, fake, db, people, inflight):
    slack.command("UALICE", "/training", "Public speaking")
    ask = wait_dm(fake, "UEMGR")
    click(slack, "UEMGR", views.DECLINE, ask)
    view = opened_view(fake)
    assert view["callback_id"] == form_views.DECLINE_MODAL
    resp = submit_modal(slack, fake, "UEMGR", 1, text_value(form_views.B_REASON, "   "))
    assert resp["response_action"] == "errors" and form_views.B_REASON in resp["errors"]
    assert requests(db)[0].status == "pending"
    submit_modal(
        slack, fake, "UEMGR", 1, text_value(form_views.B_REASON, "Budget is frozen until Q1")
    )
    told = wait_dm(fake, "UALICE")
    assert "declined by <@UEMGR>" in dump([told]) and "Budget is frozen until Q1" in dump([told])
    [req] = requests(db)
    assert (req.status, req.decline_reason) == ("declined", "Budget is frozen until Q1")
    assert fake.wait_for(lambda: responses(fake, "UEMGR"))
    assert "Declined by <@UEMGR>" in dump(responses(fake, "UEMGR"))
    quiet_except(fake, inflight, "UEMGR", "UALICE")


def test_the_rep_cancels_a_pending_request(slack, fake, db, people, inflight):
    slack.command("UBOB", "/training", "prospecting")
    wait_dm(fake, "UEMGR")
    assert "Prospecting" in reply_text(fake, "UBOB")
    slack.command("UBOB", "/training", "")
    assert fake.wait_for(lambda: len(fake.ephemerals("UBOB")) >= 2)
    mine = fake.ephemerals("UBOB")[1]
    assert "Pending, waiting for <@UEMGR>" in dump([mine])
    click(slack, "UBOB", views.CANCEL, mine)
    assert fake.wait_for(lambda: requests(db)[0].status == "cancelled")
    # someone else's click on Approve now is told it is over
    ask = fake.dms_to("UEMGR")[0]
    click(slack, "UEMGR", views.APPROVE, ask)
    assert fake.wait_for(lambda: "Cancelled" in dump(fake.ephemerals("UEMGR")))
    assert requests(db)[0].status == "cancelled"
    quiet_except(fake, inflight, "UEMGR")


def test_hr_cannot_schedule_in_the_past_and_may_reschedule(slack, fake, db, people, inflight):
    slack.command("UALICE", "/training", "negotiation")
    click(slack, "UEMGR", views.APPROVE, wait_dm(fake, "UEMGR"))
    hr = wait_dm(fake, "UHR")
    wait_dm(fake, "UALICE")
    click(slack, "UHR", views.SCHEDULE, hr)
    # 25 November is yesterday in Shanghai
    resp = submit_modal(slack, fake, "UHR", 1, picked_date(date(2026, 11, 25)))
    assert resp["response_action"] == "errors" and form_views.B_DATE in resp["errors"]
    assert requests(db)[0].status == "approved"
    submit_modal(slack, fake, "UHR", 1, picked_date(date(2026, 11, 26)))
    assert "scheduled for Nov 26, 2026" in dump([wait_dm(fake, "UALICE", 2)])
    click(slack, "UHR", views.SCHEDULE, hr)
    submit_modal(slack, fake, "UHR", 2, picked_date(date(2026, 12, 10)))
    assert "scheduled for Dec 10, 2026" in dump([wait_dm(fake, "UALICE", 3)])
    assert requests(db)[0].scheduled_for == date(2026, 12, 10)
    quiet_except(fake, inflight, "UEMGR", "UALICE", "UHR")


def test_help_and_an_empty_topic_get_the_usage(slack, fake, people):
    slack.command("UALICE", "/training", "help")
    assert "`/training list`" in reply_text(fake, "UALICE")
    slack.command("UXW", "/training", "帮助")
    assert "申请表单" in reply_text(fake, "UXW")
    slack.command("UBOB", "/training", " “” ")
    assert "`/training new`" in reply_text(fake, "UBOB")


def test_reposted_text_pings_nobody(slack, fake, db, people, inflight):
    slack.command("UALICE", "/training", "<!channel> negotiation for everyone")
    ask = dump([wait_dm(fake, "UEMGR")])
    assert "<!channel>" not in ask and "negotiation for everyone" in ask
