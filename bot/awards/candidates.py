"""Who should win each award of a month, from the data: the one ranking behind the
`award-candidates` job, HR's card and the numbers `/award` posts.

Eligible: active people (not bots, not deactivated) with KPI data that month, in the award's
team when it has one. Ranked by the criterion (the composite as /kpi ranks it; a metric's
actual, its direction respected; kudos received, withdrawn ones not counted), ties broken by
the attainment (capped, as in the composite) of the other metrics, highest weight first, then
by who reached their figures first (the day of their last fact; for kudos, the time of the
last kudos), then by directory id so the order never depends on the database."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from bot.core.awards_config import AwardConfig
from bot.core.config import AppConfig, MetricConfig
from bot.core.periods import Period
from bot.kpi.scorecard import Standing, attainment, capped, last_fact_days, leaderboard
from bot.kpi.scorecard import metric_values as kpi_metric_values
from bot.kudos.service import tally_received
from storage.models.core import User

KEEP = 3  # candidates kept per award: the winner, the runner-up and one more for the select


@dataclass(frozen=True)
class Candidate:
    """One ranked person with the figures HR's card and the announcement show (JSON-safe)."""

    user_id: int
    slack_id: str
    team: str | None
    composite: float | None  # this month's, as /kpi shows it (None: no target)
    company_rank: int | None
    company_size: int | None
    team_rank: int | None
    team_size: int | None
    actual: str | None = None  # a metric award: the metric's actual, as shown
    target: str | None = None
    kudos: int | None = None  # a kudos award: kudos received that month
    reached: str = ""  # ISO date (or instant for kudos) the figure was reached

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Candidate:
        return cls(**{k: data.get(k) for k in cls.__dataclass_fields__})  # type: ignore[arg-type]


@dataclass(frozen=True)
class _Person:
    user: User
    figures: dict[str, tuple[Decimal | None, Decimal | None]]
    standing: Standing | None
    # {metric: -capped attainment, 0 without figures}: the tie-breaks, computed once per person
    ties: dict[str, Decimal]


@dataclass
class _Month:
    """What every award of a month is ranked from, read once: the eligible people (of one
    team, or everyone), the day each reached their figures, the kudos tally (on first use)."""

    people: list[_Person]
    days: dict[int, date]
    tally: dict[int, tuple[int, datetime]] | None = None


def _eligible(
    session: Session, config: AppConfig, team_id: str, period: Period, team: str | None
) -> list[_Person]:
    query = select(User).where(
        User.team_id == team_id,
        User.is_bot == False,  # noqa: E712
        User.deactivated == False,  # noqa: E712
    )
    if team is not None:
        query = query.where(User.team == team)
    people = {u.id: u for u in session.exec(query.order_by(col(User.id))).all()}
    values = kpi_metric_values(session, config, team_id, period, list(people))
    standings = {s.user_id: s for s in leaderboard(session, config, team_id, period)}
    return [
        _Person(people[user_id], figures, standings.get(user_id), _ties(config, figures))
        for user_id, figures in values.items()
        if user_id in people and any(actual is not None for actual, _ in figures.values())
    ]


def _tie_metrics(config: AppConfig, award: AwardConfig) -> list[MetricConfig]:
    """The metrics that break ties, highest weight first (config order among equals)."""
    others = [m for m in config.metrics if m.key != award.metric_key]
    return sorted(others, key=lambda m: -m.weight)


def _ties(
    config: AppConfig, figures: dict[str, tuple[Decimal | None, Decimal | None]]
) -> dict[str, Decimal]:
    found: dict[str, Decimal] = {}
    for metric in config.metrics:
        actual, target = figures.get(metric.key, (None, None))
        found[metric.key] = -(capped(attainment(metric, actual, target)) or Decimal(0))
    return found


def _tie_key(person: _Person, metrics: list[MetricConfig]) -> tuple[Decimal, ...]:
    return tuple(person.ties[metric.key] for metric in metrics)


def _candidate(person: _Person, reached: date | datetime | None, **extra: Any) -> Candidate:
    s = person.standing
    return Candidate(
        user_id=person.user.id or 0,
        slack_id=person.user.slack_id,
        team=person.user.team,
        composite=s.composite if s else None,
        company_rank=s.company_rank if s else None,
        company_size=s.company_size if s else None,
        team_rank=s.team_rank if s else None,
        team_size=s.team_size if s else None,
        reached=reached.isoformat() if reached else "",
        **extra,
    )


def _read_month(
    session: Session, config: AppConfig, team_id: str, period: Period, team: str | None
) -> _Month:
    people = _eligible(session, config, team_id, period, team)
    days = last_fact_days(session, team_id, period, [p.user.id or 0 for p in people])
    return _Month(people, days)


def ranking(
    session: Session,
    config: AppConfig,
    team_id: str,
    award: AwardConfig,
    period: Period,
    bounds: tuple[datetime, datetime],
) -> list[Candidate]:
    """Everyone eligible for `award` in `period`, best first; `bounds`: the period's first
    and last instants in the workspace time zone (kudos are counted between them)."""
    month = _read_month(session, config, team_id, period, award.team)
    return _ranked(session, config, team_id, award, bounds, month)


def _ranked(
    session: Session,
    config: AppConfig,
    team_id: str,
    award: AwardConfig,
    bounds: tuple[datetime, datetime],
    month: _Month,
) -> list[Candidate]:
    people = month.people
    if award.team is not None:
        people = [p for p in people if p.user.team == award.team]
    ties = _tie_metrics(config, award)
    days = month.days
    ranked: list[tuple[tuple[Any, ...], Candidate]] = []
    if award.criterion == "kudos":
        if month.tally is None:
            month.tally = tally_received(session, team_id, *bounds)
        for p in people:
            count, last = month.tally.get(p.user.id or 0, (0, None))
            if count:
                key = (-count, *_tie_key(p, ties), last, p.user.id)
                ranked.append((key, _candidate(p, last, kudos=count)))
    elif award.metric_key is not None:
        metric = config.metric(award.metric_key)
        assert metric is not None  # AppConfig checks it
        for p in people:
            actual, target = p.figures.get(metric.key, (None, None))
            if actual is None:
                continue
            score = -actual if metric.higher_is_better else actual
            day = days.get(p.user.id or 0)
            key = (score, *_tie_key(p, ties), day or date.max, p.user.id)
            figures = {"actual": str(actual), "target": None if target is None else str(target)}
            ranked.append((key, _candidate(p, day, **figures)))
    else:
        for p in people:
            if p.standing is None:
                continue  # no target: not ranked, as in /kpi
            day = days.get(p.user.id or 0)
            key = (-round(p.standing.composite, 9), *_tie_key(p, ties), day or date.max, p.user.id)
            ranked.append((key, _candidate(p, day)))
    ranked.sort(key=lambda pair: pair[0])
    return [candidate for _, candidate in ranked]


def month_candidates(
    session: Session,
    config: AppConfig,
    team_id: str,
    period: Period,
    bounds: tuple[datetime, datetime],
) -> dict[str, list[dict[str, Any]]]:
    """{award key: its best KEEP candidates as JSON}, for every configured award: the month
    is read once (everyone), each award ranked from it."""
    if not config.awards:
        return {}
    month = _read_month(session, config, team_id, period, None)
    return {
        award.key: [
            c.to_json() for c in _ranked(session, config, team_id, award, bounds, month)[:KEEP]
        ]
        for award in config.awards
    }
