"""Training requests: a rep asks, their manager chain approves or declines, HR schedules and
completes; everyone concerned is told each change."""

from __future__ import annotations

from sqlmodel import Session

from bot.core.blocks import Block
from bot.core.workspace import Workspace
from bot.org.directory import Who


def home_section(ws: Workspace, session: Session, who: Who) -> list[Block]:
    """The App Home's training: open requests and completed trainings."""
    return []
