"""The calibration figures of the KPI scheme (定期评估与调整): how each metric's targets worked
out in a period. `calibration()` is the one calculation: the scheme-review card, the
button's prefilled suggestion and `salespulse kpi calibration` all read it.

Per metric, over the reps (role `rep`, active, not bots) with a target for it in the period,
from the scorecard's own figures (bot.kpi.scorecard.metric_values and attainment: rounded as
/kpi shows them, lower-is-better metrics as target ÷ actual, a target without facts counting
as 0%), in one read for everyone:

- the share at or above 100% attainment and the share at the cap (uncapped attainment at or
  above CAP, 150%);
- the median attainment, uncapped;
- the spread between sales teams: the highest and the lowest team median and their
  difference in percentage points (reps without a team count in the company figures only).

A metric is flagged "target too easy" when more than TOO_EASY_AT_CAP of its reps are at the
cap, "target too hard" when fewer than TOO_HARD_AT_TARGET reach 100%."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import Session, select

from bot.core.config import AppConfig, MetricConfig
from bot.core.periods import Period
from bot.kpi.scorecard import CAP, attainment, metric_values
from bot.kpi.views import shown_ratio
from storage.models.core import User

# "Target too easy": more than half of the reps with a target are at the 150% cap.
TOO_EASY_AT_CAP = Decimal("0.5")
# "Target too hard": fewer than one rep in ten reaches 100% of target.
TOO_HARD_AT_TARGET = Decimal("0.1")
TOO_EASY, TOO_HARD = "too_easy", "too_hard"


@dataclass(frozen=True)
class TeamMedian:
    team: str  # the org import's team key
    median: Decimal  # uncapped attainment
    reps: int


@dataclass(frozen=True)
class MetricCalibration:
    """One metric's figures over the reps with a target for it."""

    metric: MetricConfig
    reps: int  # with a target (> 0) in the period
    at_target: int  # attainment >= 100%
    at_cap: int  # uncapped attainment >= CAP
    median: Decimal | None  # None: nobody had a target
    teams: tuple[TeamMedian, ...] = ()  # highest median first, then by team key

    @property
    def share_at_target(self) -> Decimal | None:
        return Decimal(self.at_target) / self.reps if self.reps else None

    @property
    def share_at_cap(self) -> Decimal | None:
        return Decimal(self.at_cap) / self.reps if self.reps else None

    @property
    def top(self) -> TeamMedian | None:
        """The team with the highest median, when there are two teams or more."""
        return self.teams[0] if len(self.teams) > 1 else None

    @property
    def bottom(self) -> TeamMedian | None:
        return self.teams[-1] if len(self.teams) > 1 else None

    @property
    def spread_points(self) -> Decimal | None:
        """Highest minus lowest team median in percentage points, from the medians as shown
        (to 0.1%), so the card's three figures agree: 110.0% - 60.0% = 50.0 pts."""
        if self.top is None or self.bottom is None:
            return None
        spread = shown_ratio(self.top.median) - shown_ratio(self.bottom.median)
        return (spread * 100).quantize(Decimal("0.1"))

    @property
    def too_easy(self) -> bool:
        share = self.share_at_cap
        return share is not None and share > TOO_EASY_AT_CAP

    @property
    def too_hard(self) -> bool:
        share = self.share_at_target
        return share is not None and share < TOO_HARD_AT_TARGET

    @property
    def flags(self) -> tuple[str, ...]:
        return tuple(f for f, on in ((TOO_EASY, self.too_easy), (TOO_HARD, self.too_hard)) if on)


@dataclass(frozen=True)
class Calibration:
    period: Period
    metrics: list[MetricCalibration]

    @property
    def flagged(self) -> list[MetricCalibration]:
        return [m for m in self.metrics if m.flags]

    def of(self, key: str) -> MetricCalibration | None:
        return next((m for m in self.metrics if m.metric.key == key), None)


def _reps(session: Session, team_id: str) -> dict[int, str | None]:
    """{user id: sales team} of the active reps (not bots)."""
    rows = session.exec(
        select(User.id, User.team).where(
            User.team_id == team_id,
            User.role == "rep",
            User.is_bot == False,  # noqa: E712
            User.deactivated == False,  # noqa: E712
        )
    ).all()
    return {user_id: team for user_id, team in rows if user_id is not None}


def _median(values: list[Decimal]) -> Decimal:
    return Decimal(statistics.median(values))


def metric_calibration(
    metric: MetricConfig, figures: list[tuple[str | None, Decimal]]
) -> MetricCalibration:
    """A metric's figures from each rep's (team, uncapped attainment)."""
    ratios = [a for _, a in figures]
    by_team: dict[str, list[Decimal]] = {}
    for team, ratio in figures:
        if team:
            by_team.setdefault(team, []).append(ratio)
    teams = sorted(
        (TeamMedian(team, _median(values), len(values)) for team, values in by_team.items()),
        key=lambda tm: (-tm.median, tm.team),
    )
    return MetricCalibration(
        metric=metric,
        reps=len(ratios),
        at_target=sum(1 for a in ratios if a >= 1),
        at_cap=sum(1 for a in ratios if a >= CAP),
        median=_median(ratios) if ratios else None,
        teams=tuple(teams),
    )


def calibration(session: Session, config: AppConfig, team_id: str, period: Period) -> Calibration:
    """Every metric's calibration figures of `period` (see the module's docstring)."""
    reps = _reps(session, team_id)
    values = metric_values(session, config, team_id, period, sorted(reps))
    metrics = []
    for metric in config.metrics:
        figures = []
        for user_id, team in reps.items():
            actual, target = values.get(user_id, {}).get(metric.key, (None, None))
            ratio = attainment(metric, actual, target)
            if ratio is not None:  # a target above 0
                figures.append((team, ratio))
        metrics.append(metric_calibration(metric, figures))
    return Calibration(period, metrics)
