"""Feedback requests: someone asks peers for feedback about themselves, or a manager about a
report (answers held for the manager, who may share one with the rep); the peers' asks are
reminded once and expire (the feedback-reminders job), and the requester hears who did not
answer."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from bot.core.deps import Deps, each_workspace
from bot.core.errors import NotAllowed, UserFacingError
from bot.core.workspace import Workspace
from bot.feedback import request_views, views
from bot.feedback import service as feedback
from bot.org import directory, hours
from bot.permissions import feedback as permissions
from storage.db import Database
from storage.models.core import User
from storage.models.feedback import Feedback, FeedbackAsk, FeedbackRequest

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
    reminded = 0
    expired: dict[int, list[FeedbackAsk]] = {}
    with db.session() as session:
        open_asks = select(FeedbackAsk).where(
            FeedbackAsk.team_id == ws.team_id, FeedbackAsk.status == "open"
        )
        for ask in session.exec(open_asks).all():
            age = as_of - ask.created_at
            if age >= timedelta(days=cfg.expiry_days):
                ask.status, ask.closed_at = "expired", as_of
                session.add(ask)
                expired.setdefault(ask.request_id, []).append(ask)
            elif (
                age >= timedelta(days=cfg.reminder_days)
                and ask.reminded_at is None
                and _remind(ws, session, ask, age, as_of)
            ):
                ask.reminded_at = as_of
                session.add(ask)
                reminded += 1
        for request_id, asks in expired.items():
            _tell_requester_expired(ws, session, request_id, asks)
    sent, failed = ws.sender.flush(db, team_id=ws.team_id, as_of=as_of)
    n_expired = sum(len(asks) for asks in expired.values())
    return f"reminded {reminded}, expired {n_expired}; sent {sent}, failed {failed}"


def _tell_requester_expired(
    ws: Workspace, session: Session, request_id: int, asks: list[FeedbackAsk]
) -> None:
    """The requester learns who did not answer (nothing is sent when everyone answered: then
    no ask expires). Once per request: all its asks were made, so expire, together."""
    request = session.get(FeedbackRequest, request_id)
    requester = directory.by_id(session, request.requester_id) if request else None
    subject = directory.by_id(session, request.subject_id) if request else None
    if request is None or requester is None or subject is None or requester.deactivated:
        return
    peers = [p.slack_id for a in asks if (p := directory.by_id(session, a.peer_id)) is not None]
    dm = request_views.request_expired(
        directory.locale_of(requester, ws.config),
        requester=requester.slack_id,
        subject=subject.slack_id,
        peers=peers,
        topic=request.topic,
    )
    key = f"feedback-request:{request_id}:expired"
    ws.sender.enqueue(session, ws.team_id, key, requester.slack_id, **dm)


def _remind(
    ws: Workspace, session: Session, ask: FeedbackAsk, age: timedelta, as_of: datetime
) -> bool:
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
    when = hours.not_before(peer, ws.config, as_of)  # the peer's own working hours
    ws.sender.enqueue(session, ask.team_id, key, peer.slack_id, **dm, not_before=when)
    return True


def share_with_subject(ws: Workspace, session: Session, viewer: User, fb_id: int) -> Feedback:
    """The manager who asked passes an answer on to the rep, once however often Share is
    pressed (a conditional UPDATE wins the race). The rep sees the answerer's name only if the
    answerer agreed (permissions.can_see_giver); the answerer is told either way."""
    fb = session.get(Feedback, fb_id)
    if fb is None or not permissions.can_share_with_subject(viewer, fb):
        raise NotAllowed()
    result = session.execute(
        update(Feedback)
        .where(col(Feedback.id) == fb_id, col(Feedback.shared_at).is_(None))
        .values(shared_at=ws.clock())
    )
    session.refresh(fb)
    giver = directory.by_id(session, fb.giver_id)
    recipient = directory.by_id(session, fb.recipient_id)
    if not result.rowcount or giver is None or recipient is None:  # type: ignore[attr-defined]
        return fb  # already shared (a double click): nothing new
    feedback.queue_recipient_dm(ws, session, fb, giver, recipient, None)
    if not giver.deactivated:
        notice = request_views.shared_notice(
            directory.locale_of(giver, ws.config),
            requester=viewer.slack_id,
            subject=recipient.slack_id,
            kind=fb.kind,
            named=fb.share_name,
        )
        key = f"feedback:{fb.id}:shared"
        ws.sender.enqueue(session, fb.team_id, key, giver.slack_id, **notice)
    log.info("feedback %s shared with its subject (name %s)", fb.id, fb.share_name)
    return fb
