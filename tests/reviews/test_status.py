"""/review (my tasks; a manager's team), /review status and `salespulse review status` (HR),
the Home section and the weekly digest's line, through signed requests."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from bot.core.config import AppConfig
from handlers.cli import cli
from storage.models.core import User
from storage.models.reviews import ReviewTask
from tests.support.feedback import home_of
from tests.support.kpi_fixture import load
from tests.support.review_tasks import form_values, press, rated, review_config, task_id
from tests.support.reviews import start_cycle
from tests.support.slack import all_text, reply_to
from tests.support.zh_text import bad_emphasis, english_words, half_width_next_to_cjk

DEC_1 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
JAN_1 = datetime(2027, 1, 1, 2, 0, tzinfo=UTC)


@pytest.fixture
def config() -> AppConfig:
    return review_config()


@pytest.fixture
def clock(deps):
    now = {"t": DEC_1}
    deps.clock = lambda: now["t"]
    return now


@pytest.fixture
def people(org, db):
    people = org.standard()
    start_cycle(db, "T0001")
    return people


def review(slack, fake, user: str, text: str = "", n: int = 1) -> dict:
    slack.command(user, "/review", text)
    return reply_to(fake, user, n)[n - 1]


def submit(slack, fake, db, user, subject, reviewer, role, n: int = 1) -> None:
    view = press(slack, fake, user, task_id(db, subject.id, reviewer.id, role))
    assert view is not None
    slack.view_submission(user, view, form_values(rated()))
    assert fake.wait_for(lambda: len(fake.dms_to(user)) >= n)


def buttons(payload: dict) -> list[str]:
    return [
        b["accessory"]["value"]
        for b in payload["blocks"]
        if (b.get("accessory") or {}).get("action_id") == "review_open_task"
    ]


def test_a_rep_lists_their_open_tasks_with_buttons(slack, fake, db, people, clock, inflight):
    alice, xw = people["alice"], people["xiaowang"]
    reply = review(slack, fake, "UALICE")
    assert reply["text"] == "Your review tasks\n*Self review* · 2026 Q4 · due Dec 31, 2026"
    assert buttons(reply) == [str(task_id(db, alice.id, alice.id, "self"))]
    zh = review(slack, fake, "UXW")
    assert zh["text"] == "你的评估任务\n*自评* · 2026 Q4 · 截止日期 2026年12月31日"
    assert buttons(zh) == [str(task_id(db, xw.id, xw.id, "self"))]
    submit(slack, fake, db, "UALICE", alice, alice, "self")
    done = review(slack, fake, "UALICE", n=2)
    assert done["text"] == "Your review tasks\nYou have no open review tasks."
    assert buttons(done) == []
    assert "Your team" not in all_text(done)  # a rep sees nobody else's completion


def test_a_manager_sees_who_is_done_and_who_is_late(slack, fake, db, people, clock, inflight):
    alice, mgr = people["alice"], people["east_mgr"]
    submit(slack, fake, db, "UALICE", alice, alice, "self")
    reply = review(slack, fake, "UEMGR")
    assert reply["text"] == "\n".join(
        [
            "Your review tasks",
            "*Manager review* of <@UALICE> · 2026 Q4 · due Dec 31, 2026",
            "*Manager review* of <@UBOB> · 2026 Q4 · due Dec 31, 2026",
            "*Manager review* of <@UXW> · 2026 Q4 · due Dec 31, 2026",
            "Your team · 2026 Q4 (due Dec 31, 2026)",
            ":white_check_mark: <@UALICE>: 1/1 done",
            ":hourglass_flowing_sand: <@UBOB>: 0/1 done · 1 open",
            ":hourglass_flowing_sand: <@UXW>: 0/1 done · 1 open",
        ]
    )
    assert len(buttons(reply)) == 3
    assert "UCAROL" not in all_text(reply)  # another manager's report
    submit(slack, fake, db, "UEMGR", alice, mgr, "manager")
    clock["t"] = JAN_1  # the day after the due date
    late = review(slack, fake, "UEMGR", n=2)
    assert late["text"] == "\n".join(
        [
            "Your review tasks",
            "*Manager review* of <@UBOB> · 2026 Q4 · due Dec 31, 2026 · *late*",
            "*Manager review* of <@UXW> · 2026 Q4 · due Dec 31, 2026 · *late*",
            "Your team · 2026 Q4 (due Dec 31, 2026)",
            ":white_check_mark: <@UALICE>: 1/1 done",
            ":warning: <@UBOB>: 0/1 done · 1 late",
            ":warning: <@UXW>: 0/1 done · 1 late",
        ]
    )
    # the director sees the whole tree: both managers' tasks and their reps'
    tree = review(slack, fake, "UDIR")["text"]
    assert ":white_check_mark: <@UEMGR>: 1/3 done" not in tree
    assert ":warning: <@UEMGR>: 1/3 done · 2 late" in tree
    assert ":warning: <@UCAROL>: 0/1 done · 1 late" in tree


def test_hr_sees_completion_by_team_with_percentages(slack, fake, db, people, clock, inflight):
    alice, mgr = people["alice"], people["east_mgr"]
    submit(slack, fake, db, "UALICE", alice, alice, "self")
    submit(slack, fake, db, "UEMGR", alice, mgr, "manager")
    reply = review(slack, fake, "UHR", "status")
    assert reply["text"] == "\n".join(
        [
            "Review status: 2026 Q4 (due Dec 31, 2026)",
            "*East*: 2/6 done (33.3%) · 4 open · 0 late",
            "*West*: 0/2 done (0.0%) · 2 open · 0 late",
            "*Total*: 2/8 done (25.0%) · 6 open · 0 late",
        ]
    )
    assert review(slack, fake, "UHR", "status 1", 2)["text"] == reply["text"]
    assert review(slack, fake, "UHR", "status 2026 Q4", 3)["text"] == reply["text"]
    assert review(slack, fake, "UHR", "status 2025 Q4", 4)["text"] == (
        "No review cycle matches “2025 Q4”."
    )
    # nothing of any review's text, only counts
    assert "Closing" not in all_text(reply) and "4 ·" not in all_text(reply)


def test_status_in_chinese_shows_team_names(slack, fake, db, org, clock, inflight):
    org.person("UHRZH", "何丽", team=None, role="hr", locale="zh-CN", handle="heli")
    org.standard()
    start_cycle(db, "T0001")
    clock["t"] = JAN_1
    reply = review(slack, fake, "UHRZH", "状态")
    assert reply["text"] == "\n".join(
        [
            "评估进度：2026 Q4（截止日期 2026年12月31日）",
            "*华东* ：已完成 0/6（0.0%）· 未完成 6 · 逾期 6",
            "*华西* ：已完成 0/2（0.0%）· 未完成 2 · 逾期 2",
            "*合计* ：已完成 0/8（0.0%）· 未完成 8 · 逾期 8",
        ]
    )
    zh = all_text(reply)
    assert half_width_next_to_cjk(zh) == [] and bad_emphasis(zh) == []
    assert english_words(zh) <= {"Q"}
    tasks = all_text(review(slack, fake, "UXW"))
    assert "*自评* · 2026 Q4 · 截止日期 2026年12月31日 · *已逾期*" in tasks
    assert half_width_next_to_cjk(tasks) == [] and bad_emphasis(tasks) == []


@pytest.mark.parametrize("user", ["UALICE", "UEMGR", "UDIR"])
def test_status_is_refused_to_anyone_not_hr(slack, fake, db, people, clock, user, inflight):
    reply = review(slack, fake, user, "status")
    assert reply["text"] == "Sorry, only HR and admins can do that."
    # the same words whether or not the cycle exists: nothing is revealed
    assert review(slack, fake, user, "status nope", 2)["text"] == reply["text"]


def test_cli_status(deps, db, people, clock, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", deps.db.url)
    monkeypatch.setenv("SALESPULSE_TEAM_ID", "T0001")
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "salespulse.toml").write_text(
        '[teams.east]\nname_en = "East"\n[teams.west]\nname_en = "West"\n'
    )
    out = CliRunner().invoke(cli, ["review", "status", "2026 Q4"])
    assert out.exit_code == 0, out.output
    assert out.output.splitlines()[1:] == [
        "East: 0/6 done (0.0%) · 6 open · 0 late",
        "West: 0/2 done (0.0%) · 2 open · 0 late",
        "Total: 0/8 done (0.0%) · 8 open · 0 late",
    ]
    out = CliRunner().invoke(cli, ["review", "status", "nope"])
    assert out.exit_code == 1 and "No review cycle matches “nope”." in out.output


def test_home_lists_my_open_tasks_and_nothing_when_none(slack, fake, db, people, clock, inflight):
    alice = people["alice"]
    home = home_of(slack, fake, "UALICE")
    assert "Your review tasks" in home and "review_open_task" in home
    assert "*Self review* · 2026 Q4 · due Dec 31, 2026" in home
    assert "Your review tasks" not in home_of(slack, fake, "UHR")  # HR has no task
    submit(slack, fake, db, "UALICE", alice, alice, "self")
    # the submission republished the Home: the task is gone, and so is the section
    assert fake.wait_for(lambda: "Your review tasks" not in str(fake.views("publish")[-1].params))
    assert "Your review tasks" not in home_of(slack, fake, "UALICE")
    assert "你的评估任务" in home_of(slack, fake, "UXW")


def test_the_weekly_digest_mentions_open_review_tasks(deps, db, org, fake, clock):
    from bot.features import find_job
    from bot.reviews.service import digest_note

    people = org.standard()
    load(db, "T0001", people)
    start_cycle(db, "T0001")
    with db.session() as s:  # Alice is done: her digest says nothing of reviews
        alice_self = s.get(ReviewTask, task_id(db, people["alice"].id, people["alice"].id, "self"))
        alice_self.status = "done"  # type: ignore[union-attr]
    job = find_job("weekly-digest")
    assert job is not None
    job.func(deps, datetime(2026, 11, 30, 2, 0, tzinfo=UTC))
    bob = all_text(fake.dms_to("UBOB")[0].params)
    assert ":memo: Reviews to write: 1, the next due Dec 31, 2026. `/review` lists them." in bob
    assert "Reviews to write" not in all_text(fake.dms_to("UALICE")[0].params)
    channels = [all_text(c.params) for c in fake.messages("CEAST") + fake.messages("CWEST")]
    assert channels and not any("Reviews to write" in text for text in channels)
    with db.session() as s:
        xw = s.get(User, people["xiaowang"].id)
        line = digest_note(s, deps.workspace(), xw, "zh-CN")
    assert line == ":memo: 待完成的评估：1 项，最近的截止日期为 2026年12月31日。`/review` 可查看。"
