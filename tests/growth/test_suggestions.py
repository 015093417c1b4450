"""The development-suggestions job against known KPI numbers: exactly the weak metrics
(a lower-is-better one too) become suggestions with the right figures, once per rep, metric
and month (second run, month-end plus a review cycle's close), in each rep's language and at
their working hours."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from click.testing import CliRunner
from sqlmodel import select

from bot.core.config import AppConfig
from bot.features import find_job
from handlers.cli import cli
from storage.models.core import Delivery, User
from storage.models.growth import GoalSuggestion
from storage.models.reviews import ReviewCycle
from tests.conftest import TEAM
from tests.growth.plan_support import CONFIG, METRICS, MONTH_END, TRAINING, load
from tests.support.reviews import start_cycle


@pytest.fixture
def config() -> AppConfig:
    return AppConfig.model_validate(CONFIG)


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
