"""Reads of suggestions as views show them: each Row made for one reader, its author's Slack
id only when that reader may see it (bot/permissions/improvement.py)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.core.periods import local_date
from bot.core.workspace import Workspace
from bot.improvement.suggestion_views import Row
from bot.org.directory import slack_id_of
from bot.permissions import improvement as rules
from storage.models.core import Delivery, User
from storage.models.improvement import Suggestion

OPEN = ("open", "acknowledged")  # HR has not decided yet
CHANNEL = None  # the reader is a channel (HR's, the suggestions channel), not one person


def shows_author(reader: User | None, suggestion: Suggestion) -> bool:
    if reader is CHANNEL:
        return rules.shown_in_channel(suggestion)
    return rules.sees_author(reader, suggestion)


def rows(
    ws: Workspace, session: Session, found: Iterable[Suggestion], reader: User | None
) -> list[Row]:
    """The suggestions as `reader` (a person, or CHANNEL) may see them."""
    tz = ws.config.workspace.timezone
    out = []
    for s in found:
        author = slack_id_of(session, s.author_id) if shows_author(reader, s) else None
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
                decided_by=slack_id_of(session, s.decided_by_id),
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
