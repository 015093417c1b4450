"""Continuous improvement: the suggestion box and its votes. Who may see a suggestion's
author is decided in bot/permissions/improvement.py (an anonymous one: only the author)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow

TOPICS = ("kpi", "training", "process", "other")
# open -> acknowledged | planned | declined; acknowledged -> planned | declined
STATUSES = ("open", "acknowledged", "planned", "declined")


def _ts(**kw: Any) -> Any:
    return Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False, **kw))


def _optional_ts() -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class Suggestion(SQLModel, table=True):
    """One suggestion. `author_id` is kept for an anonymous one too, so its author can be
    told each status change; nothing shown to HR reads it."""

    __tablename__ = "suggestions"
    __table_args__ = (
        Index("ix_suggestions_status", "team_id", "status"),
        Index("ix_suggestions_author", "team_id", "author_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    author_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    text: str = Field(max_length=3000)
    topic: str = Field(default="other", max_length=16)
    anonymous: bool = False
    public: bool = False  # shared with everyone in [channels] suggestions (never anonymous)
    status: str = Field(default="open", max_length=16)
    reply: str | None = Field(default=None, max_length=2000)
    decided_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    decided_at: datetime | None = _optional_ts()
    votes: int = 0  # kept equal to its SuggestionVote rows, in the transaction that adds one
    channel: str | None = Field(default=None, max_length=32)  # the public post
    ts: str | None = Field(default=None, max_length=32)
    created_at: datetime = _ts()
    updated_at: datetime = _ts(onupdate=utcnow)


class SuggestionVote(SQLModel, table=True):
    """One +1: one per person and suggestion, whatever the clicks (the unique constraint)."""

    __tablename__ = "suggestion_votes"
    __table_args__ = (UniqueConstraint("suggestion_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    suggestion_id: int = Field(foreign_key="suggestions.id", ondelete="CASCADE")
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    created_at: datetime = _ts()
