"""/kpi through signed requests: own scorecard with the right numbers, other periods, a
report's scorecard for the manager chain / HR only, team rankings, App Home."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.support.kpi_fixture import kpi_config, load
from tests.support.slack import all_text, reply_to

REFUSAL = "you can only see your own KPIs and those of people who report to you"


@pytest.fixture
def people(org, deps):
    people = org.standard()
    deps.config = kpi_config(deps.config)
    deps.clock = lambda: datetime(2026, 11, 26, 4, 0, tzinfo=UTC)  # Thursday, Nov 26 in Shanghai
    load(deps.db, org.team_id, people)
    return people


def ask(slack, fake, user, text, n=1):
    slack.command(user, "/kpi", text)
    reply = reply_to(fake, user, n)[n - 1]
    return reply, all_text(reply)


def test_own_scorecard_this_month_with_numbers_bars_and_change(slack, fake, people):
    reply, text = ask(slack, fake, "UALICE", "")
    assert reply["response_type"] == "ephemeral"
    assert "Your KPIs · November 2026" in text
    assert "¥180,000.5 of ¥200,000" in text and "90.0%" in text  # revenue
    assert "`█████████░` 90.0%" in text
    assert "↑ +¥90,000.5 vs October 2026" in text  # change vs the previous month
    assert "4.5 of 4.5" in text and "100.0%" in text  # csat average
    assert "¥80,000 of ¥50,000" in text and "160.0%" in text  # max
    assert "¥270,000 of ¥300,000" in text  # last
    assert "(lower is better)" in text and "3 of 4" in text and "133.3%" in text
    assert "*Composite score: 106.7%*" in text and "↑ +16.7 pts vs October 2026" in text
    assert "#1 of 3 in team east · #1 of 4 in the company" in text
    assert "carol" not in text.lower() and "UBOB" not in text
    assert len(reply["blocks"]) <= 50


def test_chinese_scorecard_and_period_words(slack, fake, people):
    _, text = ask(slack, fake, "UXW", "本季度")
    assert "你的 KPI · 2026年第4季度" in text
    _, text = ask(slack, fake, "UXW", "", 2)
    assert "销售额" in text and "¥0 / 目标 ¥100,000" in text
    assert "综合得分：0.0%" in text and "团队 east 第 3 名（共 3 人）" in text


@pytest.mark.parametrize(
    ("words", "title"),
    [
        ("week", "Week 48, 2026"),
        ("quarter", "Q4 2026"),
        ("year", "Your KPIs · 2026"),
        ("2026-Q4", "Q4 2026"),
        ("2026-10", "October 2026"),
        ("2026-W46", "Week 46, 2026"),
    ],
)
def test_other_periods(slack, fake, people, words, title):
    _, text = ask(slack, fake, "UALICE", words)
    assert title in text


def test_week_scorecard_numbers(slack, fake, people):
    _, text = ask(slack, fake, "UALICE", "2026-W46")
    assert "¥60,000.5 of ¥47,619.05" in text and "126.0%" in text


def test_bad_period_and_help(slack, fake, people):
    _, text = ask(slack, fake, "UALICE", "lastmonth")
    assert "I don't know the period `lastmonth`" in text
    _, text = ask(slack, fake, "UALICE", "help", 2)
    assert "/kpi team" in text and "capped at 150%" in text
    _, text = ask(slack, fake, "UALICE", "month extra", 3)
    assert "Usage: `/kpi" in text


def test_periods_out_of_range_say_so_in_the_users_language(slack, fake, people):
    # each of these crashed (a date Python can't hold) or had a three-digit year key
    for n, words in enumerate(["9999-12", "0001", "team 9999-Q4", "0999-W10"], start=1):
        _, text = ask(slack, fake, "UALICE", words, n)
        period = words.split()[-1]
        assert f"The period `{period}` is out of range: I know the years 1001 to 9998." in text
        assert "went wrong" not in text
    _, text = ask(slack, fake, "UXW", "9999-12")
    assert "周期 `9999-12` 超出范围：只支持 1001 年到 9998 年。" in text
    _, text = ask(slack, fake, "UALICE", "2026-W99", 5)
    assert "I don't know the period `2026-W99`" in text


@pytest.mark.parametrize("viewer", ["UEMGR", "UDIR", "UHR"])
def test_manager_chain_and_hr_see_a_reports_scorecard(slack, fake, people, viewer):
    _, text = ask(slack, fake, viewer, "<@UALICE|alice> month")
    assert "Alice Wong · KPIs · November 2026" in text
    assert "¥180,000.5 of ¥200,000" in text


@pytest.mark.parametrize(
    ("viewer", "subject"),
    [
        ("UBOB", "<@UALICE|alice>"),  # a peer, who has data
        ("UBOB", "<@UXW|xw>"),  # a peer without any facts: the same words
        ("UWMGR", "<@UALICE|alice>"),  # another team's manager
        ("UCAROL", "@alice"),
    ],
)
def test_others_are_refused_without_revealing_anything(slack, fake, people, viewer, subject):
    reply, text = ask(slack, fake, viewer, subject)
    assert REFUSAL in text
    assert "¥" not in text and "%" not in text and "Alice" not in text
    assert "blocks" not in reply or not reply["blocks"]


def test_rep_sees_own_team_ranking_of_composites_only(slack, fake, people):
    _, text = ask(slack, fake, "UBOB", "team")
    assert "east · ranking · November 2026" in text
    lines = [line for line in text.splitlines() if line[:2] in ("1.", "2.", "3.")]
    assert [line.split()[1] for line in lines[:3]] == ["<@UALICE>", "<@UBOB>", "<@UXW>"]
    assert "106.7%" in text
    assert "¥" not in text and "Revenue" not in text  # nobody's raw numbers
    assert "UCAROL" not in text
    _, text = ask(slack, fake, "UBOB", "team west", 2)
    assert "you can see the ranking of your own team only" in text
    assert "UCAROL" not in text


def test_manager_sees_reporting_tree_with_metric_attainment(slack, fake, people):
    _, text = ask(slack, fake, "UEMGR", "team")
    assert "Your reporting tree" in text
    assert "Revenue 90.0%" in text and "Response time (h) 133.3%" in text
    assert "UCAROL" not in text
    _, text = ask(slack, fake, "UEMGR", "team west", 2)
    assert "own team only" in text and "UCAROL" not in text
    _, text = ask(slack, fake, "UDIR", "team")  # the director's tree spans both teams
    assert "<@UCAROL>" in text and "<@UALICE>" in text


def test_hr_sees_any_team_and_the_company(slack, fake, people):
    _, text = ask(slack, fake, "UHR", "team west")
    assert "<@UCAROL>" in text and "Revenue 50.0%" in text and "UALICE" not in text
    _, text = ask(slack, fake, "UHR", "team", 2)
    assert "Whole company" in text and "4. <@UXW>" in text


def test_app_home_shows_month_scorecard_and_trend(slack, fake, people):
    slack.event({"type": "app_home_opened", "user": "UALICE", "tab": "home", "channel": "D1"})
    assert fake.wait_for(lambda: fake.views("views.publish"))
    view = fake.views("views.publish")[0].params["view"]
    text = all_text(view)
    assert "Your KPIs · November 2026" in text and "106.7%" in text
    assert "Last 6 months" in text and "Oct 90.0%" in text and "Nov 106.7%" in text
    assert len(view["blocks"]) <= 100
