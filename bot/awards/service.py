"""What other features read of awards: the line a rep's review summary shows."""

from __future__ import annotations

from sqlmodel import Session

from bot.core.workspace import Workspace
from storage.models.core import User
from storage.models.reviews import ReviewCycle


def awards_note(
    session: Session, ws: Workspace, rep: User, cycle: ReviewCycle, locale: str
) -> str | None:
    """The awards the rep won in the months of the cycle's period (None: none)."""
    return None
