"""`/career plan` end to end, through signed requests: adding goals (command and modal), who
may see and change a plan (the rep and their manager chain change it, HR reads it, nobody
else learns anything), Done / Drop once, who is told, and both languages."""

from __future__ import annotations

import json
import threading
from datetime import UTC, date, datetime
from urllib.parse import urlencode

import pytest
from sqlmodel import select

from bot.core.config import AppConfig
from demo.slack_requests import new_trigger_id
from storage.models.growth import PlanGoal
from tests.growth.plan_support import CONFIG
from tests.support.feedback import home_of, opened_view, seen_by
from tests.support.slack import all_text, reply_to
from tests.support.zh_text import bad_emphasis, english_words, half_width_next_to_cjk

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # Friday 10:00 in Shanghai


@pytest.fixture
def config() -> AppConfig:
    return AppConfig.model_validate(CONFIG)


@pytest.fixture
def people(deps, org):
    deps.clock = lambda: NOW
    return org.standard()


def goals(db) -> list[PlanGoal]:
    with db.session() as s:
        found = list(s.exec(select(PlanGoal).order_by(PlanGoal.id)).all())
        s.expunge_all()
        return found


def last_reply(fake, user: str, n: int) -> str:
    return all_text(reply_to(fake, user, n)[n - 1])


def buttons(payload: dict, action: str) -> list[str]:
    return [
        e["value"]
        for b in payload.get("blocks") or []
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == action
    ]


def test_a_rep_adds_a_goal_and_reads_the_plan(slack, fake, db, people, inflight):
    slack.command(
        "UALICE", "/career", "plan add Call 10 new leads a week #negotiation due 2026-12-31"
    )
    added = last_reply(fake, "UALICE", 1)
    assert "Added to your development plan:" in added
    assert "• Call 10 new leads a week · Negotiation and closing · due Dec 31, 2026" in added
    [goal] = goals(db)
    assert (goal.rep_id, goal.course, goal.metric, goal.due, goal.created_by_id) == (
        people["alice"].id, "negotiation", None, date(2026, 12, 31), people["alice"].id,
    )  # fmt: skip
    slack.command("UALICE", "/career", "plan")
    plan = reply_to(fake, "UALICE", 2)[1]
    assert "*Development plan*" in all_text(plan)
    assert buttons(plan, "plan_goal_done") == [f"{goal.id}:plan"]
    assert buttons(plan, "plan_goal_drop") == [f"{goal.id}:plan"]
    assert buttons(plan, "plan_add_goal") == ["UALICE"]
    assert inflight.wait_idle()
    assert fake.dms_to("UALICE") == [] and fake.dms_to("UEMGR") == []  # her own: no DM


def test_the_manager_adds_a_goal_and_the_rep_is_told_in_her_language(slack, fake, db, people):
    slack.command("UEMGR", "/career", "plan add <@UXW|小王> Raise conversion #conversion_rate")
    assert "Added to the development plan of <@UXW>:" in last_reply(fake, "UEMGR", 1)
    assert fake.wait_for(lambda: fake.dms_to("UXW"))
    told = fake.dms_to("UXW")[0].params["text"]
    assert told.startswith("<@UEMGR> 在你的个人发展计划中添加了一个目标：")
    assert "• Raise conversion · 转化率" in told
    [goal] = goals(db)
    assert goal.metric == "conversion_rate" and goal.created_by_id == people["east_mgr"].id
    # the director (higher in the chain) may add too; HR may not
    slack.command("UDIR", "/career", "plan add <@UXW> Shadow a senior rep")
    assert fake.wait_for(lambda: len(fake.dms_to("UXW")) == 2)
    slack.command("UHR", "/career", "plan add <@UXW> Something from HR")
    assert "you can see only your own development plan" in last_reply(fake, "UHR", 1)
    assert len(goals(db)) == 2


def test_who_must_not_see_a_plan(slack, fake, db, people, inflight):
    slack.command("UALICE", "/career", "plan add Secret goal about pricing")
    reply_to(fake, "UALICE", 1)
    for who in ("UBOB", "UWMGR", "UCAROL"):
        slack.command(who, "/career", "plan <@UALICE>")
        refused = last_reply(fake, who, 1)
        assert "you can see only your own development plan" in refused
        slack.command(who, "/career", "plan add <@UALICE> Sneaky goal")
        assert "you can see only your own development plan" in last_reply(fake, who, 2)
    assert inflight.wait_idle()
    for who in ("UBOB", "UWMGR", "UCAROL"):
        assert "Secret goal" not in seen_by(fake, who)
    assert len(goals(db)) == 1
    # HR reads it, without buttons
    slack.command("UHR", "/career", "plan <@UALICE>")
    hr = reply_to(fake, "UHR", 1)[0]
    assert "Secret goal about pricing" in all_text(hr)
    assert "only the rep and their managers change it" in all_text(hr)
    assert buttons(hr, "plan_goal_done") == [] and buttons(hr, "plan_add_goal") == []
    # the manager chain reads it with buttons
    slack.command("UDIR", "/career", "plan <@UALICE>")
    assert len(buttons(reply_to(fake, "UDIR", 1)[0], "plan_goal_done")) == 1


