"""Reads of suggestions as views show them: each Row made for one reader, its author's Slack
id only when that reader may see it (bot/permissions/improvement.py)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.core.periods import local_date
from bot.core.workspace import Workspace
from bot.improvement.suggestion_views import Row
from bot.org.directory import by_id
from bot.permissions import improvement as rules
from storage.models.core import Delivery, User
from storage.models.improvement import Suggestion

OPEN = ("open", "acknowledged")  # HR has not decided yet
CHANNEL = None  # the reader is a channel (HR's, the suggestions channel), not one person


def _slack_id(session: Session, user_id: int | None, cache: dict[int, str | None]) -> str | None:
    if user_id is None:
        return None
    if user_id not in cache:
        user = by_id(session, user_id)
        cache[user_id] = user.slack_id if user else None
    return cache[user_id]


def shows_author(reader: User | None, suggestion: Suggestion) -> bool:
    if reader is CHANNEL:
        return rules.shown_in_channel(suggestion)
    return rules.sees_author(reader, suggestion)


def rows(
    ws: Workspace, session: Session, found: Iterable[Suggestion], reader: User | None
) -> list[Row]:
    """The suggestions as `reader` (a person, or CHANNEL) may see them."""
    cache: dict[int, str | None] = {}
    tz = ws.config.workspace.timezone
    out = []
    for s in found:
        author = _slack_id(session, s.author_id, cache) if shows_author(reader, s) else None
        out.append(
            Row(
                id=s.id or 0,
                text=s.text,
                topic=s.topic,
                status=s.status,
                votes=s.votes,
                created=local_date(s.created_at, tz),
                author=author,
                anonymous=s.anonymous,
                public=s.public,
                reply=s.reply,
                decided_by=_slack_id(session, s.decided_by_id, cache),
                decided_on=local_date(s.decided_at, tz) if s.decided_at else None,
            )
        )
    return out


def row(ws: Workspace, session: Session, s: Suggestion, reader: User | None) -> Row:
    return rows(ws, session, [s], reader)[0]


def of_author(session: Session, team_id: str, author_id: int) -> list[Suggestion]:
    """A person's suggestions, newest first."""
    query = select(Suggestion).where(
        Suggestion.team_id == team_id, Suggestion.author_id == author_id
    )
    return list(session.exec(query.order_by(col(Suggestion.id).desc())).all())


def open_ones(session: Session, team_id: str, limit: int | None = None) -> list[Suggestion]:
    """Open and acknowledged suggestions: most +1 first, then the oldest."""
    query = (
        select(Suggestion)
        .where(Suggestion.team_id == team_id, col(Suggestion.status).in_(OPEN))
        .order_by(col(Suggestion.votes).desc(), col(Suggestion.created_at), col(Suggestion.id))
    )
    if limit is not None:
        query = query.limit(limit)
    return list(session.exec(query).all())


def open_count(session: Session, team_id: str) -> int:
    query = select(func.count()).where(
        Suggestion.team_id == team_id, col(Suggestion.status).in_(OPEN)
    )
    return int(session.exec(query).one())


def every(session: Session, team_id: str) -> list[Suggestion]:
    """Every suggestion, oldest first (the export)."""
    query = select(Suggestion).where(Suggestion.team_id == team_id)
    return list(session.exec(query.order_by(col(Suggestion.id))).all())


def public_post(session: Session, team_id: str, s: Suggestion) -> tuple[str, str] | None:
    """(channel, ts) of the suggestion's post in the suggestions channel, once Slack took it."""
    if s.channel and s.ts:
        return s.channel, s.ts
    sent = session.exec(
        select(Delivery).where(
            Delivery.team_id == team_id, Delivery.key == f"suggestion:{s.id}:public"
        )
    ).first()
    if sent is None or sent.ts is None:
        return None
    return sent.channel, sent.ts
