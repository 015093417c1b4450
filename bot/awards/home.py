"""The App Home's awards: a person's own awards; for HR, this year's announcements and the
next candidates once computed."""

from __future__ import annotations

from sqlmodel import Session

from bot.core.blocks import Block
from bot.core.workspace import Workspace
from bot.org.directory import Who


def home_section(ws: Workspace, session: Session, who: Who) -> list[Block]:
    return []
