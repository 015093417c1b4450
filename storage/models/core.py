"""SQLModel tables. Every row carries `team_id`, the Slack workspace it belongs to."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, LargeBinary, UniqueConstraint, false
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow

ROLES = ("rep", "manager", "hr", "admin")


def _ts(**kw: Any) -> Any:
    return Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False, **kw))


class User(SQLModel, table=True):
    """A person in the org directory: from the org import, or looked up in Slack on first use."""

    __tablename__ = "users"
    __table_args__ = (
        UniqueConstraint("team_id", "slack_id"),
        Index("ix_users_team_email", "team_id", "email"),
        Index("ix_users_team_handle", "team_id", "handle"),
        Index("ix_users_manager", "manager_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    slack_id: str = Field(max_length=32)
    name: str = Field(max_length=200)
    handle: str | None = Field(default=None, max_length=100)  # Slack display name for @handle
    email: str | None = Field(default=None, max_length=254)
    team: str | None = Field(default=None, max_length=100)  # sales team, e.g. "east"
    manager_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    role: str = Field(default="rep", max_length=16)
    title: str | None = Field(default=None, max_length=200)
    level: str | None = Field(default=None, max_length=50)
    hire_date: date | None = None
    # Where a person's language and time zone come from, strongest first: their own setting
    # (/pulse lang), the org import's columns, their Slack profile, the workspace default.
    timezone: str | None = Field(default=None, max_length=64)  # org import
    locale: str | None = Field(default=None, max_length=16)  # org import
    slack_timezone: str | None = Field(default=None, max_length=64)  # users.info / users.list
    slack_locale: str | None = Field(default=None, max_length=16)
    slack_synced_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )  # last time Slack's profile was read; None: never
    locale_override: str | None = Field(default=None, max_length=16)  # /pulse lang
    # /pulse quiet: "21:00-07:30" or "off"; None: the workspace's [workspace] quiet_hours
    quiet_hours: str | None = Field(default=None, max_length=16)
    source: str = Field(default="org", max_length=16)  # "org" import or "slack" lookup
    is_bot: bool = False
    # Deactivated in Slack (users.info / user_change `deleted`): receives nothing, ranks nowhere;
    # the row stays so their history does.
    deactivated: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    created_at: datetime = _ts()
    # onupdate: any change to a person moves it, and stored rankings key on MAX(updated_at)
    updated_at: datetime = _ts(onupdate=utcnow)


class ProcessedEvent(SQLModel, table=True):
    """Events API deliveries already handled; Slack retries up to 3 times with one event_id."""

    __tablename__ = "processed_events"

    event_id: str = Field(primary_key=True, max_length=64)
    team_id: str = Field(max_length=32)
    received_at: datetime = _ts(index=True)


class Claim(SQLModel, table=True):
    """A once-only request already acted on, e.g. "trigger:<trigger_id>" or "view:<view id>".
    Written in the same transaction as the records it guards: a failed attempt leaves no claim
    (so it can be retried), and a duplicate loses on the unique constraint."""

    __tablename__ = "claims"
    __table_args__ = (UniqueConstraint("team_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    key: str = Field(max_length=255)
    created_at: datetime = _ts()


class Delivery(SQLModel, table=True):
    """Outbox: one row per message a job or flow must deliver exactly once, keyed by purpose."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("team_id", "key"),
        Index("ix_deliveries_status", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    key: str = Field(max_length=255)  # e.g. "digest:2026-W48:U123"
    channel: str = Field(max_length=32)  # a channel id, or a user id for a DM
    text: str  # the message, or a file's title
    blocks: list[dict[str, Any]] | None = Field(default=None, sa_column=Column(JSON))
    file: bytes | None = Field(default=None, sa_column=Column(LargeBinary))  # set: an upload
    file_name: str | None = Field(default=None, max_length=255)
    status: str = Field(default="pending", max_length=16)  # pending | sending | sent | failed
    attempts: int = 0
    last_error: str | None = None
    ts: str | None = Field(default=None, max_length=32)
    # the scheduler lease holder that claimed it: once that process no longer holds the
    # lease, its claim is retried at once rather than after the claim's own lease
    claimed_by: str | None = Field(default=None, max_length=128)
    next_attempt_at: datetime = _ts()
    # a scheduled DM waits for the recipient's own working hours (bot/org/hours.py); compared
    # with the flushing job's as_of, while next_attempt_at (retries, claims) is real time
    not_before: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    created_at: datetime = _ts()
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class DigestRun(SQLModel, table=True):
    """A week's digest is queued: written in the transaction that queues its deliveries."""

    __tablename__ = "digest_runs"

    team_id: str = Field(primary_key=True, max_length=32)
    week: str = Field(primary_key=True, max_length=8)  # the week reported, e.g. 2026-W48
    queued_at: datetime = _ts()


class SchedulerLease(SQLModel, table=True):
    """Exactly one process runs scheduled jobs: it holds this lease and renews it."""

    __tablename__ = "scheduler_lease"

    name: str = Field(primary_key=True, max_length=64)
    owner: str = Field(max_length=128)
    expires_at: datetime = _ts()


# Feature tables live in their own modules; imported here so Alembic and create_all see them.
from storage.models.awards import Award, AwardCandidates  # noqa: E402, F401
from storage.models.feedback import (  # noqa: E402, F401
    Feedback,
    FeedbackAsk,
    FeedbackRequest,
    Kudos,
    KudosRecipient,
    KudosValue,
)
from storage.models.growth import (  # noqa: E402, F401
    GoalSuggestion,
    GuidanceRequest,
    PlanGoal,
    TrainingRequest,
)
from storage.models.improvement import Suggestion, SuggestionVote  # noqa: E402, F401
from storage.models.kpi import (  # noqa: E402, F401
    KpiConfigVersion,
    KpiFact,
    KpiRollup,
    KpiScore,
    KpiScoreSet,
    KpiTarget,
)
from storage.models.reviews import ReviewCycle, ReviewTask  # noqa: E402, F401
from storage.models.workspaces import (  # noqa: E402, F401
    ApiToken,
    Installation,
    OAuthState,
    SendPace,
    WorkspaceConfig,
)
