"""Teams as people know them: the digest post in the team's language (`[teams.<key>] locale`,
or both languages in one card when "bilingual") with the team's display name, and `/kpi team`
finding a team by its key or either name, whatever the case; an unknown name lists only the
teams the asker may see."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from bot.core.config import AppConfig
from bot.features import find_job
from bot.i18n import t
from tests.support.feedback import home_of
from tests.support.kpi_fixture import kpi_config, load
from tests.support.slack import all_text, reply_to

MONDAY = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai: covers week 48
THURSDAY = datetime(2026, 11, 26, 4, 0, tzinfo=UTC)
CJK = re.compile(r"[\u3400-\u9fff]")
TEAMS = {
    "east": {"channel": "CEAST", "name_en": "East", "name_zh": "华东"},
    "west": {"channel": "CWEST", "name_en": "West", "name_zh": "华西", "locale": "en-US"},
}


def with_teams(base: AppConfig, default: str, **locales: str) -> AppConfig:
    teams = {
        key: {**team, **({"locale": locales[key]} if key in locales else {})}
        for key, team in TEAMS.items()
    }
    data = {**base.model_dump(), "teams": teams}
    data["workspace"] = {**data["workspace"], "default_locale": default}
    return AppConfig.model_validate(data)


@pytest.fixture
def people(org, deps):
    people = org.standard()
    deps.config = kpi_config(deps.config)
    load(deps.db, org.team_id, people)
    return people


def digest(deps, fake, default: str, **locales: str) -> dict[str, list]:
    deps.config = with_teams(deps.config, default, **locales)
    deps.clock = lambda: MONDAY
    find_job("weekly-digest").func(deps, MONDAY)
    return {ch: fake.messages(ch) for ch in ("CEAST", "CWEST")}


def test_english_team_gets_an_english_digest_in_a_chinese_workspace(deps, fake, people):
    posts = digest(deps, fake, "zh-CN")
    [west] = [all_text(c.params) for c in posts["CWEST"]]
    assert "Team West · weekly KPI digest · Week 48, 2026" in west
    assert "<@UCAROL>" in west and "Leaderboard, November 2026 to date" in west
    assert not CJK.search(west), west  # not a word of Chinese: no 团队, no 华西
    [east] = [all_text(c.params) for c in posts["CEAST"]]  # no locale: the workspace's
    assert t("digest.team_title", "zh-CN", team="华东", week="2026年第48周") in east
    assert "West" not in east and "east" not in east
    # The chart is titled with the team's display name in the channel's language.
    titles = {
        c.params["channel_id"]: c.params["files"][0]["title"]
        for c in fake.calls_to("files.completeUploadExternal")
    }
    assert titles["CWEST"] == "West · November 2026 · composite score"
    assert titles["CEAST"] == "华东 · 2026年11月 · 综合得分"
    # DMs follow each person: Alice (en-US) reads her team as "East", 小王 as 华东.
    [alice] = [all_text(c.params) for c in fake.dms_to("UALICE")]
    assert "in team East" in alice and "in team east" not in alice
    [xw] = [all_text(c.params) for c in fake.dms_to("UXW")]
    assert "团队 华东" in xw


def test_bilingual_team_gets_one_card_in_both_languages(deps, fake, people):
    posts = digest(deps, fake, "en-US", east="bilingual")
    [east] = posts["CEAST"]  # one message, not one per language
    text = all_text(east.params)
    en = t("digest.team_title", "en-US", team="East", week="Week 48, 2026")
    zh = t("digest.team_title", "zh-CN", team="华东", week="2026年第48周")
    assert en in text and zh in text and text.index(en) < text.index(zh)  # workspace's first
    assert en in east.params["text"] and zh in east.params["text"]  # the fallback: both
    blocks = east.params["blocks"]
    assert len(blocks) <= 50 and {"type": "divider"} in blocks
    assert all_text({"blocks": blocks}).count("1. <@UALICE>") == 2  # a leaderboard in each
    [west] = posts["CWEST"]
    assert not CJK.search(all_text(west.params))
    assert fake.violations == []


# --- /kpi team <name> --------------------------------------------------------------------------


@pytest.fixture
def asking(people, deps):
    deps.config = with_teams(deps.config, "en-US")
    deps.clock = lambda: THURSDAY
    return people


def ask(slack, fake, user, text, n=1):
    slack.command(user, "/kpi", text)
    return all_text(reply_to(fake, user, n)[n - 1])


@pytest.mark.parametrize("name", ["east", "East", "EAST", "华东"])
def test_kpi_team_finds_a_team_by_key_or_either_name(slack, fake, asking, name):
    text = ask(slack, fake, "UHR", f"team {name}")
    assert "East · ranking · November 2026" in text
    assert "1. <@UALICE>" in text and "<@UCAROL>" not in text


def test_kpi_team_title_in_the_readers_language(slack, fake, asking):
    text = ask(slack, fake, "UXW", "team East")
    assert "华东 · 排名 · 2026年11月" in text and "<@UALICE>" in text


def test_unknown_team_lists_only_the_teams_the_asker_may_see(slack, fake, asking):
    text = ask(slack, fake, "UBOB", "team north")
    assert "Unknown team `north`. Teams you can see: East." in text
    assert "West" not in text and "Nobody in" not in text
    zh = ask(slack, fake, "UXW", "team 北区")
    assert "未知团队：`北区`。你可以查看的团队：华东。" in zh and "华西" not in zh
    hr = ask(slack, fake, "UHR", "team north month")
    assert "Teams you can see: East, West." in hr
    manager = ask(slack, fake, "UWMGR", "team 南区")
    assert "Teams you can see: West." in manager and "East" not in manager


def test_a_known_team_the_asker_may_not_see_is_still_refused(slack, fake, asking):
    text = ask(slack, fake, "UBOB", "team 华西")
    assert "you can see the ranking of your own team only" in text and "UCAROL" not in text


def test_home_shows_the_team_by_its_name_in_the_readers_language(slack, fake, asking):
    assert "East" in home_of(slack, fake, "UALICE")
    zh = home_of(slack, fake, "UXW")
    assert "华东" in zh and "east" not in zh.replace("UEMGR", "")
