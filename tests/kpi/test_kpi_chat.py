"""/kpi through signed requests: own scorecard with the right numbers, other periods, a
report's scorecard for the manager chain / HR only, team rankings, App Home."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.support.kpi_fixture import kpi_config, load
from tests.support.slack import all_text, reply_to


def block_lines(reply: dict) -> list[str]:
    """Every line of the reply's blocks, in order, as the user sees them."""
    lines: list[str] = []
    for block in reply["blocks"]:
        texts = [block["text"]] if "text" in block else block.get("elements", [])
        for item in texts:
            lines.extend(item["text"].split("\n"))
    return lines


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
    """Nov 26 of a 30-day month: compared with Oct 1-26 (Alice's 90,000 of Oct 15 is in
    it), named once; pace against 26/30 of the target; one number format per metric."""
    reply, text = ask(slack, fake, "UALICE", "")
    assert reply["response_type"] == "ephemeral"
    assert block_lines(reply) == [
        "Your KPIs · November 2026",
        "Change (↑ ↓) vs the first 26 days of October",
        "*Composite score: 106.7%*  ↑ 16.7 pts",
        "#1 of 3 in team east · #1 of 4 in the company",
        "*Revenue*  `█████████░` 90.0%",
        "¥180,001 of ¥200,000 · ↑ ¥90,001",
        # 200,000 x 26 / 30 = 173,333 to date; 180,001 / 173,333 = 103.8%
        "On pace: 103.8% · 90.0% of the month's target so far",
        "*Customer satisfaction*  `██████████` 100.0%",
        "4.5 of 4.5 · no previous data",
        "*Biggest deal*  `██████████` 160.0%",
        "¥80,000 of ¥50,000 · no previous data",
        "*Pipeline*  `█████████░` 90.0%",
        "¥270,000 of ¥300,000 · no previous data",
        "*Response time (h)* (lower is better)  `██████████` 133.3%",
        "3.0 of 4.0 · no previous data",
        "Only you can see this. Attainment = actual ÷ target; composite = weighted mean, "
        "each metric capped at 150%.",
    ]
    assert "vs October" not in text.replace("vs the first 26 days of October", "")
    assert "-" not in text.split("Only you")[0].replace("·", "")  # no ↓ -19.8
    assert "carol" not in text.lower() and "UBOB" not in text
    assert len(reply["blocks"]) <= 50


def test_chinese_scorecard_and_period_words(slack, fake, people):
    _, text = ask(slack, fake, "UXW", "本季度")
    assert "你的 KPI · 2026年第4季度" in text
    _, text = ask(slack, fake, "UXW", "", 2)
    assert "销售额" in text and "¥0 / 目标 ¥100,000 · 无往期数据" in text
    assert "综合得分：0.0%*  无往期数据" in text and "团队 east 第 3 名（共 3 人）" in text
    assert "变化（↑ ↓）对比 10 月前 26 天" in text
    assert "按进度：0.0% · 已完成本月目标的 0.0%" in text


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
    # a complete week: the whole week before; the month's target prorated, in whole yuan
    _, text = ask(slack, fake, "UALICE", "2026-W46")
    assert "¥60,001 of ¥47,619 · ↓ ¥59,999" in text and "126.0%" in text
    assert "Change (↑ ↓) vs Week 45, 2026 (Nov 2, 2026 – Nov 8, 2026)" in text
    assert "On pace" not in text


def test_bad_period_and_help(slack, fake, people):
    _, text = ask(slack, fake, "UALICE", "lastmonth")
    assert "I don't know the period `lastmonth`" in text
    _, text = ask(slack, fake, "UALICE", "help", 2)
    assert "/kpi team" in text and "capped at 150%" in text
    _, text = ask(slack, fake, "UALICE", "month extra", 3)
    assert "I didn't understand `extra` after `month`" in text


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
    assert "¥180,001 of ¥200,000 · ↑ ¥90,001" in text


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
    assert "*Composite score: 106.7%*  ↑ 16.7 pts" in text  # the same numbers as /kpi
    assert "Change (↑ ↓) vs the first 26 days of October" in text
    assert "`█████████░` 90.0%  *Revenue* ¥180,001" in text
    assert "Last 6 months" in text and "Oct 90.0%" in text and "Nov 106.7%" in text
    assert len(view["blocks"]) <= 100


# --- honest comparisons: the same elapsed span, pace, no previous data, named periods -----

FRIDAY = datetime(2026, 11, 27, 4, 0, tzinfo=UTC)  # Friday, Nov 27 in Shanghai


def add_revenue(deps, org, user, days_and_amounts):  # type: ignore[no-untyped-def]
    from datetime import date

    from bot.core.periods import keys_of
    from bot.kpi.validation import FactRow
    from bot.kpi.writer import write_facts

    rows = []
    for line, (day, amount) in enumerate(days_and_amounts, start=2):
        d = date.fromisoformat(day)
        rows.append(FactRow(line, user.id, "revenue", d, amount * 10**6, None, keys_of(d)))
    with deps.db.session() as session:
        write_facts(session, org.team_id, rows)


@pytest.fixture
def friday(people, deps, org):
    """Bob (en) and 小王 (zh) sold 10,000 on Monday of week 47, 40,000 on its Saturday and
    20,000 this Wednesday; 小王 also 30,000 on Oct 5 and 500,000 on Oct 28."""
    deps.clock = lambda: FRIDAY
    week = [("2026-11-16", 10_000), ("2026-11-21", 40_000), ("2026-11-25", 20_000)]
    add_revenue(deps, org, people["bob"], week)
    add_revenue(
        deps, org, people["xiaowang"], [*week, ("2026-10-05", 30_000), ("2026-10-28", 500_000)]
    )
    return people


