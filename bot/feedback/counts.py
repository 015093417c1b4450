"""Feedback as counts for the App Home overviews (managers' teams, HR's company by team): one
query for a whole group, never one per person, and never a text. Received feedback per person
is bot.feedback.service.counts_by_kind."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.models.feedback import Feedback, FeedbackAsk, FeedbackRequest


def givers(session: Session, team_id: str, since: datetime, until: datetime) -> set[int]:
    """Who gave feedback (of any kind, asked for or not) in [since, until]."""
    rows = session.exec(
        select(Feedback.giver_id)
        .where(
            Feedback.team_id == team_id,
            Feedback.created_at >= since,
            Feedback.created_at <= until,
        )
        .distinct()
    ).all()
    return set(rows)


def open_requests_about(session: Session, team_id: str, user_ids: Sequence[int]) -> dict[int, int]:
    """{user id: feedback requests about them (by themselves or a manager) still waiting for
    at least one answer}."""
    if not user_ids:
        return {}
    rows = session.exec(
        select(FeedbackRequest.subject_id, func.count(func.distinct(FeedbackRequest.id)))
        .join(FeedbackAsk, col(FeedbackAsk.request_id) == col(FeedbackRequest.id))
        .where(
            FeedbackRequest.team_id == team_id,
            col(FeedbackRequest.subject_id).in_(list(user_ids)),
            FeedbackAsk.status == "open",
        )
        .group_by(FeedbackRequest.subject_id)
    ).all()
    return dict(rows)


def given_by_kind(
    session: Session, team_id: str, since: datetime, until: datetime
) -> dict[int, dict[str, int]]:
    """{giver id: {kind: feedback they gave in [since, until)}}: counts, never a text."""
    rows = session.exec(
        select(Feedback.giver_id, Feedback.kind, func.count())
        .where(
            Feedback.team_id == team_id,
            Feedback.created_at >= since,
            Feedback.created_at < until,
        )
        .group_by(Feedback.giver_id, Feedback.kind)
    ).all()
    found: dict[int, dict[str, int]] = {}
    for giver_id, kind, count in rows:
        found.setdefault(giver_id, {})[kind] = count
    return found
