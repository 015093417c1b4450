"""Chinese that reads as Chinese, as people get it through the real endpoint: help that
shows no refused command and the real limits, bold that Slack renders next to Chinese,
full-width punctuation, kudos called 点赞, and week labels never in nested parentheses."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from bot.core.config import AppConfig
from tests.support.feedback import CONFIG, home_of
from tests.support.kpi_fixture import kpi_config, load
from tests.support.slack import all_text, reply_to
from tests.support.zh_text import (
    bad_emphasis,
    english_words,
    half_width_next_to_cjk,
    max_paren_depth,
)

ALLOWED_ENGLISH = {"SalesPulse", "Slack", "KPI", "HR", "English"}


@pytest.fixture
def config() -> AppConfig:
    kudos = {"max_recipients": 7, "daily_limit": 4, "withdraw_minutes": 3}
    return AppConfig.model_validate({**CONFIG, "kudos": kudos})


def assert_reads_as_chinese(text: str) -> None:
    assert half_width_next_to_cjk(text) == [], text
    assert bad_emphasis(text) == [], text
    assert english_words(text) <= ALLOWED_ENGLISH, text


def handles(people) -> set[str]:
    return {p.handle for p in people.values()}


@pytest.mark.parametrize(
    ("command", "text"), [("/kudos", "帮助"), ("/feedback", "help"), ("/pulse", "help")]
)
def test_help_shows_xiaowang_no_command_refused_for_him(slack, fake, org, command, text):
    people = org.standard()
    slack.command("UXW", command, text)
    zh = all_text(reply_to(fake, "UXW")[0])
    assert "@小王" not in zh  # `/kudos @小王 …` shown to 小王 is a self-praise, refused
    shown = set(re.findall(r"@([^\s`\]|]+)", zh))
    assert shown & handles(people) == set(), shown  # nobody real in the examples
    assert "@同事" in zh
    assert "配置" not in zh
    assert_reads_as_chinese(zh)


def test_kudos_help_says_the_real_limits_in_both_languages(slack, fake, org):
    people = org.standard()
    slack.command("UXW", "/kudos", "help")
    zh = all_text(reply_to(fake, "UXW")[0])
    assert "`/kudos @同事 签下了华东大单 #客户第一`（一次最多为 7 人点赞）。" in zh
    assert "你每天可以点赞 4 次。" in zh and "3 分钟内移除回应即撤回" in zh
    assert "*/kudos：* 在表彰频道为同事公开点赞。" in zh
    slack.command("UALICE", "/kudos", "help")
    en = all_text(reply_to(fake, "UALICE")[0])
    assert "`/kudos @colleague great demo! #teamwork` (up to 7 people at once;" in en
    assert "You can give 4 kudos a day." in en and "within 3 minutes withdraws it" in en
    assert "config" not in en
    assert set(re.findall(r"@([^\s`\]|]+)", en)) & handles(people) == set()


def test_correction_dm_in_chinese_has_bold_slack_renders(slack, fake, org):
    org.standard()
    slack.command("UEMGR", "/feedback", "@小王 改进 报价要更快一些")
    assert fake.wait_for(lambda: len(fake.dms_to("UXW")) == 1)
    dm = fake.dms_to("UXW")[0].params
    body = dm["blocks"][0]["text"]["text"]
    assert body.startswith(":wrench: 来自 <@UEMGR> 的 *改进*\n> 报价要更快一些"), body
    assert "的*改进*" not in all_text(dm)
    assert bad_emphasis(all_text(dm)) == []
    assert fake.dms_to("UEMGR") == []  # the giver gets an ephemeral confirmation, no DM
    confirmation = all_text(reply_to(fake, "UEMGR")[0])
    assert "Your Correction was delivered privately to <@UXW>." in confirmation


def test_kudos_in_chinese_are_dianzan_for_giver_recipient_and_channel(slack, fake, org):
    org.standard()
    slack.command("UXW", "/kudos", "@alice @bob 拿下大单 #客户第一")
    giver = all_text(reply_to(fake, "UXW")[0])
    assert giver.startswith(":white_check_mark: 已为 <@UALICE>、<@UBOB> 公开点赞：<https://")
    assert_reads_as_chinese(giver)
    slack.command("UALICE", "/kudos", "<@UXW> thanks for the intro")
    assert fake.wait_for(lambda: len(fake.dms_to("UXW")) == 1)
    dm = all_text(fake.dms_to("UXW")[0].params)
    assert dm.startswith(":tada: <@UALICE> 为你点赞！<https://"), dm
    assert "表扬" not in dm and "kudos" not in dm
    assert "gave you kudos" in all_text(fake.dms_to("UALICE")[0].params)  # English for alice


def test_week_card_in_chinese_has_no_parentheses_in_parentheses(slack, fake, org, deps):
    people = org.standard()
    deps.config = kpi_config(deps.config)
    deps.clock = lambda: datetime(2026, 11, 26, 4, 0, tzinfo=UTC)
    load(deps.db, org.team_id, people)
    slack.command("UALICE", "/pulse", "lang zh")
    reply_to(fake, "UALICE", 1)
    slack.command("UALICE", "/kpi", "2026-W47")
    text = all_text(reply_to(fake, "UALICE", 2)[1])
    assert "你的 KPI · 2026年第47周（" in text
    assert "2026年第46周（" in text  # the comparison is on the card
    assert max_paren_depth(text) == 1, text
    assert "销售额：—" in text  # the fallback text too: `label：value`
    text = text.replace("响应时间(小时)", "响应时间")  # the operator's own label in the config
    assert half_width_next_to_cjk(text) == [], text


def _texts(payload: dict) -> list[str]:
    """Every mrkdwn or plain text in a message or view, one string per element."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") in ("mrkdwn", "plain_text") and isinstance(node.get("text"), str):
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(payload)
    return found + ([payload["text"]] if isinstance(payload.get("text"), str) else [])


