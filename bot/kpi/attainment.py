"""Attainment and its cap: the one rule, written twice on purpose and side by side.

Python (`attainment`, `capped`) serves single scorecards and team summaries; the SQL
expression serves the rankings, where every person of a period is scored in the database
(tests/kpi/test_attainment_agreement.py checks that both agree, on SQLite and PostgreSQL).

- attainment = actual / target, or target / actual when lower is better; no facts = 0;
- for composites each attainment is capped at CAP (150%) and at least 0."""

from __future__ import annotations

from decimal import Decimal

from bot.core.config import MetricConfig

CAP = Decimal("1.5")


def attainment(
    metric: MetricConfig, actual: Decimal | None, target: Decimal | None
) -> Decimal | None:
    """Uncapped: 1.2 means 120% of target (or of the allowance, when lower is better)."""
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


# capped(attainment(...)) over a row `x` with columns actual (NULL: no facts), target (> 0:
# rows without a target are filtered out before) and hib (1: higher is better).
CAPPED_ATTAINMENT_SQL = f"""CASE WHEN x.actual IS NULL THEN 0.0
           WHEN x.hib = 1 THEN
             CASE WHEN x.actual >= {CAP} * x.target THEN {CAP}
                  WHEN x.actual <= 0 THEN 0.0
                  ELSE x.actual / x.target END
           ELSE
             CASE WHEN x.actual * {CAP} <= x.target THEN {CAP}
                  ELSE x.target / x.actual END
      END"""