def test_week_in_progress_compares_monday_to_friday_in_both_languages(slack, fake, friday):
    """On a Friday the week is compared with last Monday-Friday (10,000), not the whole week
    (50,000: then it read `↓ ¥30,000`); the week's target (100,000 x 5 / 21 working days)
    is shown in whole yuan and prorated by 5 of 7 days for the pace."""
    reply, _ = ask(slack, fake, "UBOB", "week")
    lines = block_lines(reply)
    assert lines[:3] == [
        "Your KPIs · Week 48, 2026 (Nov 23, 2026 – Nov 29, 2026)",
        "Change (↑ ↓) vs Monday to Friday of week 47",
        "*Composite score: 33.6%*  ↑ 16.8 pts",
    ]
    revenue = lines.index("*Revenue*  `████████░░` 84.0%")
    assert lines[revenue + 1 : revenue + 3] == [
        "¥20,000 of ¥23,810 · ↑ ¥10,000",
        # 23,810 x 5 / 7 = 17,007 to date: 20,000 is 117.6% of it
        "On pace: 117.6% · 84.0% of the week's target so far",
    ]
    assert sum("vs" in line for line in lines) == 1  # named once per card
    reply, _ = ask(slack, fake, "UXW", "本周")
    lines = block_lines(reply)
    assert lines[:3] == [
        "你的 KPI · 2026年第48周（2026年11月23日 – 2026年11月29日）",
        "变化（↑ ↓）对比 第 47 周周一至周五",
        "*综合得分：33.6%*  ↑ 16.8 个百分点",
    ]
    revenue = lines.index("*销售额*  `████████░░` 84.0%")
    assert lines[revenue + 1 : revenue + 3] == [
        "¥20,000 / 目标 ¥23,810 · ↑ ¥10,000",
        "按进度：117.6% · 已完成本周目标的 84.0%",
    ]


def test_month_in_progress_in_chinese_and_no_previous_score(slack, fake, friday):
    """小王's Nov 1-27 (70,000) against Oct 1-27 (30,000; Oct 28's 500,000 comes later);
    October had no target for him, so there is no previous composite to compare."""
    reply, text = ask(slack, fake, "UXW", "")
    lines = block_lines(reply)
    assert lines[:3] == [
        "你的 KPI · 2026年11月",
        "变化（↑ ↓）对比 10 月前 27 天",
        "*综合得分：28.0%*  无往期数据",
    ]
    revenue = lines.index("*销售额*  `███████░░░` 70.0%")
    assert lines[revenue + 1 : revenue + 3] == [
        "¥70,000 / 目标 ¥100,000 · ↑ ¥40,000",
        "按进度：77.8% · 已完成本月目标的 70.0%",  # 70,000 of 90,000 due by the 27th
    ]
    assert "¥460,000" not in text and "↓ ¥" not in text


def test_named_previous_periods_in_both_languages(slack, fake, people):
    reply, _ = ask(slack, fake, "UALICE", "last-month")
    lines = block_lines(reply)
    assert lines[:3] == [
        "Your KPIs · October 2026",
        "Change (↑ ↓) vs September 2026",  # a complete period: the whole one before
        "*Composite score: 90.0%*  no previous data",
    ]
    assert "¥90,000 of ¥100,000 · no previous data" in lines  # never `↑ +¥90,000`
    assert not any("On pace" in line for line in lines)
    reply, _ = ask(slack, fake, "UXW", "上季度")
    assert block_lines(reply) == ["你的 KPI · 2026年第3季度", "2026年第3季度 还没有 KPI 数据。"]
    _, text = ask(slack, fake, "UEMGR", "<@UALICE|alice> last-year")
    assert "Alice Wong · KPIs · 2025" in text
    _, text = ask(slack, fake, "UHR", "team east last-week")
    assert "east · ranking · Week 47, 2026" in text
    _, text = ask(slack, fake, "UALICE", "help", 2)
    assert "`/kpi last-week|last-month|last-quarter|last-year`: the period before this one" in text
    _, text = ask(slack, fake, "UXW", "帮助", 2)
    assert "`/kpi 上周|上月|上季度|去年`：上一个周期" in text


def test_words_not_understood_are_named_in_the_users_language(slack, fake, people):
    _, text = ask(slack, fake, "UALICE", "month quarter")
    assert text == (
        "I didn't understand `quarter` after `month`: `/kpi` takes one period at most, "
        "like `/kpi month` or `/kpi last-month`."
    )
    _, text = ask(slack, fake, "UXW", "本月 季度")
    assert (
        text
        == "无法理解 `本月` 后面的 `季度`：`/kpi` 最多只能指定一个周期，例如 `/kpi 本月` 或 `/kpi 上月`。"
    )
    _, text = ask(slack, fake, "UALICE", "team east month quarter", 2)
    assert "I didn't understand `quarter` after `month`" in text
    _, text = ask(slack, fake, "UALICE", "lastmonth", 3)
    assert "I don't know the period `lastmonth`" in text and "last-month" in text


def test_kpi_and_the_digest_show_the_same_scorecard(slack, fake, people, deps):
    """One scorecard function: on the Monday the digest goes out, Alice's DM carries the
    lines /kpi shows her that day (month to date vs the first 30 days of October)."""
    from bot.features import find_job

    monday = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
    deps.clock = lambda: monday
    find_job("weekly-digest").func(deps, monday)
    [dm] = fake.dms_to("UALICE")
    reply, _ = ask(slack, fake, "UALICE", "")
    card = block_lines(reply)[:-1]  # without the "only you" footer
    assert card[1] == "Change (↑ ↓) vs the first 30 days of October"
    assert "¥180,001 of ¥200,000 · ↑ ¥90,001" in card
    digest = block_lines(dm.params)
    start = digest.index(card[0])
    assert digest[start : start + len(card)] == card