def test_everything_a_chinese_rep_and_manager_read_has_chinese_punctuation(
    slack, fake, org, inflight
):
    """Catalog text and the labels, lists and separators the code puts around it."""
    org.standard()
    slack.command("UEMGR", "/pulse", "lang zh")
    for user, command, text in [
        ("UXW", "/pulse", "whoami"),
        ("UXW", "/kudos", "@alice 拿下大单 #客户第一"),
        ("UALICE", "/kudos", "<@UXW> thanks for the intro #teamwork"),
        ("UXW", "/feedback", "@bob 表扬 演示很精彩"),
        ("UEMGR", "/feedback", "@小王 改进 报价要更快一些"),
        ("UEMGR", "/feedback", "request @小王 for @bob about 报价速度"),
        ("UALICE", "/feedback", "<@UXW> praise great call"),
        ("UXW", "/feedback", "list"),
        ("UXW", "/kpi", "help"),
    ]:
        slack.command(user, command, text)
    assert fake.wait_for(lambda: len(fake.dms_to("UXW")) == 4), fake.calls
    assert inflight.wait_idle()  # every command's work is stored before the Homes are built
    home_of(slack, fake, "UXW")
    home_of(slack, fake, "UEMGR")
    calls = fake.dms_to("UXW") + fake.ephemerals("UXW") + fake.ephemerals("UEMGR")
    calls += [c for c in fake.views("publish") if c.params.get("user_id") in ("UXW", "UEMGR")]
    texts = [text for c in calls for text in _texts(c.params)]
    assert any("*Bob Chen*" in text and "反馈 1" in text for text in texts)  # manager's Home
    assert any("姓名：王小明" in text for text in texts)  # whoami's fallback text
    bad = {
        text: (half_width_next_to_cjk(text), bad_emphasis(text))
        for text in texts
        if half_width_next_to_cjk(text) or bad_emphasis(text) or max_paren_depth(text) > 1
    }
    assert bad == {}
