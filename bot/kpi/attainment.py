"""Attainment and its cap: the one rule, written twice on purpose and side by side.

Python (`attainment`, `capped`) serves single scorecards and team summaries; the SQL
expression serves the rankings, where every person of a period is scored in the database
(tests/kpi/test_attainment_agreement.py checks that both agree, on SQLite and PostgreSQL).

- every figure of a metric is shown rounded to its `decimals` (half away from zero), and
  attainment is computed from those shown figures: `4.5 of 4.5` is 100%, `2 of 3` is 66.7%;
- attainment = actual / target, or target / actual when lower is better; no facts = 0;
- for composites each attainment is capped at CAP (150%) and at least 0."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from bot.core.config import MetricConfig

CAP = Decimal("1.5")


def shown(metric: MetricConfig, value: Decimal | None) -> Decimal | None:
    """`value` as every view shows it: rounded to the metric's decimals."""
    if value is None:
        return None
    return value.quantize(Decimal(1).scaleb(-(metric.decimals or 0)), rounding=ROUND_HALF_UP)


def attainment(
    metric: MetricConfig, actual: Decimal | None, target: Decimal | None
) -> Decimal | None:
    """Uncapped: 1.2 means 120% of target (or of the allowance, when lower is better), from
    the shown (rounded) actual and target."""
    actual, target = shown(metric, actual), shown(metric, target)
    if target is None or target <= 0:
        return None
    if actual is None:
        return Decimal(0)
    if metric.higher_is_better:
        return max(Decimal(0), actual / target)
    if actual * CAP <= target:  # includes 0: far under the allowance
        return CAP
    return target / actual


def capped(value: Decimal | None) -> Decimal | None:
    return None if value is None else min(CAP, max(Decimal(0), value))


def scale(metric: MetricConfig) -> float:
    """The step of a metric's shown figures in micro-units (decimals 0: 1,000,000)."""
    return float(10 ** (6 - (metric.decimals or 0)))


def shown_sql(value: str, step: str, dialect: str) -> str:
    """`shown` in SQL for a DOUBLE PRECISION column `value` in micro-units and its `step`
    (from `scale`), half away from zero like ROUND_HALF_UP: SQLite's ROUND does that;
    PostgreSQL's round(double precision) rounds half to even, so FLOOR there (a NUMERIC
    round trip would cost four times as much)."""
    if dialect == "postgresql":
        return f"SIGN({value}) * FLOOR(ABS({value}) / {step} + 0.5) * {step}"
    return f"ROUND({value} / {step}) * {step}"


# capped(attainment(...)) over a row `x` with columns actual (NULL: no facts), target (> 0:
# rows without a target are filtered out before) and hib (1: higher is better), actual and
# target already rounded with shown_sql.
CAPPED_ATTAINMENT_SQL = f"""CASE WHEN x.actual IS NULL THEN 0.0
           WHEN x.hib = 1 THEN
             CASE WHEN x.actual >= {CAP} * x.target THEN {CAP}
                  WHEN x.actual <= 0 THEN 0.0
                  ELSE x.actual / x.target END
           ELSE
             CASE WHEN x.actual * {CAP} <= x.target THEN {CAP}
                  ELSE x.target / x.actual END
      END"""
