"""Attainment and its cap are written twice (bot/kpi/attainment.py): in Python for single
scorecards and team summaries, in SQL for the rankings. The same inputs give the same
capped attainment through both, on SQLite and PostgreSQL."""

from __future__ import annotations

import math
from decimal import Decimal

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from bot.core.config import MetricConfig
from bot.kpi.attainment import CAP, CAPPED_ATTAINMENT_SQL, attainment, capped
from bot.kpi.store import to_decimal
from storage.db import Database

# What the ranking SQL sees: actuals and targets in micro-units as DOUBLE PRECISION (NULL:
# no facts), targets > 0 (rows without one are filtered out before), hib 1 or 0.
_ROW = (
    "SELECT "
    + CAPPED_ATTAINMENT_SQL
    + " FROM (SELECT CAST(:actual AS DOUBLE PRECISION) AS actual, "
    "CAST(:target AS DOUBLE PRECISION) AS target, :hib AS hib) x"
)
micro = st.integers(min_value=-(10**17), max_value=10**17)  # |value| < 1e11 units
target_micro = st.integers(min_value=1, max_value=10**17)


def _python(higher_is_better: bool, actual: int | None, target: int) -> Decimal:
    metric = MetricConfig(key="m", label_en="M", label_zh="M", higher_is_better=higher_is_better)
    value = capped(attainment(metric, to_decimal(actual), to_decimal(target)))
    assert value is not None  # a target > 0 always gives an attainment
    return value


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    higher_is_better=st.booleans(),
    actual=st.none() | micro,
    target=target_micro,
)
@example(higher_is_better=True, actual=None, target=1)  # no facts: 0
@example(higher_is_better=True, actual=0, target=5)
@example(higher_is_better=True, actual=-3, target=5)  # negative actual: 0, not negative
@example(higher_is_better=True, actual=15, target=10)  # exactly at the cap
@example(higher_is_better=True, actual=16, target=10)  # over it
@example(higher_is_better=False, actual=0, target=10)  # nothing against an allowance: cap
@example(higher_is_better=False, actual=-1, target=10)
@example(higher_is_better=False, actual=10, target=15)  # exactly at the cap
@example(higher_is_better=False, actual=20, target=10)
def test_python_and_sql_attainment_agree(
    db: Database, higher_is_better: bool, actual: int | None, target: int
) -> None:
    expected = _python(higher_is_better, actual, target)
    with db.engine.connect() as conn:
        params = {"actual": actual, "target": target, "hib": int(higher_is_better)}
        found = conn.execute(text(_ROW), params).scalar_one()
    assert 0 <= expected <= CAP
    assert math.isclose(float(found), float(expected), rel_tol=1e-12, abs_tol=1e-12)
