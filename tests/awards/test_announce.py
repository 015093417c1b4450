"""`/award` end to end: the celebration card and the winner's DM with the numbers /kpi shows,
once; the refusals, which post nothing; both languages. SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.core.config import AppConfig
from storage.models.awards import Award
from storage.models.core import User
from tests.awards.announce_support import (
    DEC_1,
    T,
    awards_config,
    card_text,
    channel_cards,
    kpi_figures,
)
from tests.support.kpi_fixture import load
from tests.support.slack import all_text, reply_to
from tests.support.zh_text import bad_emphasis, english_words, half_width_next_to_cjk


@pytest.fixture
def config() -> AppConfig:
    return awards_config()


@pytest.fixture
def people(org, deps):
    found = org.standard()
    load(deps.db, T, found)
    deps.clock = lambda: DEC_1
    return found


def awards(db) -> list[Award]:
    with db.session() as session:
        return list(session.exec(select(Award)).all())


def last_reply(fake, user: str, n: int) -> str:
    return all_text(reply_to(fake, user, n)[n - 1])


def test_award_posts_one_card_with_kpis_numbers_and_dms_the_winner(slack, fake, people, deps):
    slack.command("UHR", "/award", "<@UALICE> champion 2026-11 Best month of the year <!channel>")
    done = last_reply(fake, "UHR", 1)
    assert done.startswith(":white_check_mark: Announced :trophy: *Sales Champion* · November 2026")
    assert "<@UALICE>" in done and "<#CANNOUNCE>" in done
    [card] = channel_cards(fake)
    text = card_text(card)
    assert ":trophy: *Sales Champion* · November 2026\nCongratulations <@UALICE>!" in text
    assert "> Best month of the year @\u2060channel" in text  # made safe: pings nobody
    assert "<!channel>" not in text
    assert ":gift: Prize: CNY 5,000 bonus" in text
    # the numbers /kpi shows for alice's November, as HR asks for them
    slack.command("UHR", "/kpi", "<@UALICE> 2026-11")
    score, company, team = kpi_figures(last_reply(fake, "UHR", 2))
    assert f"Composite score {score}" in text
    assert f"#{company} in the company" in text
    assert f"#{team} in team east" in text
    assert score == "106.7%"  # worked out in tests/support/kpi_fixture.py
    assert fake.wait_for(lambda: len(fake.dms_to("UALICE")) == 1)
    dm = all_text(fake.dms_to("UALICE")[0].params)
    assert dm.startswith(
        ":tada: Congratulations! You won :trophy: *Sales Champion* · November 2026."
    )
    assert f"Composite score {score}" in dm and "<#CANNOUNCE>" in dm
    [row] = awards(deps.db)
    assert (row.award_key, row.month, row.reason) == (
        "champion",
        "2026-11",
        "Best month of the year <!channel>",
    )
    assert row.figures["slack_id"] == "UALICE" and row.figures["company_rank"] == 1


def test_month_defaults_to_the_last_complete_month_and_a_second_award_changes_nothing(
    slack, fake, people, deps, inflight
):
    slack.command("UHR", "/award", "<@UBOB> Sales Champion steady all month")
    assert "November 2026" in last_reply(fake, "UHR", 1)
    slack.command("UHR", "/award", "<@UALICE> 销售冠军 2026-11 no, alice")
    again = last_reply(fake, "UHR", 2)
    assert again == "Already announced: <@UBOB> by <@UHR> on Dec 1, 2026."
    assert inflight.wait_idle()
    assert len(channel_cards(fake)) == 1
    assert len(fake.dms_to("UBOB")) == 1 and fake.dms_to("UALICE") == []
    assert [(a.award_key, a.month) for a in awards(deps.db)] == [("champion", "2026-11")]


def test_a_lower_is_better_metric_award_shows_actual_target_and_attainment(slack, fake, people):
    slack.command("UHR", "/award", "<@UALICE> Fastest Responder answers within hours")
    reply_to(fake, "UHR", 1)
    text = card_text(channel_cards(fake)[0])
    # 3 hours on average against an allowance of 4: attainment 4/3, as /kpi shows it
    assert "Response time (h): 3.0 of 4.0 · attainment 133.3%" in text
    slack.command("UHR", "/kpi", "<@UALICE> 2026-11")
    assert "3.0 of 4.0" in last_reply(fake, "UHR", 2)
    slack.command("UHR", "/award", "<@UALICE> closer 2026-11 biggest month")
    reply_to(fake, "UHR", 3)
    assert "Revenue: ¥180,001 of ¥200,000 · attainment 90.0%" in card_text(channel_cards(fake)[1])


def test_only_hr_and_admins_may_award_and_nothing_is_posted(slack, fake, people, inflight):
    for user in ("UALICE", "UEMGR", "UDIR"):
        slack.command(user, "/award", "<@UALICE> champion 2026-11 me!")
        assert last_reply(fake, user, 1) == "Only HR and admins can announce awards."
    slack.command("UBOB", "/award", "garbage")  # refused before the text is read
    assert last_reply(fake, "UBOB", 1) == "Only HR and admins can announce awards."
    assert inflight.wait_idle()
    assert channel_cards(fake) == [] and fake.dms_to("UALICE") == []


def test_wrong_input_gets_the_usage_with_what_was_wrong(slack, fake, people, inflight):
    cases = [
        ("champion great", "Mention the winner first"),
        ("<@UALICE> chimpion great", "I don't know the award `chimpion`. Awards: `champion`, "
         "`fastest`, `closer`, `liked`."),
        ("<@UALICE> champion", "Add the reason after the award"),
        ("<@UALICE> champion 2026-13 why", "`2026-13` is not a month"),
    ]  # fmt: skip
    for n, (text, problem) in enumerate(cases, start=1):
        slack.command("UHR", "/award", text)
        reply = last_reply(fake, "UHR", n)
        assert reply.startswith(problem), reply
        assert "Usage: `/award @colleague <award> [YYYY-MM] <reason>`" in reply
        assert "`champion` *Sales Champion* · top composite score of the month" in reply
    assert inflight.wait_idle()
    assert channel_cards(fake) == []


def test_help_lists_the_awards_their_criteria_and_prizes(slack, fake, people):
    slack.command("UALICE", "/award", "help")
    text = last_reply(fake, "UALICE", 1)
    assert ":trophy: `champion` *Sales Champion* · top composite score of the month" in text
    assert ":gift: Prize: CNY 5,000 bonus" in text
    assert "`fastest` *Fastest Responder* · lowest Response time (h) of the month" in text
    assert "`liked` *Most Appreciated* · most kudos received in the month" in text
    slack.command("UXW", "/award", "")
    zh = last_reply(fake, "UXW", 1)
    assert "用法：`/award @同事 <奖项> [YYYY-MM] <理由>`" in zh
    assert ":trophy: `champion` *销售冠军* · 当月综合得分最高 · :gift: 奖励：奖金 5,000 元" in zh
    zh = zh.replace("响应时间(小时)", "响应时间")  # the operator's own label in the config
    assert half_width_next_to_cjk(zh) == [] and bad_emphasis(zh) == []


def test_refusals_name_the_problem_and_post_nothing(slack, fake, org, people, deps, inflight):
    org.person("UBOT2", "Robo Bot")
    org.person("UGONE", "Gone Person")
    with deps.db.session() as session:
        for slack_id, field in (("UBOT2", "is_bot"), ("UGONE", "deactivated")):
            user = session.exec(select(User).where(User.slack_id == slack_id)).one()
            setattr(user, field, True)
    slack.command("UHR", "/award", "<@UBOT2> champion 2026-11 beep")
    assert "<@UBOT2> can't win an award" in last_reply(fake, "UHR", 1)
    slack.command("UHR", "/award", "<@UGONE> champion 2026-11 gone")
    assert "<@UGONE> can't win an award" in last_reply(fake, "UHR", 2)
    slack.command("UHR", "/award", "<@UALICE> champion 2026-12 early")
    assert last_reply(fake, "UHR", 3).startswith("`2026-12` is not over yet")
    deps.config = awards_config(announcements=None)
    slack.command("UHR", "/award", "<@UALICE> champion 2026-11 fine")
    assert "set `[channels] announcements`" in last_reply(fake, "UHR", 4)
    assert inflight.wait_idle()
    assert channel_cards(fake) == [] and awards(deps.db) == []


def test_a_bilingual_channel_gets_one_card_in_both_languages(slack, fake, people, deps):
    deps.config = awards_config(announcements_locale="bilingual")
    slack.command("UHR", "/award", "<@UALICE> champion 2026-11 全年最佳")
    reply_to(fake, "UHR", 1)
    [card] = channel_cards(fake)
    text = card_text(card)
    assert "Congratulations <@UALICE>!" in text and "恭喜 <@UALICE>！" in text
    assert ":trophy: *销售冠军* · 2026年11月" in text
    assert "综合得分 106.7% · 全公司第 1 名" in text
    assert ":gift: 奖励：奖金 5,000 元" in text
    assert "*Why* / *获奖理由*\n> 全年最佳" in text
    assert text.index("Congratulations") < text.index("恭喜")  # the workspace's language first


def test_a_chinese_winner_gets_the_dm_in_chinese_and_a_chinese_channel_a_chinese_card(
    slack, fake, people, deps
):
    deps.config = awards_config(announcements_locale="zh-CN")
    slack.command("UHR", "/award", "<@UXW> liked 2026-11 大家都喜欢和他合作")
    reply_to(fake, "UHR", 1)
    assert fake.wait_for(lambda: len(fake.dms_to("UXW")) == 1)
    dm = all_text(fake.dms_to("UXW")[0].params)
    assert dm.startswith(":tada: 恭喜！你获得了 :clap: *人气之星* · 2026年11月。")
    assert "本月没有 KPI 数据。" in dm  # 小王 has no numbers: awarded by HR's choice
    assert "*获奖理由*\n> 大家都喜欢和他合作" in dm
    card = card_text(channel_cards(fake)[0])
    assert "恭喜 <@UXW>！" in card and "Congratulations" not in card
    for text in (dm, card):
        assert half_width_next_to_cjk(text) == [], text
        assert bad_emphasis(text) == [], text
        assert english_words(text) <= {"KPI"}, text
