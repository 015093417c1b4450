"""Feedback requests: someone asks peers for feedback about themselves, or a manager about a
report; the peers' asks are reminded once and expire (the feedback-reminders job)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select

from bot.core.deps import Deps, each_workspace
from bot.core.errors import NotAllowed, UserFacingError
from bot.core.workspace import Workspace
from bot.feedback import views
from bot.org import directory
from bot.permissions import feedback as permissions
from storage.db import Database
from storage.models.core import User
from storage.models.feedback import FeedbackAsk, FeedbackRequest

log = logging.getLogger(__name__)


def create_request(
    ws: Workspace,
    session: Session,
    *,
    requester: User,
    peers: list[User],
    subject: User | None,
    topic: str | None,
) -> FeedbackRequest:
    subject = subject or requester
    if subject.id != requester.id and not permissions.can_request_feedback_about(
        session, requester, subject
    ):
        raise NotAllowed("feedback.request_not_manager", who=f"<@{subject.slack_id}>")
    if len(peers) > ws.config.feedback.max_peers:
        raise UserFacingError(
            "feedback.request_too_many", count=len(peers), max=ws.config.feedback.max_peers
        )
    for peer in peers:
        if peer.id in (requester.id, subject.id):
            raise UserFacingError("feedback.request_self", who=f"<@{peer.slack_id}>")
    now = ws.clock()
    request = FeedbackRequest(
        team_id=ws.team_id,
        requester_id=requester.id,  # type: ignore[arg-type]
        subject_id=subject.id,  # type: ignore[arg-type]
        topic=topic[:500] if topic else None,
        created_at=now,
    )
    session.add(request)
    session.flush()
    for peer in peers:
        ask = FeedbackAsk(
            team_id=ws.team_id,
            request_id=request.id,  # type: ignore[arg-type]
            peer_id=peer.id,  # type: ignore[arg-type]
            created_at=now,
        )
        session.add(ask)
        session.flush()
        dm = views.ask_dm(
            directory.locale_of(peer, ws.config),
            ask_id=ask.id,
            requester=requester.slack_id,
            subject=subject.slack_id,
            topic=topic,
        )
        ws.sender.enqueue(session, ws.team_id, f"feedback-ask:{ask.id}", peer.slack_id, **dm)
    log.info("feedback request %s sent to %d peer(s)", request.id, len(peers))
    return request


@dataclass(frozen=True)
class AskContext:
    ask: FeedbackAsk
    request: FeedbackRequest
    requester: User
    subject: User


def open_ask(session: Session, viewer: User, ask_id: int) -> AskContext:
    """The ask the viewer is answering, if still open."""
    ask = session.get(FeedbackAsk, ask_id)
    if ask is None or not permissions.can_answer_ask(viewer, ask):
        raise NotAllowed()
    if ask.status == "answered":
        raise UserFacingError("feedback.ask_answered")
    if ask.status == "expired":
        raise UserFacingError("feedback.ask_expired")
    request = session.get(FeedbackRequest, ask.request_id)
    requester = directory.by_id(session, request.requester_id) if request else None
    subject = directory.by_id(session, request.subject_id) if request else None
    if request is None or requester is None or subject is None:
        raise NotAllowed()
    return AskContext(ask, request, requester, subject)


def remind_and_expire(deps: Deps, as_of: datetime) -> str:
    """The feedback-reminders job: each installed workspace in its own transaction."""
    return each_workspace(deps, lambda ws: remind_and_expire_in(ws, deps.db, as_of))


def remind_and_expire_in(ws: Workspace, db: Database, as_of: datetime) -> str:
    """One reminder after `reminder_days`, expiry after `expiry_days`. Idempotent: a reminded
    or expired ask is never touched again, and reminders go through the keyed outbox."""
    cfg = ws.config.feedback
    reminded = expired = 0
    with db.session() as session:
        open_asks = select(FeedbackAsk).where(
            FeedbackAsk.team_id == ws.team_id, FeedbackAsk.status == "open"
        )
        for ask in session.exec(open_asks).all():
            age = as_of - ask.created_at
            if age >= timedelta(days=cfg.expiry_days):
                ask.status, ask.closed_at = "expired", as_of
                session.add(ask)
                expired += 1
            elif (
                age >= timedelta(days=cfg.reminder_days)
                and ask.reminded_at is None
                and _remind(ws, session, ask, age)
            ):
                ask.reminded_at = as_of
                session.add(ask)
                reminded += 1
    sent, failed = ws.sender.flush(db, team_id=ws.team_id)
    return f"reminded {reminded}, expired {expired}; sent {sent}, failed {failed}"


def _remind(ws: Workspace, session: Session, ask: FeedbackAsk, age: timedelta) -> bool:
    peer = directory.by_id(session, ask.peer_id)
    request = session.get(FeedbackRequest, ask.request_id)
    if peer is None or peer.deactivated or request is None:
        return False  # nobody to remind: the ask just expires in time
    requester = directory.by_id(session, request.requester_id)
    subject = directory.by_id(session, request.subject_id)
    dm = views.ask_dm(
        directory.locale_of(peer, ws.config),
        ask_id=ask.id,
        requester=requester.slack_id if requester else "",
        subject=subject.slack_id if subject else "",
        topic=request.topic,
        reminder=True,
        days=age.days,
    )
    key = f"feedback-ask:{ask.id}:reminder"
    ws.sender.enqueue(session, ask.team_id, key, peer.slack_id, **dm)
    return True
