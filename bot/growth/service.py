"""What other features read of growth: the completed trainings a review summary shows."""

from __future__ import annotations

from sqlmodel import Session

from bot.core.workspace import Workspace
from storage.models.core import User
from storage.models.reviews import ReviewCycle


def completed_trainings_note(
    session: Session, ws: Workspace, rep: User, cycle: ReviewCycle, locale: str
) -> str | None:
    """The line of a rep's review summary naming the trainings they completed (None: none)."""
    return None
