"""Awards: the candidates the bot proposed for a month, and the awards announced."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow


def _ts(**kw: Any) -> Any:
    return Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False, **kw))


class AwardCandidates(SQLModel, table=True):
    """The `award-candidates` job's result for one month: written once (the primary key),
    whichever run or replica gets there first; HR's card and Home read it."""

    __tablename__ = "award_candidates"

    team_id: str = Field(primary_key=True, max_length=32)
    month: str = Field(primary_key=True, max_length=7)  # the month judged, e.g. 2026-11
    # per award key: the ranked candidates with their figures (bot/awards/candidates.py)
    awards: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    computed_at: datetime = _ts()


class Award(SQLModel, table=True):
    """An award announced: one per award kind and month, however many times and by whomever
    the Announce button or `/award` is pressed (the unique constraint decides)."""

    __tablename__ = "awards"
    __table_args__ = (
        UniqueConstraint("team_id", "award_key", "month"),
        Index("ix_awards_winner", "team_id", "winner_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    award_key: str = Field(max_length=50)
    month: str = Field(max_length=7)  # the month it is for
    winner_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    reason: str | None = Field(default=None, max_length=2000)
    figures: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))  # as posted
    announced_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = _ts()
