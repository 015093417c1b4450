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
from bot.core.errors import NotAllowed, UserFacingError
from bot.core.safe_text import is_visibly_empty
from bot.core.workspace import Workspace
from bot.feedback import views
from bot.feedback.counts import given_by_kind as given_by_kind  # for other features
from bot.i18n import label
from bot.kudos import service as kudos
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
    ws: Workspace,
    session: Session,
    *,
    giver: User,
    recipients: list[User],
    kind: str,
    visibility: str = "private",
    message: str,
    metric_key: str | None = None,
    ask: FeedbackAsk | None = None,
    share_name: bool = False,
) -> list[Feedback]:
    """Store one Feedback per recipient and queue its messages, delivered after commit; public
    praise's card too (`publish` then links it in the recipient's DM).

    An answer to a manager's request about a rep goes to that manager, held from the rep;
    `share_name`: its answerer agreed that the manager may share it with their name."""
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
    now = ws.clock()
    created = []
    for recipient in recipients:
        fb = Feedback(
            team_id=ws.team_id,
            giver_id=giver.id,  # type: ignore[arg-type]
            recipient_id=recipient.id,  # type: ignore[arg-type]
            kind=kind,
            visibility=visibility,
            message=message,
            metric_key=metric_key,
            ask_id=ask.id if ask else None,
            share_name=share_name and held_for is not None,
            created_at=now,
        )
        session.add(fb)
        session.flush()
        if visibility == "public":
            _queue_public_card(ws, session, fb, giver, recipient)
        else:
            _queue_delivery(ws, session, fb, giver, recipient, held_for)
        created.append(fb)
    if ask is not None:
        ask.status, ask.closed_at = "answered", now
        session.add(ask)
    # Ids, type and visibility only: the text is sensitive and stays out of logs.
    log.info("feedback %s given (%s, %s)", ",".join(str(f.id) for f in created), kind, visibility)
    return created


def _queue_public_card(
    ws: Workspace, session: Session, fb: Feedback, giver: User, recipient: User
) -> None:
    """Public praise is posted like a kudos card, after commit (see public.publish)."""
    channel = ws.config.channels.recognition
    if not channel:
        raise InvalidInput("visibility", "kudos.no_channel")
    card = kudos.praise_card(  # in the recognition channel's language(s)
        ws.config, giver=giver.slack_id, recipients=[recipient.slack_id], message=fb.message
    )
    ws.sender.enqueue(session, ws.team_id, f"feedback:{fb.id}:public", channel, **card)


def _queue_delivery(
    ws: Workspace,
    session: Session,
    fb: Feedback,
    giver: User,
    recipient: User,
    held_for: User | None,
) -> None:
    if held_for is not None:
        locale = directory.locale_of(held_for, ws.config)
        dm = views.held_feedback_dm(
            locale,
            fb_id=fb.id,
            kind=fb.kind,
            giver=giver.slack_id,
            subject=recipient.slack_id,
            message=fb.message,
            share_name=fb.share_name,
        )
        ws.sender.enqueue(session, fb.team_id, f"feedback:{fb.id}:held", held_for.slack_id, **dm)
        return
    queue_recipient_dm(ws, session, fb, giver, recipient, None)
    manager = directory.by_id(session, recipient.manager_id)
    if fb.visibility == "manager" and manager is not None and manager.id != giver.id:
        locale = directory.locale_of(manager, ws.config)
        dm = views.manager_copy_dm(
            locale,
            kind=fb.kind,
            giver=giver.slack_id,
            subject=recipient.slack_id,
            message=fb.message,
        )
        ws.sender.enqueue(session, fb.team_id, f"feedback:{fb.id}:manager", manager.slack_id, **dm)


def queue_recipient_dm(
    ws: Workspace, session: Session, fb: Feedback, giver: User, recipient: User, link: str | None
) -> None:
    locale = directory.locale_of(recipient, ws.config)
    dm = views.feedback_dm(
        locale,
        fb_id=fb.id,
        kind=fb.kind,
        giver=giver.slack_id if permissions.can_see_giver(session, recipient, fb) else None,
        message=fb.message,
        link=link,
        metric=_metric_label(ws.config, fb.metric_key, locale),
    )
    ws.sender.enqueue(session, fb.team_id, f"feedback:{fb.id}:dm", recipient.slack_id, **dm)


