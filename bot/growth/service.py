"""What other features read of growth: the completed trainings a review summary shows."""

from __future__ import annotations

from sqlmodel import Session, col, select

from bot.core.periods import local_date, parse_key
from bot.core.workspace import Workspace
from bot.growth.training_queries import topic_of
from bot.i18n import fmt_date, t
from bot.org.directory import timezone_of
from storage.models.core import User
from storage.models.growth import TrainingRequest
from storage.models.reviews import ReviewCycle


def completed_trainings_note(
    session: Session, ws: Workspace, rep: User, cycle: ReviewCycle, locale: str
) -> str | None:
    """The line of a rep's review summary naming the trainings they completed from the start
    of the cycle's period up to now (None: none)."""
    period = parse_key(cycle.period)
    if period is None:
        return None
    tz = timezone_of(rep, ws.config)
    start, _ = period.bounds(tz)
    query = select(TrainingRequest).where(
        TrainingRequest.team_id == ws.team_id,
        TrainingRequest.rep_id == rep.id,
        TrainingRequest.status == "completed",
        col(TrainingRequest.completed_at) >= start,
    )
    done = session.exec(query.order_by(col(TrainingRequest.completed_at))).all()
    if not done:
        return None
    items = [
        t(
            "training.summary_item",
            locale,
            topic=topic_of(ws, req, locale),
            date=fmt_date(local_date(req.completed_at, tz), locale),
        )
        for req in done
        if req.completed_at is not None
    ]
    return t("training.summary_note", locale, items=" · ".join(items))
