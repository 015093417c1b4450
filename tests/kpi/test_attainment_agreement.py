"""Attainment, its cap and the rounding to a metric's decimals are written twice
(bot/kpi/attainment.py): in Python for single scorecards and team summaries, in SQL for the
rankings. The same inputs give the same capped attainment through both, on SQLite and
PostgreSQL."""

from __future__ import annotations

import math
from decimal import Decimal

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from bot.core.config import MetricConfig
from bot.kpi.attainment import (
    CAP,
    CAPPED_ATTAINMENT_SQL,
    attainment,
    capped,
    scale,
    shown,
    shown_sql,
)
from bot.kpi.store import to_decimal
from storage.db import Database


# What the ranking SQL sees: actuals and targets in micro-units as DOUBLE PRECISION (NULL:
# no facts), rounded to the metric's decimals, targets > 0 (rows without one are filtered
# out before), hib 1 or 0.
def _row(dialect: str) -> str:
    step = "CAST(:step AS DOUBLE PRECISION)"
    return (
        "SELECT "
        + CAPPED_ATTAINMENT_SQL
        + " FROM (SELECT "
        + shown_sql("y.actual", step, dialect)
        + " AS actual, "
        + shown_sql("y.target", step, dialect)
        + " AS target, y.hib FROM (SELECT CAST(:actual AS DOUBLE PRECISION) AS actual, "
        "CAST(:target AS DOUBLE PRECISION) AS target, :hib AS hib) y) x"
    )


micro = st.integers(min_value=-(10**17), max_value=10**17)  # |value| < 1e11 units
target_micro = st.integers(min_value=1, max_value=10**17)


def _metric(higher_is_better: bool, decimals: int) -> MetricConfig:
    return MetricConfig(
        key="m", label_en="M", label_zh="M", higher_is_better=higher_is_better, decimals=decimals
    )


def _python(metric: MetricConfig, actual: int | None, target: int) -> Decimal | None:
    return capped(attainment(metric, to_decimal(actual), to_decimal(target)))


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    higher_is_better=st.booleans(),
    actual=st.none() | micro,
    target=target_micro,
    decimals=st.integers(0, 4),
)
@example(higher_is_better=True, actual=None, target=10**6, decimals=0)  # no facts: 0
@example(higher_is_better=True, actual=0, target=5 * 10**6, decimals=0)
@example(higher_is_better=True, actual=-3, target=5, decimals=4)  # negative actual: 0
@example(higher_is_better=True, actual=15, target=10, decimals=4)  # cut to 0: no target
@example(higher_is_better=True, actual=1500, target=1000, decimals=4)  # exactly at the cap
@example(higher_is_better=True, actual=1600, target=1000, decimals=4)  # over it
@example(higher_is_better=False, actual=0, target=1000, decimals=4)  # nothing vs allowance
@example(higher_is_better=False, actual=-100, target=1000, decimals=4)
@example(higher_is_better=False, actual=1000, target=1500, decimals=4)  # exactly at the cap
@example(higher_is_better=False, actual=2000, target=1000, decimals=4)
@example(higher_is_better=True, actual=4_450_000, target=4_500_000, decimals=1)  # 4.5 of 4.5
@example(higher_is_better=True, actual=2_000_000, target=2_857_143, decimals=0)  # 2 of 3
@example(higher_is_better=True, actual=-2_500_000, target=10**6, decimals=0)  # a tie < 0
def test_python_and_sql_attainment_agree(
    db: Database, higher_is_better: bool, actual: int | None, target: int, decimals: int
) -> None:
    metric = _metric(higher_is_better, decimals)
    expected = _python(metric, actual, target)
    if expected is None:  # the target shows as 0: the SQL filters such rows out before
        assert shown(metric, to_decimal(target)) == 0
        return
    with db.engine.connect() as conn:
        params = {"actual": actual, "target": target, "hib": int(higher_is_better)}
        params["step"] = scale(metric)
        found = conn.execute(text(_row(conn.dialect.name)), params).scalar_one()
    assert 0 <= expected <= CAP
    # doubles hold 15-16 digits: past 10^9 units a tie may round one unit apart
    assert math.isclose(float(found), float(expected), rel_tol=1e-9, abs_tol=1e-12)


def test_shown_figures_are_what_attainment_is_computed_from():
    rating = _metric(True, 1)
    assert attainment(rating, Decimal("4.45"), Decimal("4.5")) == 1  # 4.5 of 4.5: 100%
    count = _metric(True, 0)
    assert attainment(count, Decimal(2), Decimal("2.857")) == Decimal(2) / 3  # 2 of 3
    assert attainment(count, Decimal(2), Decimal("0.4")) is None  # a target shown as 0
