"""The `award-candidates` job: on the first working day of a month it computes the month
before once, and each HR person and admin gets one card in their language with the
candidate, the runner-up and their numbers. SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from click.testing import CliRunner
from sqlmodel import select

from bot.awards.job import award_candidates, month_due
from bot.core.config import AppConfig
from handlers.cli import cli
from storage.models.awards import AwardCandidates
from storage.models.core import Delivery, User
from storage.models.feedback import Kudos, KudosRecipient
from tests.awards.announce_support import (
    DEC_1,
    T,
    at_once,
    award_actions,
    awards_config,
    card_text,
    kpi_figures,
)
from tests.support.kpi_fixture import load
from tests.support.slack import all_text, reply_to
from tests.support.zh_text import bad_emphasis, half_width_next_to_cjk


@pytest.fixture
def config() -> AppConfig:
    return awards_config()


def praise(db, giver: User, *to: User, day: int = 10) -> None:
    with db.session() as session:
        kudos = Kudos(team_id=T, giver_id=giver.id, message="thanks",
                      created_at=datetime(2026, 11, day, 4, 0, tzinfo=UTC))  # fmt: skip
        session.add(kudos)
        session.flush()
        for user in to:
            session.add(KudosRecipient(team_id=T, kudos_id=kudos.id, user_id=user.id))


@pytest.fixture
def people(org, deps):
    found = org.standard()
    found["admin"] = org.person("UADM", "Ada Admin", team=None, role="admin", locale="zh-CN")
    load(deps.db, T, found)
    praise(deps.db, found["alice"], found["bob"])
    praise(deps.db, found["carol"], found["bob"], found["alice"], day=12)
    deps.clock = lambda: DEC_1
    return found


def rows(db) -> list[AwardCandidates]:
    with db.session() as session:
        return list(session.exec(select(AwardCandidates)).all())


def section_of(card: dict, award: str) -> str:
    """The text of one award's section on HR's card."""
    texts = [b["text"]["text"] for b in card["blocks"] if b.get("type") == "section"]
    return next(t for t in texts if award in t)


def test_hr_and_admins_get_one_card_each_with_candidates_and_numbers(people, deps, fake):
    summary = award_candidates(deps, DEC_1)
    assert summary.startswith("2026-11: candidates for 4 of 4 award(s); card queued for 2 HR")
    [row] = rows(deps.db)
    assert [c["slack_id"] for c in row.awards["champion"]] == ["UALICE", "UBOB", "UCAROL"]
    assert len(fake.dms_to("UHR")) == 1 and len(fake.dms_to("UADM")) == 1
    for user in ("UALICE", "UBOB", "UEMGR", "UDIR", "UXW", "UCAROL"):
        assert fake.dms_to(user) == [], user  # nobody else sees the candidates
    card = fake.dms_to("UHR")[0].params
    assert card["blocks"][0]["text"]["text"] == "Award candidates · November 2026"
    champion = section_of(card, "Sales Champion")
    assert ":first_place_medal: Candidate: <@UALICE> · Composite score 106.7% · #1 of 4" in champion
    assert ":second_place_medal: Runner-up: <@UBOB> · Composite score 63.3% · #2 of 4" in champion
    fastest = section_of(card, "Fastest Responder")
    assert "lowest Response time (h) of the month" in fastest
    assert "Candidate: <@UALICE> · Response time (h): 3.0 of 4.0 · attainment 133.3%" in fastest
    assert "Runner-up: <@UBOB> · Response time (h): 8.0 of 4.0 · attainment 50.0%" in fastest
    closer = section_of(card, "Top Closer")
    assert "Candidate: <@UALICE> · Revenue: ¥180,001 of ¥200,000 · attainment 90.0%" in closer
    liked = section_of(card, "Most Appreciated")
    assert "Candidate: <@UBOB> · 2 kudos received" in liked
    assert "Runner-up: <@UALICE> · 1 kudos received" in liked
    actions = award_actions(fake.dms_to("UHR")[0], "champion")
    button, other, anyone = actions["elements"]
    assert (button["action_id"], button["value"]) == ("award_announce", "UALICE")
    assert [o["text"]["text"] for o in other["options"]] == ["2. Bob Chen", "3. Carol Diaz"]
    assert anyone["type"] == "users_select"
    assert len(card["blocks"]) <= 50


def test_a_chinese_admin_gets_the_card_in_chinese(people, deps, fake):
    award_candidates(deps, DEC_1)
    card = fake.dms_to("UADM")[0].params
    text = card_text(card)
    assert "奖项候选人 · 2026年11月" in text
    assert ":trophy: *销售冠军* · 当月综合得分最高" in text
    assert (
        ":first_place_medal: 候选人：<@UALICE> · 综合得分 106.7% · 全公司第 1 名（共 4 人）" in text
    )
    assert ":second_place_medal: 第二名：<@UBOB>" in text
    assert "收到 2 个点赞" in text
    assert '"text": "宣布"' in json.dumps(card, ensure_ascii=False)  # the button
    text = text.replace("响应时间(小时)", "响应时间")  # the operator's own label
    assert half_width_next_to_cjk(text) == [] and bad_emphasis(text) == []


def test_the_card_shows_the_numbers_kpi_shows(people, deps, fake, slack):
    award_candidates(deps, DEC_1)
    champion = section_of(fake.dms_to("UHR")[0].params, "Sales Champion")
    for n, user in enumerate(("UALICE", "UBOB"), start=1):
        slack.command("UHR", "/kpi", f"<@{user}> 2026-11")
        score, company, team = kpi_figures(all_text(reply_to(fake, "UHR", n)[n - 1]))
        line = next(x for x in champion.splitlines() if f"<@{user}>" in x)
        assert f"Composite score {score} · #{company} in the company · #{team} in team" in line


def test_twice_or_at_once_the_month_is_computed_once_and_each_hr_gets_one_card(people, deps, fake):
    first = award_candidates(deps, DEC_1)
    again = award_candidates(deps, datetime(2026, 12, 2, 2, 0, tzinfo=UTC))
    assert "card queued for 2 HR" in first and again == "2026-11: computed already"
    at_once(*[lambda: award_candidates(deps, DEC_1)] * 3)
    assert len(rows(deps.db)) == 1
    assert len(fake.dms_to("UHR")) == 1 and len(fake.dms_to("UADM")) == 1


def test_parallel_first_runs_compute_once(people, deps, fake):
    answers = at_once(*[lambda: award_candidates(deps, DEC_1)] * 3)
    assert sum("card queued for 2 HR" in str(a) for a in answers) == 1, answers
    assert len(rows(deps.db)) == 1
    assert len(fake.dms_to("UHR")) == 1 and len(fake.dms_to("UADM")) == 1


def test_a_weekend_first_day_waits_for_the_first_working_day(people, deps, fake):
    # 1 November 2026 is a Sunday: October is judged on Monday the 2nd
    sunday = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
    assert award_candidates(deps, sunday).startswith("waiting for the first working day")
    assert rows(deps.db) == [] and fake.dms_to("UHR") == []
    summary = award_candidates(deps, datetime(2026, 11, 2, 2, 0, tzinfo=UTC))
    assert summary.startswith("2026-10: candidates for 2 of 4 award(s)")
    card = fake.dms_to("UHR")[0].params
    assert card["blocks"][0]["text"]["text"] == "Award candidates · October 2026"
    fastest = section_of(card, "Fastest Responder")
    assert "No candidate: nobody has numbers for this award in October 2026." in fastest
    assert "award_announce" not in str(award_actions(fake.dms_to("UHR")[0], "fastest"))


def test_the_workspace_weekend_decides_the_first_working_day(deps):
    # with Friday and Saturday off, 1 January 2027 (a Friday) waits for Sunday the 3rd
    config = AppConfig.model_validate({**deps.config.model_dump(),
                                       "workspace": {"weekend": ["fri", "sat"]}})  # fmt: skip
    friday = datetime(2027, 1, 1, 2, 0, tzinfo=UTC)
    assert month_due(config, friday) is None
    assert month_due(config, datetime(2027, 1, 3, 2, 0, tzinfo=UTC)).key == "2026-12"
    # in Shanghai 1 December starts at 16:00 UTC on 30 November
    assert month_due(deps.config, datetime(2026, 11, 30, 16, 30, tzinfo=UTC)).key == "2026-11"
    assert month_due(deps.config, datetime(2026, 11, 30, 15, 30, tzinfo=UTC)).key == "2026-10"


def test_held_to_each_hrs_working_hours(people, deps, fake):
    late = datetime(2026, 12, 1, 13, 0, tzinfo=UTC)  # 21:00 in Shanghai: quiet hours
    assert "sent 0" in award_candidates(deps, late)
    assert fake.dms_to("UHR") == []
    with deps.db.session() as session:
        held = session.exec(
            select(Delivery).where(Delivery.key.startswith("award-candidates:"))
        ).all()  # type: ignore[union-attr]
        assert {d.not_before.date() for d in held} == {date(2026, 12, 2)}


def test_the_cli_computes_for_the_month_before_the_date(people, deps, fake, tmp_path, monkeypatch):
    path = tmp_path / "salespulse.toml"
    path.write_text(
        '[workspace]\ntimezone = "Asia/Shanghai"\ndefault_locale = "en-US"\n'
        '[channels]\nannouncements = "CANNOUNCE"\n'
        '[[awards]]\nkey = "champion"\nname_en = "Sales Champion"\nname_zh = "销售冠军"\n',
        encoding="utf-8",
    )
    env = {"DATABASE_URL": deps.db.url, "SLACK_BOT_TOKEN": "xoxb-test",
           "SLACK_API_URL": fake.url, "SALESPULSE_CONFIG": str(path),
           "SALESPULSE_TEAM_ID": T}  # fmt: skip
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    out = CliRunner().invoke(cli, ["jobs", "run", "award-candidates", "--as-of", "2026-12-02"])
    assert out.exit_code == 0, out.output
    assert out.output.startswith("award-candidates: 2026-11: candidates for 1 of 1 award(s)")
    [row] = rows(deps.db)
    assert row.month == "2026-11"
