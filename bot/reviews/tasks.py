"""Doing a review: opening a task's form (with the scorecard the reviewer may see) and
submitting it. Only the task's owner may open or submit it; a submitted review can be edited
until the cycle's due date (in the reviewer's own time zone); a closed cycle or a cancelled
task refuses both. The submission is one conditional UPDATE, so a race with closing or
cancelling, or two submissions at once, never stores what the rules refuse."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import exists, func, literal, update
from sqlmodel import Session, col

from bot.core.config import AppConfig
from bot.core.errors import NotAllowed, UserFacingError
from bot.core.periods import local_date, parse_key
from bot.core.workspace import Workspace
from bot.kpi import scorecard
from bot.org import directory
from bot.org.teams import team_name
from bot.permissions import reviews as permissions
from storage.models.core import User
from storage.models.reviews import ReviewCycle, ReviewTask
from storage.types import UTCDateTime, utcnow

RATINGS = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class TaskContext:
    """A task with what its form and its confirmation need."""

    task: ReviewTask
    cycle: ReviewCycle
    subject: User
    late: bool  # the reviewer's today is after the due date

    @property
    def submitted(self) -> bool:
        return self.task.status == "done"


def reviewer_today(ws: Workspace, user: User) -> date:
    """The reviewer's own date: the due date holds in each person's time zone."""
    return local_date(ws.clock(), directory.timezone_of(user, ws.config))


def role_of(session: Session, team_id: str, user: User, task_id: int) -> str:
    """The role of `user`'s own task (which form its button opens); anyone else's, or no
    such task, is refused without saying which."""
    task = session.get(ReviewTask, task_id) if task_id else None
    if task is None or task.team_id != team_id or not permissions.may_do(user, task):
        raise NotAllowed("reviews.tasks.not_yours")
    return task.role


def load(session: Session, team_id: str, user: User, task_id: int, today: date) -> TaskContext:
    """The task `user` wants to open or submit, or a refusal: someone else's task (or no
    such task) reveals nothing; then a closed cycle, a cancelled task, and a submitted review
    after the due date are each refused with their reason."""
    task = session.get(ReviewTask, task_id)
    if task is None or task.team_id != team_id or not permissions.may_do(user, task):
        raise NotAllowed("reviews.tasks.not_yours")
    cycle = session.get(ReviewCycle, task.cycle_id)
    subject = directory.by_id(session, task.subject_id)
    assert cycle is not None and subject is not None
    if cycle.status != "open":
        raise UserFacingError("reviews.tasks.cycle_closed", cycle=cycle.name)
    if task.status == "cancelled":
        raise UserFacingError("reviews.tasks.cancelled", cycle=cycle.name)
    late = today > cycle.due
    if task.status == "done" and late:
        raise UserFacingError("reviews.tasks.closed_for_edits", cycle=cycle.name)
    return TaskContext(task, cycle, subject, late)


def card_for(
    ws: Workspace, session: Session, viewer: User, ctx: TaskContext, locale: str
) -> scorecard.Scorecard | None:
    """The reviewed person's scorecard of the cycle's period as /kpi shows it today, when
    the reviewer may see it (None for peers), the team shown by its name in `locale`."""
    config, team_id = ws.config, ws.team_id
    if not permissions.shows_scorecard_in_review(session, viewer, ctx.task, ctx.subject):
        return None
    period = parse_key(ctx.cycle.period)
    if period is None:
        return None
    today = local_date(ws.clock(), config.workspace.timezone)
    card = scorecard.scorecard(session, config, team_id, ctx.subject, period, today)
    standing = card.standing
    if standing is not None and standing.team is not None:
        named = replace(standing, team=team_name(config, standing.team, locale))
        card = replace(card, standing=named)
    return card


def check_ratings(config: AppConfig, ratings: dict[str, str | None]) -> dict[str, int]:
    """Every configured competency rated 1-5 (Slack's required inputs make this the rule,
    checked again here: a forged payload stores nothing)."""
    checked: dict[str, int] = {}
    for competency in config.reviews.competencies:
        value = ratings.get(competency.key)
        if value is None or not value.isdigit() or int(value) not in RATINGS:
            raise UserFacingError("reviews.tasks.missing_rating", competency=competency.key)
        checked[competency.key] = int(value)
    return checked


def submit(
    session: Session,
    config: AppConfig,
    team_id: str,
    user: User,
    task_id: int,
    ratings: dict[str, str | None],
    comment: str,
    today: date,
    now: datetime | None = None,
) -> TaskContext:
    """Store the review (first submission or an edit) and mark the task done. The UPDATE
    repeats every rule in its WHERE clause: if the cycle closed or the task was cancelled
    since `load` read them, nothing is written and the refusal says why. `now` (the
    workspace clock) stamps the submission, on the clock that opens and closes cycles."""
    now = now or utcnow()
    ctx = load(session, team_id, user, task_id, today)
    if ctx.task.role == "nominate":
        raise UserFacingError("reviews.tasks.not_a_review")
    checked = check_ratings(config, ratings)
    allowed = ("open",) if ctx.late else ("open", "done")
    cycle_open = exists().where(
        col(ReviewCycle.id) == ReviewTask.cycle_id, col(ReviewCycle.status) == "open"
    )
    result = session.execute(
        update(ReviewTask)
        .where(
            col(ReviewTask.id) == task_id,
            col(ReviewTask.reviewer_id) == user.id,
            col(ReviewTask.status).in_(allowed),
            cycle_open,
        )
        .values(
            status="done",
            ratings=checked,
            comment=comment.strip()[:4000] or None,
            submitted_at=func.coalesce(ReviewTask.submitted_at, literal(now, UTCDateTime())),
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        session.expire_all()
        load(session, team_id, user, task_id, today)  # raises the reason
        raise UserFacingError("reviews.tasks.closed_for_edits", cycle=ctx.cycle.name)
    return ctx
