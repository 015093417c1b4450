"""Private feedback: praise, corrections and suggestions, acknowledgements, and requests.

Feedback text never goes to a log line or a channel (except praise its giver made public);
who may read it is decided by bot/permissions/feedback.py."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from bot.core.blocks import MAX_SECTION_TEXT
from bot.core.config import AppConfig
from bot.core.deps import Deps
from bot.core.errors import NotAllowed, UserFacingError
from bot.core.periods import local_month_start
from bot.core.safe_text import is_visibly_empty
from bot.feedback import views
from bot.i18n import label
from bot.org import directory
from bot.permissions import feedback as permissions
from storage.models.core import User
from storage.models.feedback import KINDS, Feedback, FeedbackAsk, FeedbackRequest

log = logging.getLogger(__name__)
MAX_MESSAGE = MAX_SECTION_TEXT


class InvalidInput(UserFacingError):
    """Bad input in one modal field: shown next to that field (response_action: errors)."""

    def __init__(self, field: str, key: str, **params: object) -> None:
        super().__init__(key, **params)
        self.field = field


def metric_options(config: AppConfig) -> list[tuple[str, str, str]]:
    """(key, English label, Chinese label) of the KPIs feedback may refer to; with no
    `[[metrics]]` configured the modal has no KPI field."""
    return [(m.key, m.label_en, m.label_zh) for m in config.metrics]


# --- giving -----------------------------------------------------------------------------------


def check_new(
    giver: User, recipients: list[User], kind: str, visibility: str, message: str
) -> None:
    if not recipients:
        raise InvalidInput("recipients", "feedback.no_recipient")
    if any(r.id == giver.id for r in recipients):
        raise InvalidInput("recipients", "feedback.self")
    if kind not in KINDS:
        raise InvalidInput("kind", "feedback.bad_kind")
    if visibility not in permissions.allowed_visibilities(kind):
        raise InvalidInput("visibility", "feedback.never_public")
    if is_visibly_empty(message):
        raise InvalidInput("message", "feedback.empty_message")
    if len(message) > MAX_MESSAGE:
        raise InvalidInput("message", "feedback.too_long", max=MAX_MESSAGE)


def give(
    deps: Deps,
    session: Session,
    *,
    team_id: str,
    giver: User,
    recipients: list[User],
    kind: str,
    visibility: str = "private",
    message: str,
    metric_key: str | None = None,
    ask: FeedbackAsk | None = None,
) -> list[Feedback]:
    """Store one Feedback per recipient and queue its messages (sent by flush after commit).

    An answer to a manager's request about a rep goes to that manager, held from the rep."""
    message = message.strip()
    held_for: User | None = None
    if ask is not None:
        request = session.get(FeedbackRequest, ask.request_id)
        assert request is not None
        subject = directory.by_id(session, request.subject_id)
        recipients = [subject] if subject else []
        if request.requester_id != request.subject_id:
            held_for = directory.by_id(session, request.requester_id)
            visibility = "private"
    check_new(giver, recipients, kind, visibility, message)
    now = deps.clock()
    created = []
    for recipient in recipients:
        fb = Feedback(
            team_id=team_id,
            giver_id=giver.id,  # type: ignore[arg-type]
            recipient_id=recipient.id,  # type: ignore[arg-type]
            kind=kind,
            visibility=visibility,
            message=message,
            metric_key=metric_key,
            ask_id=ask.id if ask else None,
            created_at=now,
        )
        session.add(fb)
        session.flush()
        link = _post_public(deps, fb, giver, recipient) if visibility == "public" else None
        _queue_delivery(deps, session, fb, giver, recipient, held_for, link)
        created.append(fb)
    if ask is not None:
        ask.status, ask.closed_at = "answered", now
        session.add(ask)
    # Ids, type and visibility only: the text is sensitive and stays out of logs.
    log.info("feedback %s given (%s, %s)", ",".join(str(f.id) for f in created), kind, visibility)
    return created


def _post_public(deps: Deps, fb: Feedback, giver: User, recipient: User) -> str | None:
    """Public praise is posted like a kudos; returns the permalink."""
    channel = deps.config.channels.recognition
    if not channel:
        raise InvalidInput("visibility", "kudos.no_channel")
    locale = deps.config.workspace.default_locale
    card = views.kudos_card(
        locale, giver=giver.slack_id, recipients=[recipient.slack_id], message=fb.message
    )
    fb.channel, fb.ts = channel, deps.sender.post(channel, **card)
    return deps.client.chat_getPermalink(channel=channel, message_ts=fb.ts)["permalink"]


