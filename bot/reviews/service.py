"""What other features read of reviews: a person's open tasks (the weekly digest mentions
them with their due date)."""

from __future__ import annotations

from sqlmodel import Session, col, select

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
