"""Telling reps and managers, once, that the KPI scheme changed: with the weekly digest.

A change is announced in the digest of the week its version was first seen in (workspace
time), so each change is in exactly one week's digest: a line in the DM of every rep who gets
one (`digest_note`, registered in the kpi feature's digest_notes), and for every other rep or
manager one DM through the outbox at their working hours, keyed
`scheme-change:<version id>:<slack id>` (once), queued by the same weekly-digest run."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from bot.core.blocks import section
from bot.core.periods import Period
from bot.core.sender import Outgoing
from bot.core.workspace import Workspace
from bot.kpi.scheme import Version, history
from bot.kpi.scheme_views import announcement
from bot.org import hours
from bot.org.directory import locale_of
from storage.models.core import User

# set by the weekly digest on its session: the week it reports (a digest note knows no week)
DIGEST_WEEK = "kpi.digest_week"
ROLES = ("rep", "manager")


def changes_in(session: Session, ws: Workspace, week: Period) -> list[tuple[Version, Version]]:
    """(previous, version) of each change first seen during `week`, oldest first."""
    versions = history(session, ws.team_id)
    start, end = week.bounds(ws.config.workspace.timezone)
    return [
        (versions[i - 1], v)
        for i, v in enumerate(versions)
        if i and v.diff is not None and start <= v.seen_at <= end
    ]


def _text(changes: list[tuple[Version, Version]], ws: Workspace, locale: str) -> str:
    tz = ws.config.workspace.timezone
    return "\n".join(announcement(before, after, locale, tz) for before, after in changes)


def digest_note(session: Session, ws: Workspace, rep: User, locale: str) -> str | None:
    """The rep's digest line about the scheme changes of the week the digest reports."""
    week = session.info.get(DIGEST_WEEK)
    if week is None:
        return None
    changes = changes_in(session, ws, week)
    return _text(changes, ws, locale) if changes else None


def queue_announcements(
    ws: Workspace, session: Session, week: Period, as_of: datetime, got_digest: set[int]
) -> int:
    """One DM per change to each active rep and manager who got no digest DM this week, at
    their working hours; how many were new (a key already queued is skipped)."""
    changes = changes_in(session, ws, week)
    if not changes:
        return 0
    people = session.exec(
        select(User).where(
            User.team_id == ws.team_id,
            col(User.role).in_(ROLES),
            User.is_bot == False,  # noqa: E712
            User.deactivated == False,  # noqa: E712
        )
    ).all()
    rows: list[Outgoing] = []
    for person in people:
        if person.id in got_digest:
            continue
        locale = locale_of(person, ws.config)
        when = hours.not_before(person, ws.config, as_of)
        for before, after in changes:
            text = _text([(before, after)], ws, locale)
            key = f"scheme-change:{after.id}:{person.slack_id}"
            rows.append(Outgoing(key, person.slack_id, text, [section(text)], when))
    return ws.sender.enqueue_many(session, ws.team_id, rows) if rows else 0
