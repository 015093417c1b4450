"""App Home through signed `app_home_opened` events: a manager sees each person of their
reporting tree (composite, trend, this month's counts), HR sees the company by team
(attainment, participation), exact numbers, both languages; and who must NOT see what."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from storage.models.core import User
from storage.models.feedback import Feedback
from storage.models.kpi import KpiTarget
from tests.conftest import TEAM
from tests.support.home import feedback, kudos, line_of, open_home, request
from tests.support.kpi_fixture import kpi_config, load

SECRETS = ("FB-SECRET-PRAISE", "FB-SECRET-CORRECTION", "FB-SECRET-SUGGESTION", "FB-SECRET-OCT")


@pytest.fixture
def people(org, deps):
    """The standard org with the KPI fixture (November 2026: alice 106.7%, bob 63.3%, 王小明
    0.0%, carol 50.0%; alice October 90.0%), and this month's feedback and kudos:

    feedback  alice→bob praise, carol→bob correction, eric→王小明 suggestion (November);
              bob→alice (October: not this month)
    kudos     王小明→carol, alice→bob+carol (November); wendy→alice withdrawn
    requests  about alice: one ask still open; about bob: every ask answered"""
    p = org.standard()
    deps.config = kpi_config(deps.config)
    deps.clock = lambda: datetime(2026, 11, 26, 4, 0, tzinfo=UTC)  # Thursday, Nov 26
    load(deps.db, org.team_id, p)
    db, team = deps.db, org.team_id
    feedback(db, team, p["alice"], p["bob"], "2026-11-05", SECRETS[0], "praise")
    feedback(db, team, p["carol"], p["bob"], "2026-11-10", SECRETS[1], "correction")
    feedback(db, team, p["east_mgr"], p["xiaowang"], "2026-11-12", SECRETS[2], "suggestion")
    feedback(db, team, p["bob"], p["alice"], "2026-10-20", SECRETS[3], "praise")
    kudos(db, team, p["xiaowang"], [p["carol"]], "2026-11-03")
    kudos(db, team, p["alice"], [p["bob"], p["carol"]], "2026-11-20")
    kudos(db, team, p["west_mgr"], [p["alice"]], "2026-11-04", withdrawn=True)
    request(
        db,
        team,
        p["alice"],
        p["alice"],
        [(p["bob"], "open"), (p["carol"], "answered")],
        "2026-11-16",
    )
    request(db, team, p["east_mgr"], p["bob"], [(p["alice"], "answered")], "2026-11-16")
    return p


def set_language(db, slack_id: str, locale: str) -> None:
    with db.session() as s:
        user = s.exec(select(User).where(User.slack_id == slack_id)).one()
        user.locale_override = locale
        s.add(user)


def test_manager_sees_each_report_with_composite_trend_and_counts(slack, fake, people):
    _, text = open_home(slack, fake, "UEMGR")
    assert "Your team · November 2026" in text
    alice = line_of(text, "Alice Wong")
    assert "106.7%" in alice and "    ▆█" in alice  # Jun-Sep no target, Oct 90.0%, Nov 106.7%
    assert alice.endswith(" · feedback 0 · kudos 0 · open requests 1")  # October's, withdrawn
    bob = line_of(text, "Bob Chen")
    assert "63.3%" in bob and bob.endswith(" · feedback 2 · kudos 1 · open requests 0")
    xw = line_of(text, "王小明")
    assert "0.0%" in xw and xw.endswith(" · feedback 1 · kudos 0 · open requests 0")
    # their own empty KPI card is gone; the text of feedback about them is not on these lines
    assert "Your KPIs" not in text and "No KPI data" not in text
    assert "Carol" not in text and "Wendy" not in text  # another team's people
    assert "The company by team" not in text


def test_director_sees_the_whole_tree_in_order(slack, fake, people):
    _, text = open_home(slack, fake, "UDIR")
    names = [
        "Eric East",
        "↳ *Alice Wong",
        "↳ *Bob Chen",
        "↳ *王小明",
        "Wendy West",
        "↳ *Carol Diaz",
    ]
    positions = [text.index(n) for n in names]
    assert positions == sorted(positions)
    assert "50.0%" in line_of(text, "Carol Diaz")
    assert line_of(text, "Carol Diaz").endswith(" · feedback 0 · kudos 2 · open requests 0")
    assert "—" in line_of(text, "Eric East")  # a manager without a target has no composite


def test_manager_home_in_chinese(slack, fake, people, deps):
    set_language(deps.db, "UEMGR", "zh-CN")
    _, text = open_home(slack, fake, "UEMGR")
    assert "你的团队 · 2026年11月" in text
    assert line_of(text, "Bob Chen").endswith(" · 反馈 2 · 点赞 1 · 未完成的反馈请求 0")
    assert "106.7%" in line_of(text, "Alice Wong")
    team = text[text.index("你的团队") : text.index("`/kpi @同事` 查看详情。")]
    assert "Your team" not in text and "kudos" not in team.lower() and "feedback" not in team


def test_hr_sees_the_company_by_team_with_exact_participation(slack, fake, people):
    _, text = open_home(slack, fake, "UHR")
    assert "The company by team · November 2026" in text
    # 8 people; gave: alice, carol, eric, 王小明; received: bob, 王小明, carol
    company = line_of(text, "Whole company")
    assert "8 people" in company and "55.0%" in company  # (106.7 + 63.3 + 0 + 50) / 4
    assert company.endswith("gave 4 of 8 (50.0%) · received 3 of 8 (37.5%)")
    east = line_of(text, "east")  # eric, alice, bob, 王小明; ranked: alice, bob, 王小明
    assert "4 people" in east and "56.7%" in east
    assert east.endswith("gave 3 of 4 (75.0%) · received 2 of 4 (50.0%)")
    west = line_of(text, "west")
    assert "2 people" in west and "50.0%" in west
    assert west.endswith("gave 1 of 2 (50.0%) · received 1 of 2 (50.0%)")
    nobody = line_of(text, "No sales team")  # HR and the director
    assert "2 people" in nobody and nobody.endswith("gave 0 of 2 (0.0%) · received 0 of 2 (0.0%)")
    assert text.index("Whole company") < text.index("*east*") < text.index("*west*")
    assert "No KPI data" not in text and "Your KPIs" not in text


def test_hr_home_has_no_feedback_text_and_no_person(slack, fake, people):
    view, text = open_home(slack, fake, "UHR")
    raw = str(view)
    for secret in SECRETS:
        assert secret not in raw
    for person in ("Alice", "Bob", "Carol", "王小明", "UALICE", "UBOB", "UCAROL", "UXW"):
        assert person not in raw, person
    assert "Your team" not in text  # HR has no reports


def test_hr_home_in_chinese_with_team_display_names(slack, fake, people, deps):
    deps.config = deps.config.model_copy(
        update={
            "teams": {
                key: team.model_copy(update={"name_en": name_en, "name_zh": name_zh})
                for (key, team), (name_en, name_zh) in zip(
                    deps.config.teams.items(), [("East", "华东"), ("West", "华西")], strict=True
                )
            }
        }
    )
    set_language(deps.db, "UHR", "zh-CN")
    _, text = open_home(slack, fake, "UHR")
    assert "各团队概况 · 2026年11月" in text
    assert line_of(text, "全公司").endswith("给出 4/8（50.0%）· 收到 3/8（37.5%）")
    east = line_of(text, "华东")
    assert "4 人" in east and "达成率" in east and "56.7%" in east
    assert east.endswith("给出 3/4（75.0%）· 收到 2/4（50.0%）")
    assert line_of(text, "不属于销售团队").endswith("给出 0/2（0.0%）· 收到 0/2（0.0%）")


@pytest.mark.parametrize("user", ["UBOB", "UXW", "UCAROL"])
def test_a_reps_home_has_no_colleague_figures(slack, fake, people, user):
    view, text = open_home(slack, fake, user)
    raw = str(view)
    assert "Your team" not in text and "你的团队" not in text
    assert "company by team" not in text and "各团队概况" not in text
    colleagues = {"UBOB": ("Alice", "106.7%"), "UXW": ("Alice", "Bob", "106.7%", "63.3%")}
    for figure in colleagues.get(user, ("Alice", "Bob", "106.7%", "63.3%")):
        assert figure not in raw, (user, figure)


def test_another_teams_manager_sees_only_their_people(slack, fake, people):
    view, text = open_home(slack, fake, "UWMGR")
    assert "50.0%" in line_of(text, "Carol Diaz")
    for other in ("Alice", "Bob", "王小明", "106.7%", "63.3%"):
        assert other not in str(view), other


def test_this_month_is_the_workspaces_whoever_looks(slack, fake, people, deps):
    """Counts run from the 1st in the workspace's time zone (Shanghai), not the viewer's: a
    manager in Los Angeles sees what HR in Shanghai sees."""
    with deps.db.session() as s:
        wendy = s.exec(select(User).where(User.slack_id == "UWMGR")).one()
        wendy.timezone = "America/Los_Angeles"
        s.add(wendy)
    with deps.db.session() as s:  # Nov 1, 01:00 in Shanghai; still Oct 31, 10:00 in LA
        s.add(
            Feedback(
                team_id=TEAM,
                giver_id=people["hr"].id,
                recipient_id=people["carol"].id,
                kind="praise",
                message="first of the month",
                created_at=datetime(2026, 10, 31, 17, 0, tzinfo=UTC),
            )
        )
        s.add(  # Oct 31, 23:00 in Shanghai: last month
            Feedback(
                team_id=TEAM,
                giver_id=people["hr"].id,
                recipient_id=people["carol"].id,
                kind="praise",
                message="end of last month",
                created_at=datetime(2026, 10, 31, 15, 0, tzinfo=UTC),
            )
        )
    _, text = open_home(slack, fake, "UWMGR")
    assert line_of(text, "Carol Diaz").endswith(" · feedback 1 · kudos 2 · open requests 0")


def test_a_manager_with_kpi_data_of_their_own_keeps_their_scorecard(slack, fake, people, deps):
    with deps.db.session() as s:
        s.add(
            KpiTarget(
                team_id=TEAM,
                period="2026-11",
                user_id=people["east_mgr"].id,
                metric="revenue",
                target=50_000 * 1_000_000,
            )
        )
    _, text = open_home(slack, fake, "UEMGR")
    assert "Your KPIs · November 2026" in text and "Your team · November 2026" in text
    assert text.index("Your team") < text.index("Your KPIs")  # their people first
