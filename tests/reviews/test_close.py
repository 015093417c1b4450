"""Closing a cycle end to end: `/review close` by signed request, who gets which summary with
which numbers, in which language, and who must NOT see what."""

from __future__ import annotations

import pytest
from sqlmodel import select

from storage.models.reviews import ReviewCycle, ReviewTask
from tests.reviews.close_support import at_once, close_config, november_cycle
from tests.support.feedback import dump, reply_text
from tests.support.kpi_fixture import load
from tests.support.slack import all_text


@pytest.fixture
def config():
    return close_config()


@pytest.fixture
def people(org, db):
    people = org.standard()
    load(db, "T0001", people)
    return people


def dm(fake, user: str) -> str:
    calls = fake.dms_to(user)
    assert len(calls) == 1, (user, [all_text(c.params) for c in calls])
    return all_text(calls[0].params)


def close_by_slash(slack, fake, user: str = "UHR", text: str = "close") -> str:
    slack.command(user, "/review", text)
    return reply_text(fake, user)


def test_hr_closes_and_the_rep_gets_ratings_comments_and_numbers(slack, fake, db, people):
    cycle = november_cycle(db)
    reply = close_by_slash(slack, fake)
    assert "Closed review cycle “Nov 2026”" in reply
    # 10 tasks (8 + 2 peer), 5 answered (alice's 4, bob's self) -> 5 cancelled
    assert "5 open task(s) stopped" in reply
    assert "4 rep(s), 3 manager(s) and 1 HR people" in reply
    alice = dm(fake, "UALICE")
    assert "Your review summary: Nov 2026" in alice
    # self 4, manager 5, peers (3 + 4) / 2 = 3.5
    assert "*Closing deals*  self 4 · manager 5 · peers 3.5" in alice
    assert "*Customer focus*  self 3 · manager 4 · peers 4" in alice
    assert "*Teamwork*  self 5 · manager 4 · peers 4.5" in alice
    assert "Your manager's comments* <@UEMGR>" in alice
    assert "Great month, Alice (manager words)" in alice
    assert "Alice helps everyone (peer words one)" in alice
    # the period's scorecard, the numbers /kpi shows: 180,001 of 200,000 -> 90.0%
    assert "November 2026" in alice and "¥180,001" in alice and "¥200,000" in alice
    assert "106.7%" in alice  # composite, worked out in tests/support/kpi_fixture.py
    with db.session() as s:
        statuses = {t.status for t in s.exec(select(ReviewTask)).all()}
        assert statuses == {"done", "cancelled"}
        assert s.get(ReviewCycle, cycle.id).status == "closed"


def test_peer_names_are_hidden_by_default(slack, fake, db, people):
    november_cycle(db)
    close_by_slash(slack, fake)
    alice = dm(fake, "UALICE")
    assert "A peer's comments*\n" in alice
    assert "<@UBOB>" not in alice and "<@UCAROL>" not in alice
    assert "Bob" not in alice and "Carol" not in alice


def test_peer_names_show_with_the_setting(deps, slack, fake, db, people):
    deps.config = close_config(peer_names=True)
    november_cycle(db)
    close_by_slash(slack, fake)
    alice = dm(fake, "UALICE")
    assert "A peer's comments* <@UBOB>" in alice and "A peer's comments* <@UCAROL>" in alice


def test_a_rep_sees_no_other_reps_reviews(slack, fake, db, people):
    november_cycle(db)
    close_by_slash(slack, fake)
    bob = dm(fake, "UBOB")
    assert "*Closing deals*  self 2 · manager — · peers —" not in bob  # no peer step for bob
    assert "*Closing deals*  self 2 · manager —" in bob
    assert "Bob private self words" not in bob  # his own self comment is not repeated
    for words in ("manager words", "peer words", "Acme", "<@UALICE>"):
        assert words not in bob
    carol = dm(fake, "UCAROL")
    assert "No review of you was submitted in this cycle." in carol
    for words in ("manager words", "peer words", "Acme", "Bob private"):
        assert words not in carol


def test_managers_get_their_tree_only(slack, fake, db, people):
    november_cycle(db)
    close_by_slash(slack, fake)
    east = dm(fake, "UEMGR")
    assert "Team review summary: Nov 2026" in east
    assert "3 people in your team; 5 of 8 reviews submitted" in east
    # alice: self, manager and 2 peers done; self avg 4, manager avg 4.3; composite 106.7%
    assert "<@UALICE>  4/4 done · self 4.0 · manager 4.3 · composite 106.7%" in east
    assert "<@UBOB>  1/2 done · self 3.0 · manager — · composite" in east
    assert "<@UCAROL>" not in east
    west = dm(fake, "UWMGR")
    assert "<@UCAROL>  0/2 done · self — · manager — · composite 50.0%" in west
    assert "<@UALICE>" not in west and "<@UBOB>" not in west
    director = dm(fake, "UDIR")
    assert all(f"<@{u}>" in director for u in ("UALICE", "UBOB", "UXW", "UCAROL"))
    for text in (east, west, director):
        assert "words" not in text and "Acme" not in text  # completion, not the reviews


