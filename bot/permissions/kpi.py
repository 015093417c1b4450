"""Who may see whose KPIs, and what `/kpi team` shows whom."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from bot.org.directory import reporting_tree
from bot.permissions.roles import can_view_performance, is_hr
from storage.models.core import User


def can_view_kpis(session: Session, viewer: User, subject: User) -> bool:
    """Someone's scorecard: themselves, their manager chain, HR and admin. Everyone else is
    refused with the same words whether or not the person has numbers."""
    return can_view_performance(session, viewer, subject)


@dataclass(frozen=True)
class KpiTeamView:
    """What `/kpi team` may show a viewer."""

    team: str | None  # the sales team shown; None: a reporting tree or the whole company
    members: list[int] | None  # only these people; None: everyone in `team` (or company)
    detailed: bool  # per-metric numbers of others (managers, HR); reps see composites only


def kpi_team_view(session: Session, viewer: User, team: str | None) -> KpiTeamView | None:
    """None when the viewer may not see that team's ranking.

    - HR/admin: any team; without a name their own team, or the whole company.
    - Managers: their reporting tree (with a name: the part of it in that team).
    - Reps: their own team's ranking of composite scores, nobody's raw numbers."""
    if is_hr(viewer):
        if team is None and viewer.team is None:
            return KpiTeamView(None, None, True)
        return KpiTeamView(team or viewer.team, None, True)
    if viewer.role == "manager":
        tree = reporting_tree(session, viewer)
        if team is None:
            return KpiTeamView(None, [u.id for u in tree if u.id is not None], True)
        members = [u.id for u in tree if u.team == team and u.id is not None]
        if members:
            return KpiTeamView(team, members, True)
        if team == viewer.team:
            return KpiTeamView(team, None, False)
        return None
    if viewer.team is not None and team in (None, viewer.team):
        return KpiTeamView(viewer.team, None, False)
    return None
