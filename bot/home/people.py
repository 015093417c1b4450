"""The App Home's overviews of other people: a manager's team (each person of their reporting
tree with composite, trend and this month's counts) and, for HR, the company by sales team
(attainment and participation). Who sees which is bot/permissions/home.py; each figure comes
from its feature (bot.kpi.home, bot.feedback.counts / service, bot.kudos.counts) in a few
queries for the whole group, never one per person."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select

from bot.core.blocks import Block
from bot.core.periods import Period, local_month_start
from bot.core.workspace import Workspace
from bot.feedback import counts as feedback_counts
from bot.feedback import service as feedback
from bot.home.views import CompanyRow, PersonRow, company_blocks, team_blocks
from bot.kpi import home as kpi_home
from bot.kudos import counts as kudos_counts
from bot.org.directory import Who
from bot.org.teams import team_name
from bot.permissions import home as permissions
from storage.models.core import User

MAX_PEOPLE = 150  # people listed on a manager's Home; the rest are "…and N more"


@dataclass(frozen=True)
class Month:
    """This month, the workspace's (its time zone): the KPI month and the instants the counts
    run over, from the 1st until now. The same for every viewer: HR in Los Angeles and HR in
    Shanghai see the same figures."""

    period: Period
    since: datetime
    until: datetime  # now, included

    @property
    def before(self) -> datetime:
        """The first instant after `until`, for queries over [since, before)."""
        return self.until + timedelta(seconds=1)


def sections(ws: Workspace, session: Session, who: Who) -> list[Block]:
    now = ws.clock()
    start = local_month_start(now, ws.config.workspace.timezone)
    month = Month(kpi_home.this_month(ws), start, now)
    blocks: list[Block] = []
    if permissions.sees_company_overview(who.user):
        blocks += company_blocks(
            company_rows(ws, session, month, who.locale), month.period, who.locale
        )
    team = permissions.team_on_home(session, who.user)
    if team:
        rows = team_rows(ws, session, month, team[:MAX_PEOPLE])
        blocks += team_blocks(rows, len(team), month.period, who.locale)
    return blocks


def team_rows(
    ws: Workspace, session: Session, month: Month, people: list[tuple[User, int]]
) -> list[PersonRow]:
    ids = [u.id for u, _ in people if u.id is not None]
    trends = kpi_home.recent_composites(session, ws.config, ws.team_id, month.period, ids)
    received = feedback.counts_by_kind(session, ws.team_id, ids, month.since, month.before)
    kudos = kudos_counts.received_per_person(session, ws.team_id, month.since, month.until, ids)
    requests = feedback_counts.open_requests_about(session, ws.team_id, ids)
    rows = []
    for user, depth in people:
        uid = user.id or 0
        feedback_count = sum(received.get(uid, {}).values())
        trend = trends.get(uid, [])
        rows.append(
            PersonRow(
                user.name, depth, trend, feedback_count, kudos.get(uid, 0), requests.get(uid, 0)
            )
        )
    return rows


def company_rows(ws: Workspace, session: Session, month: Month, locale: str) -> list[CompanyRow]:
    """The whole company first, then each sales team (the config's order, then the others by
    name), then the people in no sales team."""
    people = dict(
        session.exec(
            select(User.id, User.team).where(  # type: ignore[call-overload]
                User.team_id == ws.team_id,
                User.is_bot == False,  # noqa: E712
                User.deactivated == False,  # noqa: E712
            )
        ).all()
    )
    received = set(feedback.counts_by_kind(session, ws.team_id, None, month.since, month.before))
    received |= set(kudos_counts.received_per_person(session, ws.team_id, month.since, month.until))
    gave = feedback_counts.givers(session, ws.team_id, month.since, month.until)
    gave |= kudos_counts.givers(session, ws.team_id, month.since, month.until)
    scores = kpi_home.team_composites(session, ws.config, ws.team_id, month.period)

    def row(scope: str, name: str, members: set[int], teams: list[str | None]) -> CompanyRow:
        ranked = [scores[t] for t in teams if t in scores]
        count = sum(n for _, n in ranked)
        composite = sum(mean * n for mean, n in ranked) / count if count else None
        gave_n, received_n = len(members & gave), len(members & received)
        return CompanyRow(scope, name, len(members), composite, gave_n, received_n)

    by_team: dict[str | None, set[int]] = {None: set()}
    for uid, team in people.items():
        by_team.setdefault(team or None, set()).add(uid)
    teams = sorted((t for t in by_team if t), key=_team_order(ws))
    rows = [row("company", "", set(people), list(scores))]
    rows += [row("team", team_name(ws.config, t, locale), by_team[t], [t]) for t in teams]
    if by_team[None]:
        rows.append(row("none", "", by_team[None], [None]))
    return rows


def _team_order(ws: Workspace) -> Callable[[str], tuple[int, str]]:
    configured = list(ws.config.teams)
    return lambda key: (configured.index(key) if key in configured else len(configured), key)