def _queue_delivery(
    deps: Deps,
    session: Session,
    fb: Feedback,
    giver: User,
    recipient: User,
    held_for: User | None,
    link: str | None,
) -> None:
    if held_for is not None:
        locale = directory.locale_of(held_for, deps.config)
        dm = views.held_feedback_dm(
            locale,
            fb_id=fb.id,
            kind=fb.kind,
            giver=giver.slack_id,
            subject=recipient.slack_id,
            message=fb.message,
        )
        deps.sender.enqueue(session, fb.team_id, f"feedback:{fb.id}:held", held_for.slack_id, **dm)
        return
    _queue_recipient_dm(deps, session, fb, giver, recipient, link)
    manager = directory.by_id(session, recipient.manager_id)
    if fb.visibility == "manager" and manager is not None and manager.id != giver.id:
        locale = directory.locale_of(manager, deps.config)
        dm = views.manager_copy_dm(
            locale,
            kind=fb.kind,
            giver=giver.slack_id,
            subject=recipient.slack_id,
            message=fb.message,
        )
        deps.sender.enqueue(
            session, fb.team_id, f"feedback:{fb.id}:manager", manager.slack_id, **dm
        )


def _queue_recipient_dm(
    deps: Deps, session: Session, fb: Feedback, giver: User, recipient: User, link: str | None
) -> None:
    locale = directory.locale_of(recipient, deps.config)
    dm = views.feedback_dm(
        locale,
        fb_id=fb.id,
        kind=fb.kind,
        giver=giver.slack_id,
        message=fb.message,
        link=link,
        metric=_metric_label(deps.config, fb.metric_key, locale),
    )
    deps.sender.enqueue(session, fb.team_id, f"feedback:{fb.id}:dm", recipient.slack_id, **dm)


def _metric_label(config: AppConfig, key: str | None, locale: str) -> str | None:
    for k, en, zh in metric_options(config):
        if k == key:
            return label(en, zh, locale)
    return key


# --- acknowledging and sharing ----------------------------------------------------------------


@dataclass(frozen=True)
class Acknowledged:
    fb: Feedback
    first: bool  # False on a second press (double click): nothing new happened


def acknowledge(
    deps: Deps, session: Session, viewer: User, fb_id: int, choice: str
) -> Acknowledged:
    """Thanks or Let's discuss, exactly once: a conditional UPDATE wins one race."""
    fb = session.get(Feedback, fb_id)
    if fb is None or not permissions.can_acknowledge(viewer, fb):
        raise NotAllowed()
    result = session.execute(
        update(Feedback)
        .where(col(Feedback.id) == fb_id, col(Feedback.ack).is_(None))
        .values(ack=choice, ack_at=deps.clock())
    )
    session.refresh(fb)
    first = bool(result.rowcount)  # type: ignore[attr-defined]
    if first:
        giver = directory.by_id(session, fb.giver_id)
        if giver is not None:
            dm = views.ack_notice(
                directory.locale_of(giver, deps.config),
                choice=fb.ack or choice,
                who=viewer.slack_id,
                kind=fb.kind,
            )
            deps.sender.enqueue(session, fb.team_id, f"feedback:{fb.id}:ack", giver.slack_id, **dm)
        log.info("feedback %s acknowledged: %s", fb.id, fb.ack)
    return Acknowledged(fb, first)


def share_with_subject(deps: Deps, session: Session, viewer: User, fb_id: int) -> Feedback:
    """The manager who asked passes an answer on to the rep (once)."""
    fb = session.get(Feedback, fb_id)
    if fb is None or not permissions.can_share_with_subject(viewer, fb):
        raise NotAllowed()
    if fb.shared_at is None:
        fb.shared_at = deps.clock()
        session.add(fb)
        giver = directory.by_id(session, fb.giver_id)
        recipient = directory.by_id(session, fb.recipient_id)
        if giver is not None and recipient is not None:
            _queue_recipient_dm(deps, session, fb, giver, recipient, None)
        log.info("feedback %s shared with its subject", fb.id)
    return fb


# --- requests ---------------------------------------------------------------------------------


