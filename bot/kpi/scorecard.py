"""The one scorecard: actual, target, attainment, composite, rank and change, for every view,
digest and later feature.

The numbers come from the database (bot.kpi.score_sql, bot.kpi.ranking); the rules of
attainment and its cap live in bot.kpi.attainment. Python only turns a handful of exact
integers into Decimals for display."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.core.config import AppConfig, MetricConfig
from bot.core.periods import Period, Span, compared_span, containing
from bot.kpi import scheme as schemes
from bot.kpi.attainment import CAP, attainment, capped, shown
from bot.kpi.ranking import (
    Standing,
    composites,
    leaderboard,
    ranked,
    standing_of,
)
from bot.kpi.scheme import in_force
from bot.kpi.score_sql import METRIC_ROWS, statement
from bot.kpi.store import to_decimal
from storage.models.core import User
from storage.models.kpi import KpiFact

# the scorecard's public face: its own names and the ranking and attainment it builds on
__all__ = [
    "CAP",
    "MetricResult",
    "Scorecard",
    "Standing",
    "attainment",
    "capped",
    "composites",
    "last_fact_days",
    "leaderboard",
    "metric_values",
    "ranked",
    "record_metric_config",
    "scorecard",
    "scorecards",
    "standing_of",
    "team_attainment",
    "trend",
    "warm_up",
]


@dataclass(frozen=True)
class MetricResult:
    """Figures as shown: rounded to the metric's decimals."""

    metric: MetricConfig
    actual: Decimal | None  # None: no facts in the period
    target: Decimal | None  # None: no target
    previous: Decimal | None  # the actual of the compared span (None: no facts there)
    elapsed: tuple[int, int] | None = None  # (days so far, days) of a period in progress

    @property
    def attainment(self) -> Decimal | None:
        """Uncapped: 1.2 means 120% of target (or of the allowance, when lower is better)."""
        return attainment(self.metric, self.actual, self.target)

    @property
    def change(self) -> Decimal | None:
        """None when the compared span has no data: there is nothing to compare with."""
        if self.previous is None:
            return None
        return (self.actual or Decimal(0)) - self.previous

    @property
    def target_to_date(self) -> Decimal | None:
        """A sum's target prorated by the elapsed days of a period in progress. Averages,
        maxima and last values are levels, compared with their target as they are."""
        if self.elapsed is None or self.target is None or self.metric.aggregate != "sum":
            return None
        days, total = self.elapsed
        return shown(self.metric, self.target * days / total)

    @property
    def pace(self) -> Decimal | None:
        """Attainment against the target to date (uncapped, like `attainment`)."""
        return attainment(self.metric, self.actual, self.target_to_date)


@dataclass(frozen=True)
class Scorecard:
    user: User
    period: Period
    metrics: list[MetricResult]
    standing: Standing | None  # None: no target in this period, so not ranked
    previous_composite: float | None  # of the compared span
    compared: Span  # what the changes compare with
    elapsed: int | None = None  # days so far, while the period is in progress
    scheme: schemes.SchemeUsed | None = None  # the scheme it was scored with, when not the current

    @property
    def composite(self) -> float | None:
        return self.standing.composite if self.standing else None

    @property
    def composite_change(self) -> float | None:
        if self.composite is None or self.previous_composite is None:
            return None
        return self.composite - self.previous_composite

    @property
    def has_data(self) -> bool:
        return any(m.actual is not None or m.target is not None for m in self.metrics)


def metric_values(
    session: Session,
    config: AppConfig,
    team_id: str,
    period: Period,
    user_ids: Sequence[int] | None,
    *,
    upto: date | None = None,
) -> dict[int, dict[str, tuple[Decimal | None, Decimal | None]]]:
    """{user_id: {metric: (actual, target)}} from the stored integers, rounded to the
    metric's decimals (the figures attainment is computed from); `upto`: the actuals of the
    period's first days only; `user_ids` None: everyone's. Under the scheme in force at the
    period's end."""
    config = in_force(session, config, team_id, period)
    dialect = session.connection().dialect.name
    stmt, params = statement(
        METRIC_ROWS, config, team_id, period, user_ids=user_ids, upto=upto, dialect=dialect
    )
    found: dict[int, dict[str, tuple[Decimal | None, Decimal | None]]] = {}
    for user_id, key, total, n, peak, last_value, target in session.connection().execute(
        stmt, params
    ):
        metric = config.metric(key)
        if metric is None:
            continue
        actual: Decimal | None = None
        if n:
            if metric.aggregate == "sum":
                actual = to_decimal(int(total))
            elif metric.aggregate == "avg":
                actual = Decimal(int(total)) / int(n) / 1_000_000
            elif metric.aggregate == "max":
                actual = to_decimal(int(peak))
            else:
                actual = to_decimal(int(last_value))
        # the target comes rounded from the SQL (a week's share of a month's is a fraction)
        tgt = None if target is None else Decimal(str(target)).scaleb(-6)
        found.setdefault(user_id, {})[key] = (shown(metric, actual), shown(metric, tgt))
    return found


