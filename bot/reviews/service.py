"""What other features read of reviews: a person's open tasks, the weekly digest's line
mentioning them with their due date, and manager ratings of closed cycles (career readiness)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

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


@dataclass(frozen=True)
class ManagerRating:
    """A person's manager rating in the latest closed cycle that reviewed them."""

    cycle: str  # its name
    closed_at: datetime
    average: float | None  # over every competency; None: the review was never submitted


def any_closed_cycle(session: Session, team_id: str) -> bool:
    """Whether this workspace has closed a review cycle yet (so ratings can be asked for)."""
    found = session.exec(
        select(ReviewCycle.id).where(ReviewCycle.team_id == team_id, ReviewCycle.status == "closed")
    ).first()
    return found is not None


def latest_manager_ratings(
    session: Session, team_id: str, user_ids: Sequence[int]
) -> dict[int, ManagerRating]:
    """{user id: their manager rating in the latest closed cycle with a manager review of
    them}; people no closed cycle reviewed are left out."""
    if not user_ids:
        return {}
    rows = session.exec(
        select(ReviewTask, ReviewCycle)
        .join(ReviewCycle, col(ReviewCycle.id) == ReviewTask.cycle_id)
        .where(
            ReviewTask.team_id == team_id,
            ReviewTask.role == "manager",
            col(ReviewTask.subject_id).in_(list(user_ids)),
            ReviewCycle.status == "closed",
        )
        .order_by(col(ReviewCycle.closed_at).desc(), col(ReviewCycle.id).desc())
    ).all()
    latest: dict[int, tuple[ReviewCycle, list[float]]] = {}
    for task, cycle in rows:
        cycle_seen, averages = latest.setdefault(task.subject_id, (cycle, []))
        if cycle_seen.id != cycle.id:
            continue  # an older cycle
        if task.status == "done" and task.ratings:
            averages.append(sum(task.ratings.values()) / len(task.ratings))
    return {
        user_id: ManagerRating(
            cycle.name,
            cycle.closed_at or cycle.created_at,
            sum(averages) / len(averages) if averages else None,
        )
        for user_id, (cycle, averages) in latest.items()
    }
