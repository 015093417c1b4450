"""The calibration figures against a quarter with known attainments
(tests/improvement/calibration_support.py): shares at 100% and at the cap, medians, the team
spread, the flags, who counts. SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.core.config import AppConfig, MetricConfig
from bot.core.periods import parse_key
from bot.improvement.calibration import (
    TOO_EASY,
    TOO_EASY_AT_CAP,
    TOO_HARD,
    TOO_HARD_AT_TARGET,
    Calibration,
    calibration,
)
from bot.improvement.calibration_figures import metric_calibration
from tests.improvement.calibration_support import Q3, T, calibration_config, load, people


@pytest.fixture
def config() -> AppConfig:
    return calibration_config()


@pytest.fixture
def figures(org, deps) -> Calibration:
    load(deps.db, people(org))
    with deps.db.session() as session:
        return calibration(session, deps.config, T, parse_key(Q3))


def test_a_target_most_reps_cap_is_too_easy(figures):
    calls = figures.of("calls")
    assert (calls.reps, calls.at_target, calls.at_cap) == (10, 8, 6)
    assert calls.share_at_target == Decimal("0.8") and calls.share_at_cap == Decimal("0.6")
    assert calls.median == Decimal("1.5")
    assert (calls.top.team, calls.top.median) == ("east", Decimal("1.6"))
    assert (calls.bottom.team, calls.bottom.median) == ("west", Decimal("1.2"))
    assert calls.spread_points == Decimal("40.0")
    assert calls.flags == (TOO_EASY,)


def test_a_target_almost_nobody_reaches_is_too_hard(figures):
    revenue = figures.of("revenue")
    # r5 has a target and no revenue at all: 0%, counted
    assert (revenue.reps, revenue.at_target, revenue.at_cap) == (10, 0, 0)
    assert revenue.median == Decimal("0.65")
    assert (revenue.top.team, revenue.top.median) == ("west", Decimal("0.7"))
    assert (revenue.bottom.team, revenue.bottom.median) == ("east", Decimal("0.6"))
    assert revenue.spread_points == Decimal("10.0")
    assert revenue.flags == (TOO_HARD,)


def test_a_fine_target_is_not_flagged(figures):
    csat = figures.of("csat")
    assert (csat.reps, csat.at_target, csat.at_cap) == (10, 7, 0)
    assert csat.median == Decimal("1.025")
    assert (csat.top.team, csat.bottom.team, csat.spread_points) == ("west", "east", Decimal("5.0"))
    assert csat.flags == ()
    assert [m.metric.key for m in figures.flagged] == ["calls", "revenue"]


def test_lower_is_better_reads_the_allowance_the_right_way_round(figures):
    hours = figures.of("response_hours")
    # 2h and 2.5h of a 4h allowance are at the cap; 10h is 40%
    assert (hours.reps, hours.at_target, hours.at_cap) == (10, 5, 2)
    assert hours.median == Decimal("0.9")
    assert (hours.top.team, hours.top.median) == ("east", Decimal("1.0"))
    assert (hours.bottom.team, hours.bottom.median) == ("west", Decimal("0.8"))
    assert hours.spread_points == Decimal("20.0")
    assert hours.flags == ()


def test_only_active_reps_with_a_target_count(figures):
    # the manager's own target, the deactivated rep, the bot and the rep without a target
    # would each change the calls figures
    assert {m.metric.key: m.reps for m in figures.metrics} == {
        "calls": 10, "revenue": 10, "csat": 10, "response_hours": 10,
    }  # fmt: skip


def test_other_periods_and_a_period_without_targets(org, deps):
    load(deps.db, people(org))
    with deps.db.session() as session:
        august = calibration(session, deps.config, T, parse_key("2026-08"))
        year = calibration(session, deps.config, T, parse_key("2026"))
    assert [m.reps for m in august.metrics] == [0, 0, 0, 0]
    assert august.of("calls").median is None and august.flagged == []
    assert august.of("calls").share_at_target is None and august.of("calls").top is None
    assert [m.reps for m in year.metrics] == [0, 0, 0, 0]


def _metric(higher: bool = True) -> MetricConfig:
    return MetricConfig(key="m", label_en="M", label_zh="指标", higher_is_better=higher)


def test_the_flags_thresholds_are_strict():
    assert (Decimal("0.5"), Decimal("0.1")) == (TOO_EASY_AT_CAP, TOO_HARD_AT_TARGET)
    half_capped = [("a", Decimal("1.5"))] * 5 + [("a", Decimal("1"))] * 5
    assert metric_calibration(_metric(), half_capped).flags == ()  # 50%: not "most"
    most = [("a", Decimal("1.5"))] * 6 + [("a", Decimal("1"))] * 4
    assert metric_calibration(_metric(), most).flags == (TOO_EASY,)
    one_in_ten = [("a", Decimal("1"))] + [("a", Decimal("0.5"))] * 9
    assert metric_calibration(_metric(), one_in_ten).flags == ()  # 10%: not "almost nobody"
    none = [("a", Decimal("0.99"))] * 11
    assert metric_calibration(_metric(), none).flags == (TOO_HARD,)


def test_one_team_has_no_spread_and_reps_without_a_team_count_in_the_company_only():
    found = metric_calibration(
        _metric(), [("east", Decimal("1")), (None, Decimal("3")), ("east", Decimal("0.5"))]
    )
    assert (found.reps, found.median, found.at_cap) == (3, Decimal("1"), 1)
    assert found.teams[0].median == Decimal("0.75") and found.teams[0].reps == 2
    assert found.top is None and found.bottom is None and found.spread_points is None


def test_the_spread_is_taken_from_the_medians_as_shown():
    found = metric_calibration(
        _metric(), [("east", Decimal("0.90049")), ("west", Decimal("0.50051"))]
    )
    # 90.0% and 50.1% as shown: 39.9 pts, not 40.0
    assert found.spread_points == Decimal("39.9")


def test_a_card_of_many_metrics_stays_within_slacks_50_blocks():
    from bot.core.periods import parse_key as key_of
    from bot.improvement import calibration_views as views

    metrics = [MetricConfig(key=f"m{i}", label_en=f"M{i}", label_zh=f"指标{i}") for i in range(30)]
    capped = [("east", Decimal("1.5")), ("west", Decimal("1.6"))]
    found = Calibration(key_of(Q3), [metric_calibration(m, capped) for m in metrics])
    card = views.card(AppConfig.model_validate({"metrics": []}), found, "en-US")
    assert len(card["blocks"]) <= 50
    assert card["blocks"][-1]["elements"][0]["text"].startswith("…and 15 more metric(s)")
    fine = Calibration(key_of(Q3), [metric_calibration(m, []) for m in metrics])
    card = views.card(AppConfig.model_validate({"metrics": []}), fine, "en-US")
    assert len(card["blocks"]) <= 50 and card["blocks"][-1]["type"] == "actions"