def click(slack, user: str, action: str, value: str):
    return slack.block_action(user, action, value)


def replaced(fake, user: str) -> list[dict]:
    return [
        c.params
        for c in fake.calls_to("response_url")
        if c.params.get("user") == user and c.params.get("replace_original")
    ]


def test_done_and_drop_act_once_and_tell_the_rep_when_someone_else_acts(
    slack, fake, db, people, inflight
):
    for n, text in enumerate(("First goal", "Second goal"), start=1):
        slack.command("UALICE", "/career", f"plan add {text}")
        reply_to(fake, "UALICE", n)  # in this order
    first, second = goals(db)
    click(slack, "UALICE", "plan_goal_done", f"{first.id}:plan")
    assert fake.wait_for(lambda: replaced(fake, "UALICE"))
    shown = all_text(replaced(fake, "UALICE")[0])
    assert "Recently closed" in shown and "• First goal · done" in shown
    assert inflight.wait_idle()
    assert fake.dms_to("UALICE") == []  # she closed her own goal: nobody is told
    # the manager drops the other one, twice (a double click): once, and Alice is told once
    click(slack, "UEMGR", "plan_goal_drop", f"{second.id}:home")
    click(slack, "UEMGR", "plan_goal_drop", f"{second.id}:home")
    assert inflight.wait_idle()
    assert [g.status for g in goals(db)] == ["done", "dropped"]
    [told] = fake.dms_to("UALICE")
    assert told.params["text"].startswith("<@UEMGR> dropped a goal of your development plan:")
    # done once dropped: nothing changes
    click(slack, "UALICE", "plan_goal_done", f"{second.id}:plan")
    assert inflight.wait_idle()
    assert [g.status for g in goals(db)] == ["done", "dropped"]


@pytest.mark.parametrize("who", ["UBOB", "UHR", "UWMGR"])
def test_nobody_else_closes_a_goal(slack, fake, db, people, inflight, who):
    slack.command("UALICE", "/career", "plan add Keep me open")
    reply_to(fake, "UALICE", 1)
    [goal] = goals(db)
    click(slack, who, "plan_goal_done", f"{goal.id}:plan")
    assert fake.wait_for(lambda: fake.ephemerals(who))
    assert "you can see only your own development plan" in str(fake.ephemerals(who)[0].params)
    assert inflight.wait_idle()
    assert goals(db)[0].status == "open"
    assert "Keep me open" not in seen_by(fake, who) and replaced(fake, who) == []


def test_parallel_done_and_drop_close_once(slack, fake, db, people, inflight):
    slack.command("UALICE", "/career", "plan add Race me")
    reply_to(fake, "UALICE", 1)
    [goal] = goals(db)
    start = threading.Barrier(4)
    clicks = [("UEMGR", "plan_goal_done"), ("UDIR", "plan_goal_drop")] * 2

    def go(user: str, action: str) -> None:
        start.wait()
        click(slack, user, action, f"{goal.id}:home")

    threads = [threading.Thread(target=go, args=c) for c in clicks]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert inflight.wait_idle(20)
    assert goals(db)[0].status in ("done", "dropped")
    assert len(fake.dms_to("UALICE")) == 1  # one change, told once


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("plan add Call leads #nosuch", "I don't know `#nosuch`"),
        ("plan add Call leads due 2026-02-30", "`2026-02-30` is not a date"),
        ("plan add Call leads due 2026-11-26", "The due date is in the past"),
        ("plan add Call leads #revenue #negotiation", "one `#tag`"),
        ("plan frobnicate", "Usage: `/career plan`"),
    ],
)
def test_a_bad_goal_is_refused_clearly(slack, fake, db, people, text, says):
    slack.command("UALICE", "/career", text)
    assert says in last_reply(fake, "UALICE", 1)
    assert goals(db) == []


def test_today_is_not_in_the_past(slack, fake, db, people):
    slack.command("UALICE", "/career", "plan add Call leads due 2026-11-27")
    assert "Added" in last_reply(fake, "UALICE", 1)


def modal_values(text: str, metric=None, course=None, due=None) -> dict:
    values: dict = {"plan_text": {"value": {"type": "plain_text_input", "value": text}}}
    for block, chosen in (("plan_metric", metric), ("plan_course", course)):
        if chosen:
            values[block] = {
                "value": {"type": "static_select", "selected_option": {"value": chosen}}
            }
    if due:
        values["plan_due"] = {"value": {"type": "datepicker", "selected_date": due}}
    return values


