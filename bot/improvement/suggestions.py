"""The suggestion box: recording a suggestion, HR's decisions, votes, the lists."""

from __future__ import annotations

from sqlmodel import Session

from bot.core.blocks import Block
from bot.core.workspace import Workspace
from bot.org.directory import Who


def home_section(ws: Workspace, session: Session, who: Who) -> list[Block]:
    """HR's App Home: the open count and the top five by votes."""
    return []
