"""Whose figures a person's App Home shows besides their own.

- Anyone with reports (a manager, whatever the role column says): their reporting tree, each
  person's composite, trend and counts of feedback, kudos and open requests (never the text:
  feedback text stays under bot/permissions/feedback.py). The whole tree rather than only the
  direct reports: a director's direct reports are managers, often without targets, and the
  manager chain may already see every one of those people's numbers (`/kpi @rep`,
  `/kpi team`), so the Home shows what the viewer is accountable for.
- HR and admin: the company by sales team, as totals (composites averaged, shares of people
  who gave and received); never a person, a text, or who gave what to whom.
- Everyone else: only themselves."""

from __future__ import annotations

from sqlmodel import Session, select

from bot.org.directory import reporting_tree
from bot.permissions.roles import can_view_performance, is_hr
from storage.models.core import User


def has_reports(session: Session, viewer: User) -> bool:
    found = session.exec(select(User.id).where(User.manager_id == viewer.id).limit(1)).first()
    return found is not None


def sees_company_overview(viewer: User) -> bool:
    return is_hr(viewer)


def sees_others_on_home(session: Session, viewer: User) -> bool:
    """Whether the Home shows other people's figures: then the viewer's own KPI card is shown
    only when it has something in it."""
    return sees_company_overview(viewer) or has_reports(session, viewer)


def team_on_home(session: Session, viewer: User) -> list[tuple[User, int]]:
    """The people of the viewer's reporting tree the Home lists, each with their depth (1: a
    direct report), in tree order: each manager followed by their own people, names in
    alphabetical order at each level. Deactivated people and bots are left out."""
    tree = [u for u in reporting_tree(session, viewer) if can_view_performance(session, viewer, u)]
    children: dict[int | None, list[User]] = {}
    for user in tree:
        children.setdefault(user.manager_id, []).append(user)
    ordered: list[tuple[User, int]] = []
    stack = [(u, 1) for u in sorted(children.get(viewer.id, []), key=_by_name, reverse=True)]
    while stack:
        user, depth = stack.pop()
        if not user.deactivated and not user.is_bot:
            ordered.append((user, depth))
        below = sorted(children.get(user.id, []), key=_by_name, reverse=True)
        stack.extend((u, depth + 1) for u in below)
    return ordered


def _by_name(user: User) -> tuple[str, int]:
    return (user.name.casefold(), user.id or 0)