def test_hr_gets_counts_only(slack, fake, db, people):
    november_cycle(db)
    close_by_slash(slack, fake)
    hr = dm(fake, "UHR")
    assert "Review cycle closed: Nov 2026" in hr
    assert "5 of 10 reviews submitted (50.0%); 5 not submitted were stopped" in hr
    assert "• east: 5/8 submitted" in hr and "• west: 0/2 submitted" in hr
    # closing ratings given: 4 (alice self), 5 (manager), 3 and 4 (peers), 2 (bob self)
    assert "*Closing deals*  1★ 0 · 2★ 1 · 3★ 1 · 4★ 2 · 5★ 1" in hr
    for words in ("words", "Acme", "playbook", "<@UALICE>", "<@UBOB>"):
        assert words not in hr


def test_the_zh_rep_gets_chinese(slack, fake, db, people):
    november_cycle(db)
    close_by_slash(slack, fake)
    xw = dm(fake, "UXW")
    assert "你的绩效评估总结：Nov 2026" in xw
    assert "*成交能力*  自评 — · 经理评估 —" in xw
    assert "本周期没有人提交对你的评估。" in xw


def test_anyone_else_is_refused_and_nothing_is_revealed(slack, fake, db, people):
    november_cycle(db)
    refused = close_by_slash(slack, fake, "UEMGR")
    assert "only HR and admins" in refused
    refused_unknown = close_by_slash(slack, fake, "UALICE", "close no-such-cycle")
    assert "only HR and admins" in refused_unknown and "no-such-cycle" not in refused_unknown
    assert fake.messages() == []
    with db.session() as s:
        assert s.exec(select(ReviewCycle)).one().status == "open"
        assert all(t.status != "cancelled" for t in s.exec(select(ReviewTask)).all())


def test_closing_twice_sends_nothing_twice(slack, fake, db, people):
    november_cycle(db)
    close_by_slash(slack, fake)
    sent = len(fake.messages())
    slack.command("UHR", "/review", "close Nov 2026")
    again = reply_text(fake, "UHR", 2)
    assert "is closed already" in again
    assert len(fake.messages()) == sent
    slack.command("UHR", "/review", "close")
    assert "There is no open review cycle." in reply_text(fake, "UHR", 3)
    assert "HR-MUST-NOT-SEE" not in dump(fake.messages())


def test_every_summary_reads_as_chinese(deps, db, org, fake):
    from bot.core.config import AppConfig
    from bot.reviews.close import close_by_ref
    from tests.app.test_chinese_texts import assert_reads_as_chinese
    from tests.conftest import TEST_CONFIG
    from tests.reviews.close_support import answer
    from tests.support.reviews import start_cycle

    teams = {"east": {"channel": "CEAST", "name_en": "East", "name_zh": "华东"}}
    # the default metrics and competencies; the team has a Chinese name
    deps.config = AppConfig.model_validate({**TEST_CONFIG, "teams": teams})
    org.person("UHRZ", "人事张", team=None, role="hr", locale="zh-CN")
    boss = org.person("UZM", "经理李", role="manager", locale="zh-CN")
    org.person("UZR", "销售王", manager=boss, locale="zh-CN")
    cycle, _ = start_cycle(db, "T0001", name="十一月评估", kind="monthly", period="2026-11")
    answer(db, cycle.id, "UZR", "UZR", "self", {"closing": 4, "customer": 5}, "还不错")
    answer(db, cycle.id, "UZR", "UZM", "manager", {"closing": 3}, "继续努力")
    answer(db, cycle.id, "UZR", "UHRZ", "peer", {"closing": 5}, "很好的同事")
    with db.session() as session:
        close_by_ref(deps.workspace(), session, None, None)
    deps.sender.flush(db)
    rep, team, hr = dm(fake, "UZR"), dm(fake, "UZM"), dm(fake, "UHRZ")
    assert "*成交能力*  自评 4 · 经理评估 3 · 同事评估 5" in rep
    assert "*经理的评语* <@UZM>\n> 继续努力" in rep and "*同事的评语*\n> 很好的同事" in rep
    assert "<@UZR>  完成 3/3 · 自评 4.5 · 经理评估 3.0 · 综合 —" in team
    assert "已提交 3 / 3 份评估（100.0%）；0 份未提交的已停止。" in hr
    assert "• 华东：已提交 3/3" in hr
    assert "很好的同事" not in hr + team
    for text in (rep, team, hr):
        assert_reads_as_chinese(text)


def test_a_double_click_on_close_sends_one_set_of_summaries(slack, fake, db, people, inflight):
    november_cycle(db)
    at_once(
        lambda: slack.command("UHR", "/review", "close Nov 2026"),
        lambda: slack.command("UHR", "/review", "close Nov 2026"),
    )  # both answered 200 (the ack); the replies below say who won
    assert inflight.wait_idle(30)
    replies = [all_text(c.params) for c in fake.ephemerals("UHR")]
    assert sum("Closed review cycle" in r for r in replies) == 1, replies
    assert sum("is closed already" in r for r in replies) == 1, replies
    for user in ("UALICE", "UBOB", "UXW", "UCAROL", "UEMGR", "UWMGR", "UDIR", "UHR"):
        assert len(fake.dms_to(user)) == 1, user


def test_a_big_cycle_leaves_its_summaries_to_the_outbox_job(
    slack, fake, db, people, deps, monkeypatch
):
    from bot.reviews import close

    monkeypatch.setattr(close, "INLINE_DELIVERIES", 3)
    november_cycle(db)
    assert "Closed review cycle" in close_by_slash(slack, fake)
    assert fake.messages() == []  # the request answered without sending 8 DMs itself
    assert deps.sender.flush(db) == (8, 0)  # what the deliver-outbox job does
    assert "Your review summary: Nov 2026" in dm(fake, "UALICE")
