"""What other features read of reviews: a person's open tasks, and the weekly digest's line
mentioning them with their due date."""

from __future__ import annotations

from sqlmodel import Session, col, select

from bot.core.workspace import Workspace
from bot.i18n import fmt_date, t
from storage.models.core import User
from storage.models.reviews import ReviewCycle, ReviewTask


def open_tasks(
    session: Session, team_id: str, user_id: int
) -> list[tuple[ReviewTask, ReviewCycle]]:
    """The person's open tasks in open cycles, soonest due first."""
    rows = session.exec(
        select(ReviewTask, ReviewCycle)
        .join(ReviewCycle, col(ReviewCycle.id) == ReviewTask.cycle_id)
        .where(
            ReviewTask.team_id == team_id,
            ReviewTask.reviewer_id == user_id,
            ReviewTask.status == "open",
            ReviewCycle.status == "open",
        )
        .order_by(ReviewCycle.due, ReviewTask.id)
    ).all()
    return [(task, cycle) for task, cycle in rows]


def digest_note(session: Session, ws: Workspace, rep: User, locale: str) -> str | None:
    """The weekly digest's line for a rep with open review tasks: how many, the soonest due."""
    assert rep.id is not None
    tasks = open_tasks(session, ws.team_id, rep.id)
    if not tasks:
        return None
    due = fmt_date(tasks[0][1].due, locale)
    return t("reviews.tasks.digest_line", locale, count=len(tasks), due=due)
