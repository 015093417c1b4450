"""What a person sees of feedback and kudos: their App Home section and `/feedback list`.

Each list is filtered through bot/permissions/feedback.py; HR gets counts and trends, never text."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.core.blocks import Block
from bot.core.workspace import Workspace
from bot.feedback import service as feedback
from bot.feedback.overview_views import Overview, ReceivedItem, overview_blocks
from bot.kudos import service as kudos
from bot.org import directory
from bot.org.directory import Who
from bot.permissions import feedback as permissions
from bot.permissions.roles import is_hr
from storage.models.core import User
from storage.models.feedback import Feedback


def _item(
    session: Session, viewer: User, fb: Feedback, timezone: str, with_subject: bool = False
) -> ReceivedItem:
    giver = directory.by_id(session, fb.giver_id)
    subject = directory.by_id(session, fb.recipient_id) if with_subject else None
    named = giver is not None and permissions.can_see_giver(session, viewer, fb)
    return ReceivedItem(
        kind=fb.kind,
        giver=giver.slack_id if giver and named else None,
        message=fb.message,
        # the day in the viewer's time zone, not UTC's (08:00 in Shanghai is yesterday in UTC)
        created=fb.created_at.astimezone(ZoneInfo(timezone)),
        subject=subject.slack_id if subject else None,
    )


def build(ws: Workspace, session: Session, who: Who, *, report_counts: bool = True) -> Overview:
    """`report_counts`: each direct report's counts (/feedback list; the Home shows them in
    the team overview of bot/home/people.py instead)."""
    me, now = who.user, ws.clock()
    ov = Overview()
    ov.received = [
        _item(session, me, fb, who.timezone)
        for fb in feedback.received(session, me)
        if permissions.can_read_feedback(session, me, fb)
    ]
    ov.kudos_total, per_value = kudos.received_this_month(session, me, now, who.timezone)
    ov.kudos_values = [
        (kudos.value_label(ws.config, key, who.locale), n)
        for key, n in sorted(per_value.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    for ask, request in feedback.asks_to_answer(session, me):
        requester = directory.by_id(session, request.requester_id)
        subject = directory.by_id(session, request.subject_id)
        if requester and subject:
            days = (now - ask.created_at).days
            ov.asks.append((ask.id, requester.slack_id, subject.slack_id, request.topic, days))  # type: ignore[arg-type]
    for request, open_, answered in feedback.my_open_requests(session, me):
        subject = directory.by_id(session, request.subject_id)
        days = (now - request.created_at).days
        ov.my_requests.append(
            (subject.slack_id if subject else "", request.topic, open_, answered, days)
        )
    ov.held = [
        _item(session, me, fb, who.timezone, with_subject=True)
        for fb in feedback.held_for_me(session, me)
        if permissions.can_read_feedback(session, me, fb)
    ]
    reports = feedback.direct_report_counts(session, me, now, who.timezone)
    if reports:
        if report_counts:
            ov.report_counts = [
                (u.slack_id, counts, kudos.received_this_month(session, u, now, who.timezone)[0])
                for u, counts in reports
            ]
        ov.team = [
            _item(session, me, fb, who.timezone, with_subject=True)
            for fb in feedback.team_visible(session, me)
        ]
    if is_hr(me):
        ov.trend = feedback.company_trend(session, me.team_id, now, who.timezone)
    return ov


def home_section(ws: Workspace, session: Session, who: Who) -> list[Block]:
    return overview_blocks(who.locale, build(ws, session, who, report_counts=False))
