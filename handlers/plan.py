"""`/career plan …`: the development plan, its goal modal and the goal and suggestion
buttons."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, Respond

from bot.core.deps import Deps
from bot.growth import career_chat


def plan_command(command: dict[str, Any], respond: Respond, context: Any) -> None:
    """`/career plan [add …] [@rep]` (acked by handlers/career.py)."""
    respond(**career_chat.help_message("en-US"))


def register(app: App, deps: Deps) -> None:
    pass
