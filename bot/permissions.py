"""Who may see or do what. The only place such rules live: handlers and views ask here.

Roles: rep < manager < hr < admin. A manager's authority covers their whole reporting
tree (the manager chain of a user), not their peers' reports."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from bot.directory import manager_chain, reporting_tree
from storage.models import User


def is_hr(user: User) -> bool:
    return user.role in ("hr", "admin")


def is_admin(user: User) -> bool:
    return user.role == "admin"


def in_manager_chain(session: Session, viewer: User, subject: User) -> bool:
    return any(m.id == viewer.id for m in manager_chain(session, subject))


def can_view_performance(session: Session, viewer: User, subject: User) -> bool:
    """Numbers and reviews of `subject`: themselves, their manager chain, HR and admin."""
    return viewer.id == subject.id or is_hr(viewer) or in_manager_chain(session, viewer, subject)


def can_import_org(user: User) -> bool:
    return is_hr(user)


# --- KPIs -------------------------------------------------------------------------------


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