def create_request(
    deps: Deps,
    session: Session,
    *,
    team_id: str,
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
    if len(peers) > deps.config.feedback.max_peers:
        raise UserFacingError(
            "feedback.request_too_many", count=len(peers), max=deps.config.feedback.max_peers
        )
    for peer in peers:
        if peer.id in (requester.id, subject.id):
            raise UserFacingError("feedback.request_self", who=f"<@{peer.slack_id}>")
    now = deps.clock()
    request = FeedbackRequest(
        team_id=team_id,
        requester_id=requester.id,  # type: ignore[arg-type]
        subject_id=subject.id,  # type: ignore[arg-type]
        topic=topic[:500] if topic else None,
        created_at=now,
    )
    session.add(request)
    session.flush()
    for peer in peers:
        ask = FeedbackAsk(
            team_id=team_id,
            request_id=request.id,  # type: ignore[arg-type]
            peer_id=peer.id,  # type: ignore[arg-type]
            created_at=now,
        )
        session.add(ask)
        session.flush()
        dm = views.ask_dm(
            directory.locale_of(peer, deps.config),
            ask_id=ask.id,
            requester=requester.slack_id,
            subject=subject.slack_id,
            topic=topic,
        )
        deps.sender.enqueue(session, team_id, f"feedback-ask:{ask.id}", peer.slack_id, **dm)
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
    """One reminder after `reminder_days`, expiry after `expiry_days`. Idempotent: a reminded
    or expired ask is never touched again, and reminders go through the keyed outbox."""
    cfg = deps.config.feedback
    reminded = expired = 0
    with deps.db.session() as session:
        asks = session.exec(select(FeedbackAsk).where(FeedbackAsk.status == "open")).all()
        for ask in asks:
            age = as_of - ask.created_at
            if age >= timedelta(days=cfg.expiry_days):
                ask.status, ask.closed_at = "expired", as_of
                session.add(ask)
                expired += 1
            elif age >= timedelta(days=cfg.reminder_days) and ask.reminded_at is None:
                peer = directory.by_id(session, ask.peer_id)
                request = session.get(FeedbackRequest, ask.request_id)
                if peer is None or peer.deactivated or request is None:
                    continue  # nobody to remind: the ask just expires in time
                requester = directory.by_id(session, request.requester_id)
                subject = directory.by_id(session, request.subject_id)
                dm = views.ask_dm(
                    directory.locale_of(peer, deps.config),
                    ask_id=ask.id,
                    requester=requester.slack_id if requester else "",
                    subject=subject.slack_id if subject else "",
                    topic=request.topic,
                    reminder=True,
                    days=age.days,
                )
                key = f"feedback-ask:{ask.id}:reminder"
                deps.sender.enqueue(session, ask.team_id, key, peer.slack_id, **dm)
                ask.reminded_at = as_of
                session.add(ask)
                reminded += 1
    sent, failed = deps.sender.flush(deps.db)
    return f"reminded {reminded}, expired {expired}; sent {sent}, failed {failed}"


# --- reading ----------------------------------------------------------------------------------


def _readable_as_recipient(user: User) -> Any:
    # An answer to a manager's request about this user counts only once the manager shared it.
    return (Feedback.recipient_id == user.id) & (
        col(Feedback.held_for_id).is_(None) | col(Feedback.shared_at).is_not(None)
    )


def received(session: Session, user: User, limit: int = 10) -> list[Feedback]:
    """Feedback the user may read as its recipient, newest first."""
    rows = session.exec(
        select(Feedback)
        .where(_readable_as_recipient(user))
        .order_by(col(Feedback.created_at).desc(), col(Feedback.id).desc())
        .limit(limit)
    ).all()
    return list(rows)


def received_counts(
    session: Session, user: User, since: datetime, until: datetime
) -> dict[str, int]:
    """{kind: count} of feedback the user may read as recipient, created in [since, until]."""
    rows = session.exec(
        select(Feedback.kind, func.count())
        .where(_readable_as_recipient(user))
        .where(Feedback.created_at >= since, Feedback.created_at <= until)
        .group_by(Feedback.kind)
    ).all()
    return dict(rows)


def held_for_me(session: Session, user: User, limit: int = 10) -> list[Feedback]:
    """Answers to this manager's requests about their reports, newest first."""
    return list(
        session.exec(
            select(Feedback)
            .where(Feedback.held_for_id == user.id)
            .order_by(col(Feedback.created_at).desc(), col(Feedback.id).desc())
            .limit(limit)
        ).all()
    )


def team_visible(session: Session, manager: User, limit: int = 10) -> list[Feedback]:
    """Feedback about people in the manager's tree that the manager may read."""
    tree = [u.id for u in directory.reporting_tree(session, manager)]
    if not tree:
        return []
    rows = session.exec(
        select(Feedback)
        .where(col(Feedback.recipient_id).in_(tree), col(Feedback.held_for_id).is_(None))
        .order_by(col(Feedback.created_at).desc(), col(Feedback.id).desc())
        .limit(200)
    ).all()
    return [fb for fb in rows if permissions.can_read_feedback(session, manager, fb)][:limit]


def asks_to_answer(session: Session, user: User) -> list[tuple[FeedbackAsk, FeedbackRequest]]:
    rows = session.exec(
        select(FeedbackAsk, FeedbackRequest)
        .join(FeedbackRequest, col(FeedbackRequest.id) == col(FeedbackAsk.request_id))
        .where(FeedbackAsk.peer_id == user.id, FeedbackAsk.status == "open")
        .order_by(col(FeedbackAsk.created_at))
    ).all()
    return [(a, r) for a, r in rows]


def my_open_requests(session: Session, user: User) -> list[tuple[FeedbackRequest, int, int]]:
    """(request, open asks, answered asks) for requests the user made that are still open."""
    rows = session.exec(
        select(FeedbackRequest, FeedbackAsk.status, func.count())
        .join(FeedbackAsk, col(FeedbackAsk.request_id) == col(FeedbackRequest.id))
        .where(FeedbackRequest.requester_id == user.id)
        .group_by(col(FeedbackRequest.id), col(FeedbackAsk.status))
    ).all()
    counts: dict[int, dict[str, Any]] = {}
    for request, status, n in rows:
        entry = counts.setdefault(request.id, {"request": request})
        entry[status] = n
    out = [
        (e["request"], e.get("open", 0), e.get("answered", 0))
        for e in counts.values()
        if e.get("open", 0)
    ]
    return sorted(out, key=lambda x: x[0].created_at)


def counts_by_kind(
    session: Session, team_id: str, user_ids: list[int] | None, since: datetime, until: datetime
) -> dict[int, dict[str, int]]:
    """{recipient id: {kind: count}} for feedback created in [since, until)."""
    query = (
        select(Feedback.recipient_id, Feedback.kind, func.count())
        .where(Feedback.team_id == team_id, Feedback.created_at >= since)
        .where(Feedback.created_at < until)
        .group_by(Feedback.recipient_id, Feedback.kind)
    )
    if user_ids is not None:
        query = query.where(col(Feedback.recipient_id).in_(user_ids))
    out: dict[int, dict[str, int]] = {}
    for recipient_id, kind, n in session.exec(query).all():
        out.setdefault(recipient_id, {})[kind] = n
    return out


def direct_report_counts(
    session: Session, manager: User, now: datetime, timezone: str
) -> list[tuple[User, dict[str, int]]]:
    """This month's feedback counts per direct report (counts only, never text)."""
    reports = [
        u
        for u in session.exec(select(User).where(User.manager_id == manager.id)).all()
        if permissions.can_see_feedback_counts(session, manager, u)
    ]
    if not reports:
        return []
    start = local_month_start(now, timezone)
    counts = counts_by_kind(
        session, manager.team_id, [u.id for u in reports], start, now + timedelta(seconds=1)
    )
    return [(u, counts.get(u.id, {})) for u in sorted(reports, key=lambda u: u.name)]  # type: ignore[arg-type]


def company_trend(
    session: Session, team_id: str, now: datetime, timezone: str
) -> tuple[dict[str, int], dict[str, int]]:
    """(this month, last month) feedback counts per kind across the workspace: for HR."""
    this_start = local_month_start(now, timezone)
    last_start = local_month_start(this_start - timedelta(days=1), timezone)

    def totals(since: datetime, until: datetime) -> dict[str, int]:
        out: dict[str, int] = {}
        for per_kind in counts_by_kind(session, team_id, None, since, until).values():
            for kind, n in per_kind.items():
                out[kind] = out.get(kind, 0) + n
        return out

    return totals(this_start, now + timedelta(seconds=1)), totals(last_start, this_start)
