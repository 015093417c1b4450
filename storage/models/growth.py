"""Growth: training requests, career guidance requests, development plans and the goals the
bot suggests. Who may see or change them is decided in bot/permissions/growth.py."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow

# pending -> approved | declined | cancelled; approved -> scheduled | completed;
# scheduled -> scheduled (a new date) | completed
TRAINING_STATUSES = ("pending", "approved", "declined", "cancelled", "scheduled", "completed")
GUIDANCE_STATUSES = ("open", "accepted", "done")  # open: waiting for its coach to accept
GOAL_STATUSES = ("open", "done", "dropped")
SUGGESTION_STATUSES = ("pending", "accepted", "dismissed")


def _ts(**kw: Any) -> Any:
    return Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False, **kw))


def _optional_ts() -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class TrainingRequest(SQLModel, table=True):
    """A rep's request for a course: from the catalog (`course`) or in their own words."""

    __tablename__ = "training_requests"
    __table_args__ = (
        Index("ix_training_requests_rep", "team_id", "rep_id", "status"),
        Index("ix_training_requests_status", "team_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    rep_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    course: str | None = Field(default=None, max_length=50)  # a [[training]] key
    topic: str = Field(max_length=200)  # as the rep wrote it, or the course's title
    kind: str | None = Field(default=None, max_length=8)  # skill | soft; None: not said
    reason: str | None = Field(default=None, max_length=2000)
    preferred_month: str | None = Field(default=None, max_length=7)  # e.g. 2027-01
    status: str = Field(default="pending", max_length=16)
    decided_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    decided_at: datetime | None = _optional_ts()
    decline_reason: str | None = Field(default=None, max_length=2000)
    scheduled_for: date | None = None
    handled_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    completed_at: datetime | None = _optional_ts()
    created_at: datetime = _ts()
    updated_at: datetime = _ts(onupdate=utcnow)


class GuidanceRequest(SQLModel, table=True):
    """A rep's request for career guidance, routed to one coach at a time."""

    __tablename__ = "guidance_requests"
    __table_args__ = (
        Index("ix_guidance_requests_rep", "team_id", "rep_id"),
        Index("ix_guidance_requests_coach", "team_id", "coach_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    rep_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    question: str | None = Field(default=None, max_length=2000)
    coach_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    status: str = Field(default="open", max_length=16)
    accepted_at: datetime | None = _optional_ts()
    created_at: datetime = _ts()
    updated_at: datetime = _ts(onupdate=utcnow)


class PlanGoal(SQLModel, table=True):
    """A goal of a rep's development plan: written by the rep, their manager, or accepted
    from a suggestion."""

    __tablename__ = "plan_goals"
    __table_args__ = (Index("ix_plan_goals_rep", "team_id", "rep_id", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    rep_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    text: str = Field(max_length=500)
    metric: str | None = Field(default=None, max_length=64)  # a [[metrics]] key
    course: str | None = Field(default=None, max_length=50)  # a [[training]] key
    due: date | None = None
    status: str = Field(default="open", max_length=16)
    created_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = _ts()
    updated_at: datetime = _ts(onupdate=utcnow)


class GoalSuggestion(SQLModel, table=True):
    """A goal the bot suggested for a weak metric of a month: once per rep, metric and month
    (the unique constraint, whichever job run or replica gets there first)."""

    __tablename__ = "goal_suggestions"
    __table_args__ = (UniqueConstraint("team_id", "rep_id", "metric", "month"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    rep_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    metric: str = Field(max_length=64)
    month: str = Field(max_length=7)  # e.g. 2026-11
    attainment: float  # the share of target it was suggested for (uncapped)
    course: str | None = Field(default=None, max_length=50)
    status: str = Field(default="pending", max_length=16)
    goal_id: int | None = Field(default=None, foreign_key="plan_goals.id", ondelete="SET NULL")
    decided_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    decided_at: datetime | None = _optional_ts()
    created_at: datetime = _ts()
