"""Reads of training requests as views show them, and the courses a rep's numbers suggest."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlmodel import Session, col, select

from bot.core.periods import containing, local_date
from bot.core.workspace import Workspace
from bot.growth.training_views import Row, Suggestion
from bot.growth.weak import Weak, weak_metrics
from bot.i18n import localized
from bot.kpi.scorecard import metric_values
from bot.org.directory import by_id, slack_id_of, timezone_of
from storage.models.core import User
from storage.models.growth import TrainingRequest

OPEN = ("pending", "approved", "scheduled")  # requested and not finished nor declined


def today(ws: Workspace, user: User | None = None) -> date:
    """Today in the person's time zone (the workspace's when None)."""
    tz = timezone_of(user, ws.config) if user is not None else ws.config.workspace.timezone
    return local_date(ws.clock(), tz)


def topic_of(ws: Workspace, req: TrainingRequest, locale: str) -> str:
    """A catalog course by its title in `locale`; a free-text request as the rep wrote it."""
    course = ws.config.course(req.course) if req.course else None
    return localized(course, locale) if course else req.topic


def rows(
    ws: Workspace, session: Session, requests: Iterable[TrainingRequest], locale: str
) -> list[Row]:
    found = []
    tz = ws.config.workspace.timezone
    for req in requests:
        rep = by_id(session, req.rep_id)
        found.append(
            Row(
                id=req.id or 0,
                rep=rep.slack_id if rep else "",
                topic=topic_of(ws, req, locale),
                kind=req.kind,
                status=req.status,
                requested=local_date(req.created_at, tz),
                manager=slack_id_of(session, rep.manager_id if rep else None),
                decided_by=slack_id_of(session, req.decided_by_id),
                decline_reason=req.decline_reason,
                scheduled_for=req.scheduled_for,
                completed_on=local_date(req.completed_at, tz) if req.completed_at else None,
                reason=req.reason,
                preferred_month=req.preferred_month,
            )
        )
    return found


def row(ws: Workspace, session: Session, req: TrainingRequest, locale: str) -> Row:
    return rows(ws, session, [req], locale)[0]


def of_rep(session: Session, team_id: str, rep_id: int) -> list[TrainingRequest]:
    """A rep's requests, newest first."""
    query = select(TrainingRequest).where(
        TrainingRequest.team_id == team_id, TrainingRequest.rep_id == rep_id
    )
    return list(session.exec(query.order_by(col(TrainingRequest.id).desc())).all())


def pending_of(session: Session, team_id: str, rep_ids: list[int]) -> list[TrainingRequest]:
    """Pending requests of these reps, oldest first."""
    if not rep_ids:
        return []
    query = select(TrainingRequest).where(
        TrainingRequest.team_id == team_id,
        TrainingRequest.status == "pending",
        col(TrainingRequest.rep_id).in_(rep_ids),
    )
    return list(session.exec(query.order_by(col(TrainingRequest.id))).all())


def for_hr(session: Session, team_id: str) -> list[TrainingRequest]:
    """Every approved and scheduled request, oldest first."""
    query = select(TrainingRequest).where(
        TrainingRequest.team_id == team_id,
        col(TrainingRequest.status).in_(("approved", "scheduled")),
    )
    return list(session.exec(query.order_by(col(TrainingRequest.id))).all())


def open_course(session: Session, team_id: str, rep_id: int, course: str) -> TrainingRequest | None:
    """The rep's request for `course` still in progress (pending, approved or scheduled)."""
    query = select(TrainingRequest).where(
        TrainingRequest.team_id == team_id,
        TrainingRequest.rep_id == rep_id,
        TrainingRequest.course == course,
        col(TrainingRequest.status).in_(OPEN),
    )
    return session.exec(query).first()


# --- suggestions -------------------------------------------------------------------------


def weak_of(ws: Workspace, session: Session, rep: User) -> list[Weak]:
    """The rep's weak metrics this month (workspace time zone), weakest first."""
    day = today(ws)
    month = containing("month", day)
    found = weak_metrics(session, ws.config, ws.team_id, month, [rep.id or 0], today=day)
    return found.get(rep.id or 0, [])


def weak_for_course(ws: Workspace, session: Session, rep: User, course: str) -> Weak | None:
    """The weakest of the rep's weak metrics that `course` is linked to (None: none)."""
    return next(
        (w for w in weak_of(ws, session, rep) if any(c.key == course for c in w.courses)), None
    )


def has_data(ws: Workspace, session: Session, rep: User) -> bool:
    """Any metric of the rep's this month with both a figure and a target."""
    month = containing("month", today(ws))
    values = metric_values(session, ws.config, ws.team_id, month, [rep.id or 0])
    return any(
        actual is not None and target is not None
        for actual, target in values.get(rep.id or 0, {}).values()
    )


def suggestions(
    ws: Workspace, session: Session, rep: User, locale: str
) -> tuple[list[Suggestion], str | None]:
    """(the catalog courses for the rep's weak metrics, weakest first, neither in progress
    nor completed already; why there are none, a catalog key, when there are none)."""
    if not ws.config.training:
        return [], "training.none_catalog"
    weak = weak_of(ws, session, rep)
    if not weak:  # nothing weak, or nothing to judge yet: said differently
        return [], "training.none_weak" if has_data(ws, session, rep) else "training.none_data"
    done_or_open = (*OPEN, "completed")
    taken = {
        r.course
        for r in of_rep(session, ws.team_id, rep.id or 0)
        if r.status in done_or_open and r.course
    }
    found: list[Suggestion] = []
    for w in weak:
        for course in w.courses:
            if course.key in taken or any(s.course == course.key for s in found):
                continue
            found.append(
                Suggestion(
                    course=course.key,
                    title=localized(course, locale),
                    kind=course.kind,
                    metric=localized(w.metric, locale),
                    ratio=float(w.ratio),
                    on_pace=w.on_pace,
                )
            )
    if not found:
        return [], "training.none_course"
    return found, None


def weak_suggestion(
    ws: Workspace, session: Session, rep: User, course: str, locale: str
) -> Suggestion | None:
    """The course as a suggestion from the rep's weakest metric it helps (None: none)."""
    w = weak_for_course(ws, session, rep, course)
    item = ws.config.course(course)
    if w is None or item is None:
        return None
    return Suggestion(
        course=course,
        title=localized(item, locale),
        kind=item.kind,
        metric=localized(w.metric, locale),
        ratio=float(w.ratio),
        on_pace=w.on_pace,
    )
