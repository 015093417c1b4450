"""Tables for kudos (public praise) and feedback (private praise, corrections, suggestions,
requests). Feedback text is sensitive HR data: who may read it is decided in
bot/permissions/feedback.py, never here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, Index, UniqueConstraint, false, select, text
from sqlalchemy.orm import column_property
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow

LIVE_REACTION = text("reaction_ts IS NOT NULL AND withdrawn_at IS NULL")
KINDS = ("praise", "correction", "suggestion")
VISIBILITIES = ("private", "manager", "public")


def _ts(**kw: Any) -> Any:
    return Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False, **kw))


def _optional_ts() -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class Kudos(SQLModel, table=True):
    """One praise card in the recognition channel (from /kudos or an emoji reaction)."""

    __tablename__ = "kudos"
    __table_args__ = (
        Index("ix_kudos_giver_created", "team_id", "giver_id", "created_at"),
        Index("ix_kudos_reaction", "team_id", "reaction_channel", "reaction_ts"),
        # At most one live emoji kudos per giver and message, whatever events race.
        Index(
            "ux_kudos_live_reaction",
            "team_id",
            "giver_id",
            "reaction_channel",
            "reaction_ts",
            unique=True,
            sqlite_where=LIVE_REACTION,
            postgresql_where=LIVE_REACTION,
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    giver_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    message: str = Field(max_length=4000)
    source: str = Field(default="command", max_length=16)  # command | emoji
    channel: str | None = Field(default=None, max_length=32)  # where the card was posted
    ts: str | None = Field(default=None, max_length=32)
    permalink: str | None = Field(default=None, max_length=500)
    reaction_channel: str | None = Field(default=None, max_length=32)  # emoji path: the message
    reaction_ts: str | None = Field(default=None, max_length=32)
    created_at: datetime = _ts()
    withdrawn_at: datetime | None = _optional_ts()


class KudosRecipient(SQLModel, table=True):
    __tablename__ = "kudos_recipients"
    __table_args__ = (
        UniqueConstraint("kudos_id", "user_id"),
        Index("ix_kudos_recipients_user", "user_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    kudos_id: int = Field(foreign_key="kudos.id", ondelete="CASCADE")
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    dm_channel: str | None = Field(default=None, max_length=32)
    dm_ts: str | None = Field(default=None, max_length=32)


class KudosValue(SQLModel, table=True):
    """A known company value tagged on a kudos (counted per value on App Home)."""

    __tablename__ = "kudos_values"
    __table_args__ = (UniqueConstraint("kudos_id", "value_key"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    kudos_id: int = Field(foreign_key="kudos.id", ondelete="CASCADE")
    value_key: str = Field(max_length=50)


class FeedbackRequest(SQLModel, table=True):
    """Someone asks peers for feedback about themselves, or a manager about a report
    (`subject_id` != `requester_id`): then answers go to the manager."""

    __tablename__ = "feedback_requests"
    __table_args__ = (Index("ix_feedback_requests_requester", "team_id", "requester_id"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    requester_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    subject_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    topic: str | None = Field(default=None, max_length=500)
    created_at: datetime = _ts()


class FeedbackAsk(SQLModel, table=True):
    """One peer asked in a request: open until answered or expired; reminded at most once."""

    __tablename__ = "feedback_asks"
    __table_args__ = (
        UniqueConstraint("request_id", "peer_id"),
        Index("ix_feedback_asks_peer_status", "peer_id", "status"),
        Index("ix_feedback_asks_status", "status", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    request_id: int = Field(foreign_key="feedback_requests.id", ondelete="CASCADE")
    peer_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    status: str = Field(default="open", max_length=16)  # open | answered | expired
    created_at: datetime = _ts()
    reminded_at: datetime | None = _optional_ts()
    closed_at: datetime | None = _optional_ts()


class Feedback(SQLModel, table=True):
    """One piece of feedback to one person. `held_for_id` (derived, below) is the manager who
    asked for it about `recipient_id`: the recipient sees it only once that manager shares
    it."""

    __tablename__ = "feedback"
    __table_args__ = (
        Index("ix_feedback_recipient_created", "team_id", "recipient_id", "created_at"),
        Index("ix_feedback_giver", "giver_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    giver_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    recipient_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    kind: str = Field(max_length=16)  # praise | correction | suggestion
    visibility: str = Field(default="private", max_length=16)  # private | manager | public
    message: str = Field(max_length=4000)
    metric_key: str | None = Field(default=None, max_length=100)
    ask_id: int | None = Field(default=None, foreign_key="feedback_asks.id", ondelete="SET NULL")
    shared_at: datetime | None = _optional_ts()
    channel: str | None = Field(default=None, max_length=32)  # public praise card
    ts: str | None = Field(default=None, max_length=32)
    ack: str | None = Field(default=None, max_length=16)  # thanks | discuss
    # The answerer of a requested answer agreed that the manager may share it with their name;
    # shared without that consent the recipient sees "a colleague".
    share_name: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    ack_at: datetime | None = _optional_ts()
    created_at: datetime = _ts()


# Derived, not stored: an answer to an ask whose request a manager made about someone else
# (requester != subject) is held for that requester. Loaded with every Feedback and usable
# in queries (Feedback.held_for_id == me). Rows go only with their people (ON DELETE
# CASCADE from users), so this says what a stored copy would have said.
Feedback.held_for_id = column_property(  # type: ignore[attr-defined]
    select(FeedbackRequest.requester_id)
    .join(FeedbackAsk, FeedbackAsk.request_id == FeedbackRequest.id)  # type: ignore[arg-type]
    .where(
        FeedbackAsk.id == Feedback.ask_id,
        FeedbackRequest.requester_id != FeedbackRequest.subject_id,
    )
    .correlate_except(FeedbackAsk, FeedbackRequest)
    .scalar_subquery()
)
