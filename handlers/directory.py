"""Slack's user_change event: keep the directory's deactivated flag in step with Slack."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.core.deps import Deps
from bot.org import directory


def user_change(event: dict[str, Any], context: Any) -> None:
    user = event.get("user") or {}
    if not isinstance(user, dict) or not user.get("id"):
        return
    with context["db"].session() as session:
        directory.set_deactivated(
            session, context["ws"].team_id, user["id"], bool(user.get("deleted"))
        )


def register(app: App, deps: Deps) -> None:
    app.event("user_change")(user_change)
