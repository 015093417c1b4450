"""/career end to end (signed requests, the fake Slack): my card, a report's card for their
manager chain and HR, refusals for everyone else (who learn nothing), help, both languages."""

from __future__ import annotations

import pytest

from bot.core.config import AppConfig
from bot.growth import career_views
from tests.growth.career_support import NOW, career_config, career_reply, career_world


@pytest.fixture
def config() -> AppConfig:
    return career_config()


@pytest.fixture
def world(db, org, deps):
    deps.clock = lambda: NOW
    return career_world(db, org)


def test_my_card_shows_each_criterion_with_my_number_the_required_one_and_met(slack, fake, world):
    reply = career_reply(slack, fake, "UALICE")
    assert "Your career" in reply
    assert "Level: *Sales Representative* (L1) → next: *Senior Sales Representative* (L2)" in reply
    assert "✅ *Composite (2026-08 to 2026-10)*: 85.0%; required 80.0%: met" in reply
    assert "✅ *Tenure*: 17 months; required 12 months: met" in reply
    assert "Manager rating" not in reply  # L1 asks none
    assert "✅ *Ready* for Senior Sales Representative" in reply
    assert career_views.ASK in reply  # the Request career guidance button


def test_missing_months_rating_and_tenure_not_met(slack, fake, world):
    reply = career_reply(slack, fake, "UBOB")
    assert "❌ *Composite (2026-08 to 2026-10)*: not enough data: 2 of 3 months" in reply
    assert "(average so far 110.0%); required 90.0%: not met" in reply
    assert "✅ *Manager rating*: 3.7 in 2026 Q3; required 3.5: met" in reply
    assert "❌ *Tenure*: 23 months; required 24 months: not met" in reply
    assert "❌ *Not ready yet* for Key Account Manager: 2 criteria not met." in reply


def test_chinese_card(slack, fake, world):
    reply = career_reply(slack, fake, "UXW")
    assert "你的职业发展" in reply
    assert "职级： *大客户经理* （L3）→ 下一职级： *销售总监* （L4）" in reply
    assert "✅ *综合得分（2026-05 至 2026-10）* ：100.0%；要求 100.0%：已达成" in reply
    assert "❌ *经理评分* ：2026 Q3 中没有经理评分；要求 4.0：未达成" in reply
    assert "❌ *司龄* ：入职日期未知；要求 36 个月：未达成" in reply
    assert "尚未具备晋升到 *销售总监* 的条件：有 2 项标准未达成" in reply
    assert "请求职业指导" in reply


def test_top_unknown_and_no_level_say_so(slack, fake, world):
    assert "the top level of the ladder" in career_reply(slack, fake, "UCAROL")
    assert "The level `L9` is not in the career ladder" in career_reply(slack, fake, "UWMGR")
    assert "No level in the directory; HR sets it in the org import." in career_reply(
        slack, fake, "UHR"
    )


@pytest.mark.parametrize("viewer", ["UEMGR", "UDIR", "UHR"])
def test_manager_chain_and_hr_see_a_report(slack, fake, world, viewer):
    reply = career_reply(slack, fake, viewer, "<@UBOB>")
    assert "Career of <@UBOB>" in reply
    assert "3.7 in 2026 Q3" in reply
    assert career_views.ASK not in reply  # only on one's own card


@pytest.mark.parametrize("viewer", ["UWMGR", "UALICE", "UCAROL"])
def test_anyone_else_is_refused_and_learns_nothing(slack, fake, world, viewer):
    reply = career_reply(slack, fake, viewer, "<@UBOB>")
    assert "only the person, their managers and HR" in reply
    for leak in ("3.7", "Senior Sales", "2026 Q3", "110.0%", "23 months"):
        assert leak not in reply


def test_a_refusal_in_chinese(slack, fake, world):
    reply = career_reply(slack, fake, "UXW", "<@UBOB>")
    assert "只有本人、其上级经理和 HR 可以查看" in reply


def test_help_in_both_languages(slack, fake, world):
    assert "`/career @colleague`" in career_reply(slack, fake, "UALICE", "help")
    assert "`/career @下属`" in career_reply(slack, fake, "UXW", "帮助")
