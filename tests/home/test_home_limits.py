"""The Home's overviews stay inside Slack's Block Kit limits (100 blocks per view, 3000
characters per section) however many people or teams there are: lines are packed into a few
sections and what does not fit becomes "…and N more"."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from bot.core.periods import parse_key
from bot.home.views import CompanyRow, PersonRow, company_blocks, team_blocks
from bot.i18n import t
from demo.block_limits import check_blocks
from storage.models.core import User
from tests.support.home import line_of, open_home

LONG = "Representative with a rather long name from the sales organisation no."  # 70 chars


@pytest.fixture
def big_org(org, deps):
    """A manager with 60 reports over 30 sales teams (two each), and HR."""
    deps.clock = lambda: datetime(2026, 11, 26, 4, 0, tzinfo=UTC)
    org.person("UHR", "Helen HR", team=None, role="hr")
    boss = org.person("UBOSS", "Big Boss", team=None, role="manager")
    for i in range(60):
        org.person(f"UREP{i:02d}", f"{LONG} {i:02d}", team=f"team{i % 30:02d}", manager=boss)
    return boss


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_manager_with_60_reports_gets_a_valid_home_listing_all(slack, fake, big_org, deps, locale):
    with deps.db.session() as s:
        boss = s.exec(select(User).where(User.slack_id == "UBOSS")).one()
        boss.locale_override = locale
        s.add(boss)
    view, text = open_home(slack, fake, "UBOSS")  # checks the view against the limits
    for i in range(60):
        line_of(text, f"{LONG} {i:02d}")
    assert "more" not in text and "还有" not in text
    sections = [b for b in view["blocks"] if b["type"] == "section"]
    assert all(len(b["text"]["text"]) <= 3000 for b in sections)


def test_company_of_30_teams_gets_a_valid_home_listing_every_team(slack, fake, big_org):
    _, text = open_home(slack, fake, "UHR")
    for i in range(30):
        assert line_of(text, f"team{i:02d}").startswith(f"*team{i:02d}* · 2 people")
    assert line_of(text, "Whole company").startswith("*Whole company* · 62 people")
    assert line_of(text, "No sales team").startswith("*No sales team* · 2 people")


def _person(i: int) -> PersonRow:
    return PersonRow(f"{LONG} {i}", 1 + i % 3, [0.5, None, 1.2, 0.9, 1.0, 0.8], 3, 2, 1)


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_a_huge_team_is_cut_with_and_n_more(locale):
    month = parse_key("2026-11")
    assert month is not None
    blocks = team_blocks([_person(i) for i in range(400)], 1000, month, locale)
    assert check_blocks(blocks, 100) == []
    assert len(blocks) <= 9  # header, at most 6 sections, note, divider
    lines = [
        line for b in blocks if b["type"] == "section" for line in b["text"]["text"].split("\n")
    ]
    shown = len(lines) - 1
    assert lines[-1] == t("kpi.and_more", locale, count=1000 - shown) and shown > 100
    assert lines[-1] == {"en-US": f"…and {1000 - shown} more"}.get(locale, lines[-1])


def test_many_teams_fit_in_a_few_sections():
    month = parse_key("2026-11")
    assert month is not None
    rows = [CompanyRow("team", f"Team number {i}", 40, 0.9, 12, 30) for i in range(100)]
    blocks = company_blocks(rows, month, "en-US")
    assert check_blocks(blocks, 100) == [] and len(blocks) <= 9
    text = "\n".join(b["text"]["text"] for b in blocks if b["type"] == "section")
    assert all(f"*Team number {i}*" in text for i in range(100))
    assert "gave 12 of 40 (30.0%) · received 30 of 40 (75.0%)" in text
