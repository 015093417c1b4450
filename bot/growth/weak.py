"""Which of a rep's metrics are weak: the one rule behind `/training`'s suggestions and the
development plan's suggested goals.

A metric is weak when its attainment is under `[growth] suggest_below` (attainment already
respects the direction: for lower-is-better metrics it is the allowance over the actual, so
"under" means worse). While a period is in progress a sum is judged by its pace (against the
target prorated to today), so the 3rd of the month does not look like a failure. A metric
with no target, or no facts yet, is not judged: no data is not a weakness."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlmodel import Session

from bot.core.config import AppConfig, MetricConfig
from bot.core.growth_config import TrainingConfig
from bot.core.periods import Period
from bot.kpi.scorecard import MetricResult, metric_values


@dataclass(frozen=True)
class Weak:
    metric: MetricConfig
    ratio: Decimal  # attainment (or pace, `on_pace`), uncapped: 0.62 is 62%
    on_pace: bool  # judged against the target to date of a period in progress
    courses: tuple[TrainingConfig, ...]  # catalog trainings linked to the metric


def courses_for(config: AppConfig, metric_key: str) -> tuple[TrainingConfig, ...]:
    return tuple(c for c in config.training if metric_key in c.metrics)


def weak_metrics(
    session: Session,
    config: AppConfig,
    team_id: str,
    period: Period,
    user_ids: Sequence[int],
    today: date | None = None,
) -> dict[int, list[Weak]]:
    """{user id: their weak metrics of `period`, weakest first}; `today` inside the period
    judges it in progress (pace for sums), None as a complete period. People without a
    weak metric are left out."""
    threshold = Decimal(str(config.growth.suggest_below))
    elapsed = None if today is None else period.elapsed(today)
    found: dict[int, list[Weak]] = {}
    values = metric_values(session, config, team_id, period, list(user_ids))
    for user_id, figures in values.items():
        weak = []
        for metric in config.metrics:
            actual, target = figures.get(metric.key, (None, None))
            if actual is None or target is None or target <= 0:
                continue
            result = MetricResult(
                metric, actual, target, None, None if elapsed is None else (elapsed, period.days())
            )
            on_pace = result.pace is not None
            ratio = result.pace if on_pace else result.attainment
            if ratio is not None and ratio < threshold:
                weak.append(Weak(metric, ratio, on_pace, courses_for(config, metric.key)))
        if weak:
            found[user_id] = sorted(weak, key=lambda w: (w.ratio, w.metric.key))
    return found
