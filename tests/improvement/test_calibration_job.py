"""The `scheme-review` job: from the first working day of a quarter, each HR person and admin
gets the calibration card of the quarter that ended, once, in their language, at working
hours. SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from click.testing import CliRunner
from sqlmodel import select

from bot.core.config import AppConfig
from bot.improvement.calibration import scheme_review
from bot.org.hours import period_due
from handlers.cli import cli
from storage.models.core import Delivery
from tests.awards.announce_support import at_once, card_text
from tests.improvement.calibration_support import OCT_1, T, calibration_config, load, people
from tests.support.zh_text import bad_emphasis, half_width_next_to_cjk

COUNTED = ("UR01", "UR05", "UR10", "UEMGR", "UGONE", "UNORTH")


@pytest.fixture
def config() -> AppConfig:
    return calibration_config()


@pytest.fixture
def found(org, deps):
    everyone = people(org)
    load(deps.db, everyone)
    deps.clock = lambda: OCT_1
    return everyone


def sections(card: dict) -> list[str]:
    return [b["text"]["text"] for b in card["blocks"] if b.get("type") == "section"]


def section_of(card: dict, metric: str) -> str:
    return next(s for s in sections(card) if s.startswith(f"*{metric}*"))


def buttons(card: dict) -> list[tuple[str, str]]:
    return [
        (e["text"]["text"], e["value"])
        for b in card["blocks"]
        if b.get("type") == "actions"
        for e in b["elements"]
    ]


def deliveries(db) -> list[Delivery]:
    with db.session() as session:
        query = select(Delivery).where(Delivery.key.startswith("scheme-review:"))  # type: ignore[union-attr]
        return list(session.exec(query).all())


def test_hr_and_admins_get_the_card_of_the_quarter_that_ended(found, deps, fake):
    summary = scheme_review(deps, OCT_1)
    assert summary == "2026-Q3: 4 metric(s), 2 flagged; card queued for 2 HR; sent 2, failed 0"
    assert len(fake.dms_to("UHR")) == 1 and len(fake.dms_to("UADM")) == 1
    for user in COUNTED:
        assert fake.dms_to(user) == [], user  # nobody else gets it
    card = fake.dms_to("UHR")[0].params
    assert card["blocks"][0]["text"]["text"] == "KPI calibration · Q3 2026"
    assert section_of(card, "Calls") == (
        "*Calls* · 10 reps with a target\n"
        "At or above 100%: 8 of 10 (80.0%) · at the 150% cap: 6 of 10 (60.0%) · median "
        "attainment 150.0%\n"
        "Team medians: highest East 160.0%, lowest West 120.0% · spread 40.0 pts\n"
        ":warning: *Target too easy:* 6 of 10 reps (60.0%) were at the 150% cap, more than 50%."
    )
    revenue = section_of(card, "Revenue")
    assert "At or above 100%: 0 of 10 (0.0%) · at the 150% cap: 0 of 10 (0.0%)" in revenue
    assert "median attainment 65.0%" in revenue
    assert "highest West 70.0%, lowest East 60.0% · spread 10.0 pts" in revenue
    assert (
        ":warning: *Target too hard:* only 0 of 10 reps (0.0%) reached 100%, fewer than 10%."
        in revenue
    )
    csat = section_of(card, "Customer satisfaction")
    assert "7 of 10 (70.0%)" in csat and "median attainment 102.5%" in csat
    assert "spread 5.0 pts" in csat and ":warning:" not in csat
    hours = section_of(card, "Response time (h)")
    assert hours.startswith("*Response time (h)* (lower is better) · 10 reps with a target")
    assert "5 of 10 (50.0%)" in hours and "2 of 10 (20.0%)" in hours
    assert "median attainment 90.0%" in hours and ":warning:" not in hours
    assert buttons(card) == [("Open a suggestion thread", "2026-Q3|calls"),
                             ("Open a suggestion thread", "2026-Q3|revenue")]  # fmt: skip
    assert len(card["blocks"]) <= 50


def test_the_chinese_admin_gets_it_in_chinese(found, deps, fake):
    scheme_review(deps, OCT_1)
    card = fake.dms_to("UADM")[0].params
    text = card_text(card)
    assert "KPI 校准 · 2026年第3季度" in text
    assert "*电话量* · 有目标的 10 人" in text
    assert "达成 100% 及以上：10 人中 8 人（80.0%） · 达到 150% 上限：10 人中 6 人（60.0%）" in text
    assert "团队中位数：最高 华东 160.0%，最低 华西 120.0% · 相差 40.0 个百分点" in text
    assert ":warning: *目标过易：* 10 人中 6 人（60.0%）达到 150% 上限，超过 50%。" in text
    assert ":warning: *目标过难：* 10 人中只有 0 人（0.0%）达成 100%，少于 10%。" in text
    assert "*响应时间* （越低越好）" in text
    assert '"text": "发起建议讨论"' in json.dumps(card, ensure_ascii=False)
    assert half_width_next_to_cjk(text) == [] and bad_emphasis(text) == []


def test_twice_or_by_two_replicas_each_hr_gets_one_card(found, deps, fake):
    first = scheme_review(deps, OCT_1)
    again = scheme_review(deps, datetime(2026, 10, 2, 2, 0, tzinfo=UTC))
    assert "card queued for 2 HR" in first and again == "2026-Q3: reviewed already"
    answers = at_once(*[lambda: scheme_review(deps, OCT_1)] * 2)
    assert answers == ["2026-Q3: reviewed already"] * 2
    assert len(deliveries(deps.db)) == 2
    assert len(fake.dms_to("UHR")) == 1 and len(fake.dms_to("UADM")) == 1


def test_parallel_first_runs_send_each_card_once(found, deps, fake):
    answers = [str(a) for a in at_once(*[lambda: scheme_review(deps, OCT_1)] * 2)]
    queued = [int(a.split("queued for ")[1][0]) if "queued for" in a else 0 for a in answers]
    assert sum(queued) == 2 and all("queued for" in a or "reviewed already" in a
                                    for a in answers), answers  # fmt: skip
    assert sorted(d.key for d in deliveries(deps.db)) == [
        f"scheme-review:2026-Q3:{found['hr'].id}",
        f"scheme-review:2026-Q3:{found['admin'].id}",
    ]
    assert len(fake.dms_to("UHR")) == 1 and len(fake.dms_to("UADM")) == 1


def test_someone_who_becomes_hr_later_in_the_quarter_gets_it_once_too(found, deps, fake, org):
    scheme_review(deps, OCT_1)
    org.person("UHR2", "Hana HR", team=None, role="hr")
    later = datetime(2026, 10, 20, 2, 0, tzinfo=UTC)
    assert "card queued for 1 HR" in scheme_review(deps, later)
    assert scheme_review(deps, later) == "2026-Q3: reviewed already"
    assert len(fake.dms_to("UHR2")) == 1 and len(fake.dms_to("UHR")) == 1


def test_waits_for_the_first_working_day_of_the_quarter(found, deps, fake):
    # with Thursday and Friday off, 1 October 2026 (a Thursday) waits for Saturday the 3rd
    deps.config = AppConfig.model_validate(
        {**deps.config.model_dump(), "workspace": {"weekend": ["thu", "fri"]}}
    )
    assert scheme_review(deps, OCT_1) == (
        "waiting for the first working day of the quarter (2026-10-03)"
    )
    assert deliveries(deps.db) == [] and fake.dms_to("UHR") == []
    saturday = datetime(2026, 10, 3, 2, 0, tzinfo=UTC)
    assert scheme_review(deps, saturday).startswith("2026-Q3: 4 metric(s), 2 flagged")


def test_the_quarter_turns_in_the_workspace_time_zone(config):
    # 1 October starts at 16:00 UTC on 30 September in Shanghai
    assert period_due(config, datetime(2026, 9, 30, 16, 30, tzinfo=UTC), "quarter").key == (
        "2026-Q3"
    )
    assert period_due(config, datetime(2026, 9, 30, 15, 30, tzinfo=UTC), "quarter").key == (
        "2026-Q2"
    )
    # a weekend first day: 1 January 2028 is a Saturday
    assert period_due(config, datetime(2028, 1, 1, 2, 0, tzinfo=UTC), "quarter") is None
    assert period_due(config, datetime(2028, 1, 3, 2, 0, tzinfo=UTC), "quarter").key == ("2027-Q4")


def test_held_to_each_hrs_working_hours(found, deps, fake):
    late = datetime(2026, 10, 1, 13, 0, tzinfo=UTC)  # 21:00 in Shanghai: quiet hours
    assert scheme_review(deps, late).endswith("card queued for 2 HR; sent 0, failed 0")
    assert fake.dms_to("UHR") == []
    assert {d.not_before.date() for d in deliveries(deps.db)} == {date(2026, 10, 2)}


def test_the_cli_reviews_the_quarter_before_the_date(found, deps, fake, tmp_path, monkeypatch):
    path = tmp_path / "salespulse.toml"
    path.write_text(
        '[workspace]\ntimezone = "Asia/Shanghai"\ndefault_locale = "en-US"\n'
        '[[metrics]]\nkey = "calls"\nlabel_en = "Calls"\nlabel_zh = "电话量"\n',
        encoding="utf-8",
    )
    env = {"DATABASE_URL": deps.db.url, "SLACK_BOT_TOKEN": "xoxb-test",
           "SLACK_API_URL": fake.url, "SALESPULSE_CONFIG": str(path),
           "SALESPULSE_TEAM_ID": T}  # fmt: skip
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    out = CliRunner().invoke(cli, ["jobs", "run", "scheme-review", "--as-of", "2026-11-16"])
    assert out.exit_code == 0, out.output
    assert out.output.startswith("scheme-review: 2026-Q3: 1 metric(s), 1 flagged; card queued")
    assert {d.key.split(":")[1] for d in deliveries(deps.db)} == {"2026-Q3"}


def test_without_hr_nothing_is_sent(org, deps, fake):
    org.person("UR01", "Rep 1", handle="rep1")
    assert scheme_review(deps, OCT_1) == "2026-Q3: no HR or admin to send the card to"
    assert deliveries(deps.db) == []
