"""Accept / Not now on a suggested goal, through signed requests: the rep or their manager
chain accepts (one goal, in the rep's language, due the end of the next month), anyone else
(another rep, HR) is refused and nothing changes, and double or parallel clicks act once."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlmodel import select

from bot.core.config import AppConfig
from bot.features import find_job
from storage.models.growth import GoalSuggestion, PlanGoal
from tests.growth.plan_support import CONFIG, MONTH_END, load
from tests.support.feedback import home_of, seen_by
from tests.support.slack import reply_to

ACCEPT, DISMISS = "plan_suggestion_accept", "plan_suggestion_dismiss"


@pytest.fixture
def config() -> AppConfig:
    return AppConfig.model_validate(CONFIG)


@pytest.fixture
def suggested(deps, db, org, fake):
    people = org.standard()
    load(db, people)
    find_job("development-suggestions").func(deps, MONTH_END)
    return people


def dm_of(fake, user: str) -> dict:
    [dm] = fake.dms_to(user)
    return {"blocks": dm.params["blocks"], "ts": "1.000"}


def suggestion(db, user_id: int, metric: str) -> GoalSuggestion:
    with db.session() as s:
        found = s.exec(
            select(GoalSuggestion).where(
                GoalSuggestion.rep_id == user_id, GoalSuggestion.metric == metric
            )
        ).one()
        s.expunge(found)
        return found


def goals(db) -> list[PlanGoal]:
    with db.session() as s:
        found = list(s.exec(select(PlanGoal)).all())
        s.expunge_all()
        return found


def click(slack, user: str, action: str, sid: int, message: dict | None = None, where="dm"):
    return slack.block_action(
        user, action, f"{sid}:{where}", message=message, channel_id="D" + user
    )


def replaced(fake, user: str) -> list[dict]:
    return [
        c.params
        for c in fake.calls_to("response_url")
        if c.params.get("user") == user and c.params.get("replace_original")
    ]


def test_the_rep_accepts_a_goal_is_added_and_the_dm_updated(slack, fake, db, suggested, inflight):
    alice = suggested["alice"]
    sid = suggestion(db, alice.id, "conversion_rate").id
    click(slack, "UALICE", ACCEPT, sid, dm_of(fake, "UALICE"))
    assert fake.wait_for(lambda: replaced(fake, "UALICE"))
    [goal] = goals(db)
    assert (goal.rep_id, goal.text, goal.metric, goal.course, goal.due, goal.created_by_id) == (
        alice.id,
        "Bring conversion rate to 100% of target",
        "conversion_rate",
        "negotiation",
        date(2026, 12, 31),
        alice.id,
    )
    found = suggestion(db, alice.id, "conversion_rate")
    assert (found.status, found.goal_id, found.decided_by_id) == ("accepted", goal.id, alice.id)
    [updated] = replaced(fake, "UALICE")
    text = str(updated["blocks"])
    assert "Accepted: added to the development plan." in text
    assert "Discount rate" in text  # the DM's other suggestion is still there, with buttons
    assert text.count("plan_suggestion_accept") == 1
    # a second click (double click) adds nothing
    click(slack, "UALICE", ACCEPT, sid, dm_of(fake, "UALICE"))
    assert fake.wait_for(lambda: len(replaced(fake, "UALICE")) == 2)
    assert len(goals(db)) == 1
    assert inflight.wait_idle()
    assert len(fake.dms_to("UALICE")) == 1  # accepting her own: no DM about it


def test_not_now_dismisses_without_a_goal(slack, fake, db, suggested):
    alice = suggested["alice"]
    sid = suggestion(db, alice.id, "discount_rate").id
    click(slack, "UALICE", DISMISS, sid, dm_of(fake, "UALICE"))
    assert fake.wait_for(lambda: replaced(fake, "UALICE"))
    assert suggestion(db, alice.id, "discount_rate").status == "dismissed"
    assert goals(db) == []
    assert "Not now: this suggestion is closed." in str(replaced(fake, "UALICE")[0]["blocks"])


def test_the_manager_accepts_and_the_rep_is_told_in_chinese(slack, fake, db, suggested, inflight):
    xw = suggested["xiaowang"]
    sid = suggestion(db, xw.id, "conversion_rate").id
    click(slack, "UEMGR", ACCEPT, sid, where="plan")  # from /career plan @小王
    assert fake.wait_for(lambda: len(fake.dms_to("UXW")) == 2)
    [goal] = goals(db)
    assert (
        goal.text == "将转化率提升到目标的 100%" and goal.created_by_id == suggested["east_mgr"].id
    )
    told = fake.dms_to("UXW")[1].params["text"]
    assert "<@UEMGR> 在你的个人发展计划中添加了一个目标" in told and "2026年12月31日" in told
    assert inflight.wait_idle()
    [shown] = replaced(fake, "UEMGR")
    # the goal as the rep will read it, the rest of the plan in the manager's language
    assert "将转化率提升到目标的 100% · Conversion rate · due Dec 31, 2026" in str(shown)
    assert "Development plan of <@UXW>" in str(shown)


@pytest.mark.parametrize("who", ["UBOB", "UHR", "UWMGR"])
def test_anyone_else_is_refused_and_nothing_changes(slack, fake, db, suggested, inflight, who):
    alice = suggested["alice"]
    sid = suggestion(db, alice.id, "conversion_rate").id
    click(slack, who, ACCEPT, sid, dm_of(fake, "UALICE"))
    assert fake.wait_for(lambda: fake.ephemerals(who))
    assert "you can see only your own development plan" in str(fake.ephemerals(who)[0].params)
    assert inflight.wait_idle()
    assert suggestion(db, alice.id, "conversion_rate").status == "pending"
    assert goals(db) == [] and replaced(fake, who) == []
    assert "Conversion rate" not in seen_by(fake, who)  # nothing revealed


def test_parallel_accepts_make_one_goal(slack, fake, db, suggested, inflight):
    alice = suggested["alice"]
    sid = suggestion(db, alice.id, "conversion_rate").id
    start = threading.Barrier(4)

    def go(user: str) -> None:
        start.wait()
        click(slack, user, ACCEPT, sid, dm_of(fake, "UALICE"))

    threads = [threading.Thread(target=go, args=(u,)) for u in ("UALICE", "UEMGR") * 2]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert inflight.wait_idle(20)
    assert len(goals(db)) == 1
    found = suggestion(db, alice.id, "conversion_rate")
    assert found.status == "accepted" and found.goal_id == goals(db)[0].id
    # the rep hears of it only if the manager's click was the one that accepted
    told = [d for d in fake.dms_to("UALICE") if "added a goal" in d.params["text"]]
    assert len(told) == (1 if found.decided_by_id == suggested["east_mgr"].id else 0)


def test_the_plan_and_the_home_show_pending_suggestions(slack, fake, db, suggested, inflight):
    alice = suggested["alice"]
    ids = [suggestion(db, alice.id, m).id for m in ("discount_rate", "conversion_rate")]
    slack.command("UALICE", "/career", "plan")
    [plan] = reply_to(fake, "UALICE")
    text = str(plan["blocks"])
    assert "Suggested goals" in text and "*Conversion rate*: 60% of target in November 2026" in text
    assert [f"{i}:plan" for i in ids] == [
        e["value"]
        for b in plan["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == ACCEPT
    ]
    slack.command("UHR", "/career", "plan <@UALICE>")  # HR reads, without buttons
    [hr] = reply_to(fake, "UHR")
    assert "Conversion rate" in str(hr["blocks"]) and ACCEPT not in str(hr["blocks"])
    home = home_of(slack, fake, "UALICE")
    assert f'"{ids[0]}:home"' in home and "Bring discount rate to 100% of target" in home
    # accepting on the Home republishes it: the goal instead of the suggestion
    click(slack, "UALICE", ACCEPT, ids[0], where="home")
    assert fake.wait_for(lambda: len(goals(db)) == 1)
    assert inflight.wait_idle()
    [*_, last] = [c for c in fake.views("publish") if c.params.get("user_id") == "UALICE"]
    shown = str(last.params["view"])
    assert f"{ids[0]}:home" not in shown
    assert "Bring discount rate to 100% of target · Discount rate · due Dec 31, 2026" in shown
