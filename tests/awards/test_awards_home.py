"""Awards on the App Home, opened through the signed endpoint: everyone sees the awards they won;
HR (and admins) also see this year's announcements and last month's candidates once computed;
a rep or a manager never sees a candidate. Both languages, both databases."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.awards.candidates import month_candidates
from bot.awards.home import home_section
from bot.core.config import AppConfig
from bot.core.periods import parse_key
from bot.org.directory import actor
from tests.awards.export_support import NOV_26, app_config, award, candidates
from tests.support.home import open_home
from tests.support.kpi_fixture import load

OCT = parse_key("2026-10")


@pytest.fixture
def config() -> AppConfig:
    return app_config()


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=4, tzinfo=UTC)


@pytest.fixture
def people(org, deps, db):
    people = org.standard()
    people["hr_zh"] = org.person("UHRZH", "李人事", team=None, role="hr", locale="zh-CN")
    people["admin"] = org.person("UADM", "Ada Admin", team=None, role="admin")
    deps.clock = lambda: NOV_26
    load(db, "T0001", people)
    award(db, people["alice"], "champion", "2026-10", at("2026-11-02"))
    award(db, people["alice"], "hunter", "2026-09", at("2026-10-03"))
    award(db, people["bob"], "champion", "2025-12", at("2026-01-05"))  # announced this year
    award(db, people["xiaowang"], "champion", "2025-11", at("2025-12-02"))  # last year
    return people


def compute_october(deps) -> None:
    """What the award-candidates job stores for October (Part D's job; the ranking is real)."""
    with deps.db.session() as s:
        found = month_candidates(s, deps.config, "T0001", OCT, OCT.bounds("Asia/Shanghai"))
    candidates(deps.db, "2026-10", found)


def headers(view: dict) -> list[str]:
    return [b["text"]["text"] for b in view["blocks"] if b["type"] == "header"]


CANDIDATE_WORDS = (
    "Candidates",
    "候选人",
    "announced, ",
    "已宣布",
    "Revenue ¥90,000",
    "销售额 ¥90,000",
)


def test_hr_sees_this_years_awards_and_last_months_candidates(people, deps, slack, fake):
    compute_october(deps)
    view, text = open_home(slack, fake, "UHR")
    assert "Awards" in headers(view)
    assert "*Awards announced in 2026:* 3" in text
    assert (
        ":trophy: Sales Champion (October 2026) · <@UALICE>\n"
        ":dart: Customer Hunter (September 2026) · <@UALICE>\n"
        ":trophy: Sales Champion (December 2025) · <@UBOB>"
    ) in text
    assert "November 2025" not in text  # announced last year
    assert (
        "*Candidates for October 2026*\n"
        ":trophy: Sales Champion: announced, <@UALICE> :white_check_mark:\n"
        ":dart: Customer Hunter: <@UALICE> · Revenue ¥90,000"
    ) in text
    assert "Only HR and admins see the candidates" in text
    assert "*Whole company*" in text  # the company's participation, from bot/home/people.py


def test_an_admin_sees_them_too_and_in_chinese_for_a_chinese_hr(people, deps, slack, fake):
    compute_october(deps)
    _, text = open_home(slack, fake, "UADM")
    assert ":dart: Customer Hunter: <@UALICE> · Revenue ¥90,000" in text
    view, text = open_home(slack, fake, "UHRZH")
    assert "奖项" in headers(view)
    assert "*2026 年已宣布的奖项：* 3 个" in text
    assert ":trophy: 销售冠军（2026年10月） · <@UALICE>" in text
    assert "*2026年10月的候选人*" in text
    assert ":trophy: 销售冠军：已宣布，<@UALICE> :white_check_mark:" in text
    assert ":dart: 客户猎手：<@UALICE> · 销售额 ¥90,000" in text


def test_before_the_job_ran_hr_sees_no_candidates(people, slack, fake):
    _, text = open_home(slack, fake, "UHR")
    assert "*Awards announced in 2026:* 3" in text
    assert "Candidates" not in text


@pytest.mark.parametrize("who", ["UALICE", "UBOB", "UEMGR", "UDIR", "UXW"])
def test_a_rep_or_a_manager_never_sees_a_candidate(people, deps, slack, fake, who):
    compute_october(deps)
    _, text = open_home(slack, fake, who)
    assert not [w for w in CANDIDATE_WORDS if w in text], who
    assert "Awards announced" not in text and "已宣布的奖项" not in text


def test_everyone_sees_their_own_awards(people, deps, slack, fake):
    compute_october(deps)
    _, alice = open_home(slack, fake, "UALICE")
    assert (
        "*Your awards*\n:trophy: Sales Champion (October 2026)\n"
        ":dart: Customer Hunter (September 2026)"
    ) in alice
    assert "<@UBOB>" not in alice.split("*Your awards*")[1]
    _, bob = open_home(slack, fake, "UBOB")
    assert "*Your awards*\n:trophy: Sales Champion (December 2025)" in bob
    _, xiaowang = open_home(slack, fake, "UXW")
    assert "*你的奖项*\n:trophy: 销售冠军（2025年11月）" in xiaowang


def test_nothing_to_show_shows_nothing(people, slack, fake):
    view, text = open_home(slack, fake, "UCAROL")  # no award, not HR
    assert "Awards" not in headers(view) and "Your awards" not in text


def test_hr_with_nothing_announced_nor_computed_sees_nothing(org, deps, ws):
    hr = org.person("UHR", "Helen HR", team=None, role="hr")
    with deps.db.session() as s:
        assert home_section(ws, s, actor(s, deps.config, "T0001", hr.slack_id)) == []


def test_the_section_stays_small_with_many_awards(people, deps, ws):
    many = [
        {"key": f"a{i}", "name_en": f"Award {i}", "name_zh": f"奖项{i}", "criterion": "composite"}
        for i in range(30)
    ]
    deps.config = app_config(awards=many)
    for i in range(30):
        award(deps.db, people["alice"], f"a{i}", "2026-10", at("2026-11-02"))
    compute_october(deps)
    ws = deps.workspace()
    with deps.db.session() as s:
        for slack_id in ("UHR", "UALICE"):
            blocks = home_section(ws, s, actor(s, deps.config, "T0001", slack_id))
            assert 0 < len(blocks) <= 10
            assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in blocks)
