"""Who may see or do what. The only place such rules live: handlers and views ask here.

Roles: rep < manager < hr < admin. A manager's authority covers their whole reporting
tree (the manager chain of a user), not their peers' reports."""

from __future__ import annotations

from sqlmodel import Session

from bot.directory import manager_chain
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
