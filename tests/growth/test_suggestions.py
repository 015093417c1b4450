"""The development-suggestions job against known KPI numbers: exactly the weak metrics
(a lower-is-better one too) become suggestions with the right figures, once per rep, metric
and month (second run, month-end plus a review cycle's close), in each rep's language and at
their working hours."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from click.testing import CliRunner
from sqlmodel import select

from bot.core.config import AppConfig
from bot.core.periods import keys_of
from bot.features import find_job
from bot.kpi.validation import FactRow
from bot.kpi.writer import write_facts
from handlers.cli import cli
from storage.models.core import Delivery, User
from storage.models.growth import GoalSuggestion
from storage.models.kpi import KpiTarget
from storage.models.reviews import ReviewCycle
from tests.conftest import TEAM, TEST_CONFIG
from tests.support.reviews import start_cycle

METRICS = [
    {"key": "revenue", "label_en": "Revenue", "label_zh": "销售额", "unit": "CNY",
     "aggregate": "sum", "weight": 0.5},
    {"key": "conversion_rate", "label_en": "Conversion rate", "label_zh": "转化率",
     "unit": "%", "aggregate": "avg", "weight": 0.3},
    {"key": "discount_rate", "label_en": "Discount rate", "label_zh": "折扣率", "unit": "%",
     "aggregate": "avg", "higher_is_better": False, "weight": 0.2},
]  # fmt: skip
TRAINING = [
    {"key": "negotiation", "title_en": "Negotiation and closing", "title_zh": "商务谈判与成交技巧",
     "metrics": ["conversion_rate", "revenue"], "url": "https://learn.example.com/negotiation"},
    {"key": "pricing", "title_en": "Pricing without discounts", "title_zh": "不靠折扣的定价",
     "metrics": ["discount_rate"]},
]  # fmt: skip
CONFIG = {**TEST_CONFIG, "metrics": METRICS, "training": TRAINING}

# November 2026 (targets per person):
#   alice: revenue 95,000 of 100,000 -> 95% (strong); conversion (6 + 6) / 2 = 6 of 10 -> 60%
#          (weak); discount 20 against 10, lower is better -> 10/20 = 50% (weak)
#   xiaowang: conversion 7 of 10 -> 70% (weak, Chinese)
#   carol: revenue 50,000 of 100,000 -> 50% (weak); bob: targets, no facts (not judged)
#   eric (a manager with targets): conversion 9 of 10 -> 90% (strong)
FACTS = [
    ("alice", "2026-11-03", "revenue", "95000"),
    ("alice", "2026-11-04", "conversion_rate", "5"),
    ("alice", "2026-11-18", "conversion_rate", "7"),
    ("alice", "2026-11-05", "discount_rate", "20"),
    ("xiaowang", "2026-11-09", "conversion_rate", "7"),
    ("carol", "2026-11-10", "revenue", "50000"),
    ("east_mgr", "2026-11-10", "conversion_rate", "9"),
    # September (a quarterly cycle over Q3): alice's revenue 30,000 of 90,000 -> 33%
    ("alice", "2026-09-10", "revenue", "30000"),
]
TARGETS = [
    ("2026-11", who, metric, value)
    for who in ("alice", "xiaowang", "bob", "east_mgr")
    for metric, value in (("revenue", 100000), ("conversion_rate", 10), ("discount_rate", 10))
] + [("2026-11", "carol", "revenue", 100000), ("2026-Q3", "alice", "revenue", 90000)]

MONTH_END = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # Tuesday 10:00 in Shanghai


@pytest.fixture
def config() -> AppConfig:
    return AppConfig.model_validate(CONFIG)


def load(db, people) -> None:
    rows = []
    for line, (who, day, metric, value) in enumerate(FACTS, start=2):
        d = date.fromisoformat(day)
        micro = int(Decimal(value) * 1_000_000)
        rows.append(FactRow(line, people[who].id, metric, d, micro, None, keys_of(d)))
    with db.session() as session:
        write_facts(session, TEAM, rows)
        for period, who, metric, value in TARGETS:
            session.add(
                KpiTarget(
                    team_id=TEAM,
                    period=period,
                    user_id=people[who].id,
                    metric=metric,
                    target=int(Decimal(value) * 1_000_000),
                )
            )


def run(deps, as_of: datetime) -> str:
    job = find_job("development-suggestions")
    assert job is not None
    return job.func(deps, as_of)


def suggested(db) -> dict[tuple[str, str, str], tuple[float, str | None, str]]:
    with db.session() as s:
        rows = s.exec(select(GoalSuggestion)).all()
        names = {p.id: p.slack_id for p in s.exec(select(User))}
        return {
            (names[r.rep_id], r.metric, r.month): (round(r.attainment, 4), r.course, r.status)
            for r in rows
        }


EXPECTED = {
    ("UALICE", "conversion_rate", "2026-11"): (0.6, "negotiation", "pending"),
    ("UALICE", "discount_rate", "2026-11"): (0.5, "pricing", "pending"),
    ("UXW", "conversion_rate", "2026-11"): (0.7, "negotiation", "pending"),
    ("UCAROL", "revenue", "2026-11"): (0.5, "negotiation", "pending"),
}


def test_weak_metrics_of_the_month_become_suggestions_with_their_numbers(deps, db, org, fake):
    people = org.standard()
    load(db, people)
    summary = run(deps, MONTH_END)
    assert summary == "suggested 4 goal(s) to 3 rep(s); sent 3, failed 0"
    assert suggested(db) == EXPECTED  # strong (alice's revenue, eric) and no data (bob): none
    [alice] = fake.dms_to("UALICE")
    text = str(alice.params["blocks"])
    assert "*Conversion rate*: 60% of target in November 2026" in text
    assert "Suggested goal: Bring conversion rate to 100% of target by Dec 31, 2026" in text
    assert "<https://learn.example.com/negotiation|Negotiation and closing>" in text
    assert "*Discount rate*: 50% of target in November 2026" in text
    assert "Training that helps: Pricing without discounts" in text
    assert text.index("Discount rate") < text.index("Conversion rate")  # weakest first
    buttons = [
        e["action_id"]
        for b in alice.params["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    ]
    assert buttons == ["plan_suggestion_accept", "plan_suggestion_dismiss"] * 2
    [xw] = fake.dms_to("UXW")
    zh = str(xw.params["blocks"])
    assert "转化率：2026年11月达成率 70%" in zh
    assert "建议目标：2026年12月31日前将转化率提升到目标的 100%" in zh
    assert "商务谈判与成交技巧" in zh and "Negotiation" not in zh
    for nobody in ("UBOB", "UEMGR", "UHR", "UDIR", "UWMGR"):
        assert fake.dms_to(nobody) == []


def test_a_second_run_suggests_nothing_again(deps, db, org, fake):
    load(db, org.standard())
    run(deps, MONTH_END)
    again = run(deps, MONTH_END.replace(hour=5))
    assert again == "suggested 0 goal(s) to 0 rep(s); sent 0, failed 0"
    assert len(fake.dms_to("UALICE")) == 1 and len(suggested(db)) == 4


def test_scheduled_dms_wait_for_working_hours(deps, db, org, fake):
    load(db, org.standard())
    saturday_night = datetime(2026, 12, 5, 14, 0, tzinfo=UTC)  # 22:00 Saturday in Shanghai
    deps.config = AppConfig.model_validate(
        {**CONFIG, "workspace": {**CONFIG["workspace"], "quiet_hours": ["20:00", "08:00"]}}
    )
    summary = run(deps, saturday_night)
    assert summary == "suggested 4 goal(s) to 3 rep(s); sent 0, failed 0"
    assert fake.dms_to("UALICE") == []
    with db.session() as s:
        waits = {d.channel: d.not_before for d in s.exec(select(Delivery)).all()}
    monday_8 = datetime(2026, 12, 7, 0, 0, tzinfo=UTC)  # Monday 08:00 in Shanghai
    assert waits == {"UALICE": monday_8, "UXW": monday_8, "UCAROL": monday_8}
    deps.sender.flush(db, as_of=monday_8)
    assert len(fake.dms_to("UALICE")) == 1


def close(db, cycle_id: int, when: datetime) -> None:
    with db.session() as s:
        cycle = s.get(ReviewCycle, cycle_id)
        cycle.status, cycle.closed_at = "closed", when
        s.add(cycle)


def test_a_closed_cycle_suggests_for_its_periods_last_month_once(deps, db, org, fake):
    load(db, org.standard())
    quarterly, _ = start_cycle(db, TEAM, name="Q3", period="2026-Q3", due=date(2026, 10, 15))
    monthly, _ = start_cycle(
        db, TEAM, name="Nov", kind="monthly", period="2026-11", due=date(2026, 11, 30)
    )
    old, _ = start_cycle(db, TEAM, name="Q2", period="2026-Q2", due=date(2026, 7, 15))
    close(db, quarterly.id, datetime(2026, 11, 28, tzinfo=UTC))
    close(db, monthly.id, datetime(2026, 11, 30, tzinfo=UTC))
    close(db, old.id, datetime(2026, 11, 20, tzinfo=UTC))  # over 7 days before: not again
    summary = run(deps, MONTH_END)
    # Q3: alice's revenue 33% keyed by September; November's cycle = the month-end's
    assert summary == "suggested 5 goal(s) to 3 rep(s); sent 3, failed 0"
    assert suggested(db) == {
        **EXPECTED,
        ("UALICE", "revenue", "2026-09"): (0.3333, "negotiation", "pending"),
    }
    text = str(fake.dms_to("UALICE")[0].params["blocks"])
    assert "*Revenue*: 33% of target in September 2026" in text
    assert "by Oct 31, 2026" in text  # the end of the month after September
    assert run(deps, MONTH_END.replace(hour=6)).startswith("suggested 0 goal(s)")


def test_the_cli_runs_the_job(deps, db, org, fake, tmp_path, monkeypatch):
    load(db, org.standard())
    toml = tmp_path / "salespulse.toml"
    toml.write_text(
        '[workspace]\ntimezone = "Asia/Shanghai"\ndefault_locale = "en-US"\n'
        + "".join(_toml_table("metrics", m) for m in METRICS)
        + "".join(_toml_table("training", c) for c in TRAINING),
        encoding="utf-8",
    )
    for name, value in {
        "DATABASE_URL": db.url,
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_API_URL": fake.url,
        "SALESPULSE_CONFIG": str(toml),
        "SALESPULSE_TEAM_ID": TEAM,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    # the end of Dec 1 is night in Shanghai: the DMs wait for the morning
    ran = CliRunner().invoke(
        cli, ["jobs", "run", "development-suggestions", "--as-of", "2026-12-01"]
    )
    assert ran.exit_code == 0, ran.output
    assert ran.output == (
        "development-suggestions: suggested 4 goal(s) to 3 rep(s); sent 0, failed 0\n"
    )
    assert suggested(db) == EXPECTED


def _toml_table(name: str, item: dict) -> str:
    def value(v: object) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, str):
            return f'"{v}"'
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return str(v)

    return f"\n[[{name}]]\n" + "".join(f"{k} = {value(v)}\n" for k, v in item.items())