def _metric_label(config: AppConfig, key: str | None, locale: str) -> str | None:
    for k, en, zh in metric_options(config):
        if k == key:
            return label(en, zh, locale)
    return key


# --- acknowledging (sharing a requested answer: requests.share_with_subject) ------------------


@dataclass(frozen=True)
class Acknowledged:
    fb: Feedback
    first: bool  # False on a second press (double click): nothing new happened


def acknowledge(
    ws: Workspace, session: Session, viewer: User, fb_id: int, choice: str
) -> Acknowledged:
    """Thanks or Let's discuss, exactly once: a conditional UPDATE wins one race."""
    fb = session.get(Feedback, fb_id)
    if fb is None or not permissions.can_acknowledge(viewer, fb):
        raise NotAllowed()
    result = session.execute(
        update(Feedback)
        .where(col(Feedback.id) == fb_id, col(Feedback.ack).is_(None))
        .values(ack=choice, ack_at=ws.clock())
    )
    session.refresh(fb)
    first = bool(result.rowcount)  # type: ignore[attr-defined]
    if first:
        giver = directory.by_id(session, fb.giver_id)
        if giver is not None:
            dm = views.ack_notice(
                directory.locale_of(giver, ws.config),
                choice=fb.ack or choice,
                who=viewer.slack_id,
                kind=fb.kind,
            )
            ws.sender.enqueue(session, fb.team_id, f"feedback:{fb.id}:ack", giver.slack_id, **dm)
        log.info("feedback %s acknowledged: %s", fb.id, fb.ack)
    return Acknowledged(fb, first)


# --- reading ----------------------------------------------------------------------------------


def _readable_as_recipient(user: User) -> Any:
    return _readable_to_recipients([user.id])


def _readable_to_recipients(user_ids: list[int | None]) -> Any:
    # An answer to a manager's request about this user counts only once the manager shared it.
    return col(Feedback.recipient_id).in_(user_ids) & (
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
    assert user.id is not None
    return received_counts_of(session, [user.id], since, until).get(user.id, {})


def received_counts_of(
    session: Session, user_ids: list[int], since: datetime, until: datetime
) -> dict[int, dict[str, int]]:
    """{user id: {kind: count}} as `received_counts`, for many people in a few queries."""
    found: dict[int, dict[str, int]] = {}
    for start in range(0, len(user_ids), 1000):  # IN lists of a size every database takes
        rows = session.exec(
            select(Feedback.recipient_id, Feedback.kind, func.count())
            .where(_readable_to_recipients(list(user_ids[start : start + 1000])))
            .where(Feedback.created_at >= since, Feedback.created_at <= until)
            .group_by(Feedback.recipient_id, Feedback.kind)
        ).all()
        for recipient, kind, count in rows:
            found.setdefault(recipient, {})[kind] = count
    return found


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
    start = kudos.local_month_start(now, timezone)
    counts = counts_by_kind(
        session, manager.team_id, [u.id for u in reports], start, now + timedelta(seconds=1)
    )
    return [(u, counts.get(u.id, {})) for u in sorted(reports, key=lambda u: u.name)]  # type: ignore[arg-type]


def company_trend(
    session: Session, team_id: str, now: datetime, timezone: str
) -> tuple[dict[str, int], dict[str, int]]:
    """(this month, last month) feedback counts per kind across the workspace: for HR."""
    this_start = kudos.local_month_start(now, timezone)
    last_start = kudos.local_month_start(this_start - timedelta(days=1), timezone)

    def totals(since: datetime, until: datetime) -> dict[str, int]:
        out: dict[str, int] = {}
        for per_kind in counts_by_kind(session, team_id, None, since, until).values():
            for kind, n in per_kind.items():
                out[kind] = out.get(kind, 0) + n
        return out

    return totals(this_start, now + timedelta(seconds=1)), totals(last_start, this_start)
