"""What the directory keeps of Slack's user objects (users.info, users.list, user_change):
Slack's language and time zone, apart from the org import's, and whether the account is
deactivated (`deleted`). Only people already in the directory are updated: Slack's other
members are not imported as people, and bots stay bots.

Writes go in batches (one executemany per kind of change), so the daily sync of a page of
200 members is a few statements. A change of language or time zone leaves `updated_at` as it
is (stored rankings don't depend on them); a deactivation moves it (they do)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import bindparam, update
from sqlmodel import Session, col, select

from bot.core.config import normalize_locale
from storage.models.core import User
from storage.types import utcnow

log = logging.getLogger(__name__)
_users = User.__table__  # type: ignore[attr-defined]


def profile_of(member: dict[str, Any]) -> dict[str, Any]:
    """The directory's columns a Slack user object speaks for: only the fields it carries
    (`locale` comes only when asked with include_locale; a user_change may lack `tz`)."""
    found: dict[str, Any] = {}
    if "tz" in member:
        found["slack_timezone"] = _timezone(member.get("tz"))
    if "locale" in member:
        locale = member.get("locale")
        found["slack_locale"] = normalize_locale(locale) if isinstance(locale, str) else None
    if "deleted" in member:
        found["deactivated"] = bool(member.get("deleted"))
    return found


def _timezone(name: object) -> str | None:
    """An IANA name every clock computation can use, else None (the next source then)."""
    if not isinstance(name, str) or not name or len(name) > 64:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None
    return name


@dataclass
class Stored:
    """What one batch of Slack user objects changed in the directory."""

    seen: int = 0  # members in the batch
    known: int = 0  # of them, people in the directory
    changed: int = 0  # whose Slack language or time zone changed
    deactivated: int = 0
    reactivated: int = 0

    def add(self, other: Stored) -> None:
        for name in ("seen", "known", "changed", "deactivated", "reactivated"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def store(
    session: Session,
    team_id: str,
    members: Iterable[dict[str, Any]],
    now: datetime,
    *,
    synced: bool,
) -> Stored:
    """Record Slack's user objects for the people of the directory they name. `synced`: each
    is Slack's whole profile (users.info, users.list), so `slack_synced_at` becomes `now`."""
    by_id = {str(m["id"]): m for m in members if isinstance(m, dict) and m.get("id")}
    stats = Stored(seen=len(by_id))
    rows = session.exec(
        select(User.id, User.slack_id, User.slack_locale, User.slack_timezone, User.deactivated)  # type: ignore[call-overload]
        .where(User.team_id == team_id, col(User.slack_id).in_(list(by_id)))
        .order_by(User.id)
    ).all()
    profiles: list[dict[str, Any]] = []
    flags: list[dict[str, Any]] = []
    for user_id, slack_id, locale, timezone, deactivated in rows:
        new = profile_of(by_id[slack_id])
        new_locale = new.get("slack_locale", locale)
        new_timezone = new.get("slack_timezone", timezone)
        differs = (new_locale, new_timezone) != (locale, timezone)
        stats.changed += differs
        if differs or synced:
            profiles.append({"_id": user_id, "_locale": new_locale, "_tz": new_timezone})
        if new.get("deactivated", deactivated) != deactivated:
            flags.append({"_id": user_id, "_off": not deactivated})
            stats.deactivated += not deactivated
            stats.reactivated += deactivated
            log.info("user %s %s", slack_id, "reactivated" if deactivated else "deactivated")
    stats.known = len(rows)
    _write(session, profiles, flags, now, synced=synced)
    return stats


def _write(
    session: Session,
    profiles: list[dict[str, Any]],
    flags: list[dict[str, Any]],
    now: datetime,
    *,
    synced: bool,
) -> None:
    conn = session.connection()
    by_id = _users.c.id == bindparam("_id")
    if profiles:
        values: dict[str, Any] = {
            "slack_locale": bindparam("_locale"),
            "slack_timezone": bindparam("_tz"),
            "updated_at": _users.c.updated_at,  # as it was: no onupdate
        }
        if synced:
            values["slack_synced_at"] = now
        conn.execute(update(_users).where(by_id).values(values), profiles)
    if flags:
        # the wall clock, not the job's `now`: a run for an earlier date must still move it
        deactivated = {"deactivated": bindparam("_off"), "updated_at": utcnow()}
        conn.execute(update(_users).where(by_id).values(deactivated), flags)