def test_the_modal_adds_a_goal_once_for_the_rep_it_was_opened_for(
    slack, fake, db, people, inflight
):
    slack.command("UEMGR", "/career", "plan add <@UALICE>")
    view = opened_view(fake)
    assert view["callback_id"] == "plan_goal_modal"
    assert json.loads(view["private_metadata"]) == {"rep": people["alice"].id}
    assert "A goal for <@UALICE>'s development plan." in json.dumps(view)
    # past due: the field says why, nothing is created
    resp = slack.view_submission("UEMGR", {**view, "id": "V1"}, modal_values("X", due="2026-11-01"))
    assert resp.json()["response_action"] == "errors"
    assert "in the past" in resp.json()["errors"]["plan_due"]
    # someone not in Alice's chain submits the same form: refused at submit time
    resp = slack.view_submission("UBOB", {**view, "id": "V2"}, modal_values("Forged"))
    assert "you can see only your own" in resp.json()["errors"]["plan_text"]
    good = modal_values("Win two new accounts", metric="revenue", due="2026-12-15")
    slack.view_submission("UEMGR", {**view, "id": "V3"}, good)
    slack.view_submission("UEMGR", {**view, "id": "V3"}, good)  # delivered twice
    assert inflight.wait_idle()
    [goal] = goals(db)
    assert (goal.text, goal.metric, goal.due, goal.rep_id) == (
        "Win two new accounts", "revenue", date(2026, 12, 15), people["alice"].id,
    )  # fmt: skip
    assert len(fake.dms_to("UALICE")) == 1  # told once
    assert "Added to the development plan of <@UALICE>" in str(fake.dms_to("UEMGR")[0].params)


def test_the_add_goal_button_opens_the_form(slack, fake, db, people, inflight):
    click(slack, "UALICE", "plan_add_goal", "UALICE")
    view = opened_view(fake)
    assert json.loads(view["private_metadata"]) == {"rep": people["alice"].id}
    click(slack, "UBOB", "plan_add_goal", "UALICE")  # not his to add to
    assert fake.wait_for(lambda: fake.ephemerals("UBOB"))
    assert inflight.wait_idle()
    assert len(fake.views("open")) == 1


def test_the_home_shows_open_goals_or_a_hint(slack, fake, db, people):
    empty = home_of(slack, fake, "UALICE")
    assert "No goals yet. Add one with `/career plan add …`" in empty
    slack.command("UALICE", "/career", "plan add Call leads due 2026-12-31")
    reply_to(fake, "UALICE", 1)
    home = home_of(slack, fake, "UALICE")
    assert "• Call leads · due Dec 31, 2026" in home
    assert "No goals yet" not in home
    assert "Call leads" not in home_of(slack, fake, "UBOB")


def test_chinese(slack, fake, db, people):
    slack.command("UXW", "/career", "计划 添加 每周联系 10 个新客户 #negotiation 截止 2026-12-31")
    added = last_reply(fake, "UXW", 1)
    assert "已添加到你的个人发展计划：" in added
    assert "• 每周联系 10 个新客户 · 商务谈判与成交技巧 · 截止 2026年12月31日" in added
    slack.command("UXW", "/career", "计划")
    plan = reply_to(fake, "UXW", 2)[1]
    text = all_text(plan)
    assert "*个人发展计划*" in text and "完成" in text and "放弃" in text and "添加目标" in text
    for shown in (added, text.replace("每周联系 10 个新客户", "")):
        assert half_width_next_to_cjk(shown) == [], shown
        assert bad_emphasis(shown) == [], shown
        assert english_words(shown) <= {"HR", "KPI"}, shown
    slack.command("UXW", "/career", "计划 添加 目标 截止 2026-11-01")
    assert "截止日期已经过去" in last_reply(fake, "UXW", 3)


def test_an_overdue_goal_is_marked(slack, fake, db, deps, people):
    slack.command("UALICE", "/career", "plan add Finish the account plan due 2026-11-30")
    reply_to(fake, "UALICE", 1)
    deps.clock = lambda: datetime(2026, 12, 2, 2, 0, tzinfo=UTC)
    slack.command("UEMGR", "/career", "plan <@UALICE>")
    shown = last_reply(fake, "UEMGR", 1)
    assert "• Finish the account plan · *overdue: due Nov 30, 2026*" in shown


def test_one_command_delivered_twice_adds_one_goal(slack, fake, db, people, inflight):
    body = urlencode(
        {
            "team_id": slack.team_id,
            "channel_id": "C0GENERAL",
            "user_id": "UALICE",
            "command": "/career",
            "text": "plan add Only once please",
            "api_app_id": "A0SALESPULSE",
            "response_url": fake.response_url("cmd-dup", user="UALICE"),
            "trigger_id": new_trigger_id(),
        }
    )
    threads = [
        threading.Thread(target=slack.send, args=(body, "application/x-www-form-urlencoded"))
        for _ in range(2)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert inflight.wait_idle(20)
    assert [g.text for g in goals(db)] == ["Only once please"]
    assert len(reply_to(fake, "UALICE")) == 1


def test_plan_add_alone_opens_my_form(slack, fake, db, people):
    slack.command("UALICE", "/career", "plan 添加")
    view = opened_view(fake)
    assert json.loads(view["private_metadata"]) == {"rep": people["alice"].id}
    assert "A goal for" not in json.dumps(view)  # her own plan: no "for @rep" line
    blocks = {b["block_id"] for b in view["blocks"]}
    assert blocks == {"plan_text", "plan_metric", "plan_course", "plan_due"}
