"""The KPI feature on the App Home: your own scorecard (bot.kpi.chat.home_section), and the
composites the Home's team and company overviews show (bot/home/people.py). Every figure comes
from the one scorecard (bot.kpi.scorecard): composites of a group are one query per period."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from bot.core.blocks import Block
from bot.core.config import AppConfig
from bot.core.periods import Period, containing, local_date
from bot.core.workspace import Workspace
from bot.kpi import chat, scorecard
from bot.org.directory import Who
from bot.permissions import home as permissions

TREND_MONTHS = 6


def this_month(ws: Workspace) -> Period:
    return containing("month", local_date(ws.clock(), ws.config.workspace.timezone))


def home_section(ws: Workspace, session: Session, who: Who) -> list[Block]:
    """Your own scorecard. Someone whose Home shows other people (managers, HR) gets it only
    when it has something in it: an empty card above their team's says nothing."""
    if permissions.sees_others_on_home(session, who.user) and not has_data(ws, session, who):
        return []
    return chat.home_section(ws, session, who)


def has_data(ws: Workspace, session: Session, who: Who) -> bool:
    """A fact or a target this month (what Scorecard.has_data says, in one query)."""
    assert who.user.id is not None
    values = scorecard.metric_values(
        session, ws.config, ws.team_id, this_month(ws), [who.user.id]
    ).get(who.user.id, {})
    return any(actual is not None or target is not None for actual, target in values.values())


def recent_composites(
    session: Session,
    config: AppConfig,
    team_id: str,
    month: Period,
    user_ids: Sequence[int],
    count: int = TREND_MONTHS,
) -> dict[int, list[float | None]]:
    """{user id: composites of the last `count` months, oldest first, this month last}; None
    where a month had no target. One query per month, whatever the number of people."""
    periods = [month]
    while len(periods) < count:
        periods.insert(0, periods[0].previous())
    per_period = [scorecard.composites(session, config, team_id, p, user_ids) for p in periods]
    return {uid: [scores.get(uid) for scores in per_period] for uid in user_ids}


def team_composites(
    session: Session, config: AppConfig, team_id: str, month: Period
) -> dict[str | None, tuple[float, int]]:
    """{sales team (None: no team): (mean composite of its ranked people, how many)} from the
    month's ranking: people without a target are not ranked, so they don't pull it down."""
    scores: dict[str | None, list[float]] = {}
    for standing in scorecard.leaderboard(session, config, team_id, month):
        scores.setdefault(standing.team, []).append(standing.composite)
    return {team: (sum(values) / len(values), len(values)) for team, values in scores.items()}
