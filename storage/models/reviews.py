"""Review cycles (self / manager / peer reviews of a period) and their tasks. Who may read a
review is decided in bot/permissions/reviews.py, never here."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow

KINDS = ("monthly", "quarterly", "annual")
STEPS = ("self", "manager", "peer")
ROLES = ("self", "manager", "peer", "nominate")  # nominate: the rep picks their peers
TASK_STATUSES = ("open", "done", "cancelled")


def _ts(**kw: Any) -> Any:
    return Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False, **kw))


def _optional_ts() -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class ReviewCycle(SQLModel, table=True):
    """One review cycle: who is reviewed (`teams`, None for all), how, and by when."""

    __tablename__ = "review_cycles"
    __table_args__ = (
        UniqueConstraint("team_id", "name"),
        # a recurring cycle opens once per period, whichever replica's job gets there first
        UniqueConstraint("team_id", "recurring_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=16)  # monthly | quarterly | annual
    period: str = Field(max_length=16)  # the period reviewed, e.g. 2026-Q4
    due: date  # the last day to submit, in each person's own time zone
    teams: list[str] | None = Field(default=None, sa_column=Column(JSON))  # None: all teams
    steps: list[str] = Field(sa_column=Column(JSON, nullable=False))  # subset of STEPS
    peers: int = 0  # peers each rep nominates when "peer" is a step
    status: str = Field(default="open", max_length=16)  # open | closed
    recurring_key: str | None = Field(default=None, max_length=64)  # e.g. quarterly:2026-Q4
    created_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = _ts()
    closed_at: datetime | None = _optional_ts()


class ReviewTask(SQLModel, table=True):
    """One review to write (or, role "nominate", the rep's choice of peers): `reviewer_id`
    writes it about `subject_id`. The answer (ratings per competency, a comment) is stored on
    the task, editable until the cycle's due date."""

    __tablename__ = "review_tasks"
    __table_args__ = (
        UniqueConstraint("cycle_id", "subject_id", "reviewer_id", "role"),
        Index("ix_review_tasks_reviewer", "team_id", "reviewer_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    cycle_id: int = Field(foreign_key="review_cycles.id", ondelete="CASCADE", index=True)
    subject_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    reviewer_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    role: str = Field(max_length=16)  # self | manager | peer | nominate
    status: str = Field(default="open", max_length=16)  # open | done | cancelled
    ratings: dict[str, int] | None = Field(default=None, sa_column=Column(JSON))
    comment: str | None = Field(default=None, max_length=4000)
    submitted_at: datetime | None = _optional_ts()
    created_at: datetime = _ts()
    updated_at: datetime = _ts(onupdate=utcnow)
