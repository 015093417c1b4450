"""Development plans: a rep's goals, written by them or their manager chain, or accepted
from a suggestion."""

from __future__ import annotations

from sqlmodel import Session

from bot.core.blocks import Block
from bot.core.workspace import Workspace
from bot.org.directory import Who


def home_section(ws: Workspace, session: Session, who: Who) -> list[Block]:
    """The App Home's development plan: open goals and pending suggestions."""
    return []