def scorecard(
    session: Session,
    config: AppConfig,
    team_id: str,
    user: User,
    period: Period,
    today: date | None = None,
) -> Scorecard:
    """`user`'s scorecard of `period` as seen on `today` (None: as a complete period). A
    period in progress compares with the same elapsed span of the previous one and shows
    pace; a complete one compares with the whole previous period. Scored with the scheme in
    force at the period's end (`scheme` says which, when it is not the current one)."""
    assert user.id is not None
    return scorecards(session, config, team_id, [user], period, today)[user.id]


# More people than this: score everyone of the period in one statement each (no long IN
# list) and keep theirs; each person's figures are the same either way.
EVERYONE_FROM = 200


def scorecards(
    session: Session,
    config: AppConfig,
    team_id: str,
    users: Sequence[User],
    period: Period,
    today: date | None = None,
) -> dict[int, Scorecard]:
    """{user id: scorecard} of these people (as `scorecard`), in a handful of statements
    whatever their number (the digest scores every rep)."""
    used = schemes.used_for(session, config, team_id, period)
    config = in_force(session, config, team_id, period)
    ids = [u.id for u in users if u.id is not None]
    pick = None if len(ids) > EVERYONE_FROM else ids
    elapsed = None if today is None else period.elapsed(today)
    span = compared_span(period, today)
    upto = None if span.whole else span.end
    now = metric_values(session, config, team_id, period, pick)
    before = metric_values(session, config, team_id, span.period, pick, upto=upto)
    previous = composites(session, config, team_id, span.period, pick, upto=upto)
    board = leaderboard(session, config, team_id, period, members=pick)
    standings = {s.user_id: s for s in board}
    cards: dict[int, Scorecard] = {}
    for user in users:
        if user.id is None:
            continue
        mine, earlier = now.get(user.id, {}), before.get(user.id, {})
        metrics = [
            MetricResult(
                metric=m,
                actual=mine.get(m.key, (None, None))[0],
                target=mine.get(m.key, (None, None))[1],
                previous=earlier.get(m.key, (None, None))[0],
                elapsed=None if elapsed is None else (elapsed, period.days()),
            )
            for m in config.metrics
        ]
        cards[user.id] = Scorecard(
            user=user,
            period=period,
            metrics=metrics,
            standing=standings.get(user.id),
            previous_composite=previous.get(user.id),
            compared=span,
            elapsed=elapsed,
            scheme=used,
        )
    return cards


def trend(
    session: Session, config: AppConfig, team_id: str, user: User, period: Period, count: int
) -> list[tuple[Period, float | None]]:
    """Composite of the last `count` periods of the same kind, oldest first."""
    assert user.id is not None
    periods = [period]
    while len(periods) < count:
        periods.insert(0, periods[0].previous())
    return [(p, composites(session, config, team_id, p, [user.id]).get(user.id)) for p in periods]


def team_attainment(
    session: Session, config: AppConfig, team_id: str, period: Period, members: Sequence[int]
) -> dict[str, Decimal | None]:
    """Per metric for a group: sum metrics as total actual / total target of the people with
    a target; other aggregates as the mean attainment of those people."""
    config = in_force(session, config, team_id, period)
    values = metric_values(session, config, team_id, period, members)
    result: dict[str, Decimal | None] = {}
    for metric in config.metrics:
        pairs = [v[metric.key] for v in values.values() if metric.key in v]
        pairs = [(a, t) for a, t in pairs if t is not None and t > 0]
        if not pairs:
            result[metric.key] = None
        elif metric.aggregate == "sum":
            actual = sum((a or Decimal(0) for a, _ in pairs), Decimal(0))
            result[metric.key] = attainment(metric, actual, sum((t for _, t in pairs), Decimal(0)))
        else:
            ratios = [attainment(metric, a, t) or Decimal(0) for a, t in pairs]
            result[metric.key] = sum(ratios, Decimal(0)) / len(ratios)
    return result


def warm_up(session: Session, config: AppConfig, team_id: str, today: date) -> None:
    """Rank the current week, month, quarter and year now (after a big import), so the
    first /kpi of the day doesn't pay for it."""
    for kind in ("week", "month", "quarter", "year"):
        ranked(session, config, team_id, containing(kind, today))


# --- config history ------------------------------------------------------------------------


def record_metric_config(
    session: Session, team_id: str, config: AppConfig, now: datetime | None = None
) -> bool:
    """Remember the metric configuration at startup (bot.kpi.scheme.record): True when it is
    new or changed since the last start. Past periods keep the scheme in force at their end."""
    return schemes.record(session, team_id, config, now) is not None


def last_fact_days(
    session: Session, team_id: str, period: Period, user_ids: Sequence[int]
) -> dict[int, date]:
    """{user id: the last day of `period` with a fact of theirs}: when their figures for the
    period were reached (the awards' last tie-break: who got there first)."""
    if not user_ids:
        return {}
    column = {"week": KpiFact.week, "month": KpiFact.month, "quarter": KpiFact.quarter}.get(
        period.kind, KpiFact.year
    )
    rows = session.exec(
        select(KpiFact.user_id, func.max(KpiFact.day))
        .where(
            KpiFact.team_id == team_id,
            column == period.key,
            col(KpiFact.user_id).in_(list(user_ids)),
        )
        .group_by(KpiFact.user_id)
    ).all()
    return {user_id: day for user_id, day in rows}
