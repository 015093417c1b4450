"""What HR must handle goes to one place: `[channels] hr` when set (in the workspace's
language), else a DM to each active HR person and admin in their own language."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session

from bot.core.blocks import Block
from bot.core.workspace import Workspace
from bot.org.directory import locale_of, with_roles
from storage.models.core import User

HR_ROLES = ("hr", "admin")
# (locale, the HR person or None for the channel) -> (text, blocks)
Render = Callable[[str, User | None], tuple[str, list[Block]]]


def tell_hr(ws: Workspace, session: Session, key: str, render: Render) -> int:
    """Queue HR's copy, keyed `key` (the channel's) or `key:<user id>` (each DM): once each.
    Returns how many were queued now."""
    channel = ws.config.channels.hr
    if channel:
        text, blocks = render(ws.config.workspace.default_locale, None)
        return int(ws.sender.enqueue(session, ws.team_id, key, channel, text, blocks) is not None)
    made = 0
    for person in with_roles(session, ws.team_id, HR_ROLES):
        text, blocks = render(locale_of(person, ws.config), person)
        queued = ws.sender.enqueue(
            session, ws.team_id, f"{key}:{person.id}", person.slack_id, text, blocks
        )
        made += queued is not None
    return made
