"""Roles and reporting lines, the ground every feature's access rules stand on."""

from __future__ import annotations

from sqlmodel import Session

from bot.org.directory import manager_chain
from storage.models.core import User


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
