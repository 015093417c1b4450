"""Slack's user_change event: keep the directory in step with Slack (deactivated, and
Slack's language and time zone)."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.core.deps import Deps
from bot.org import profiles


def user_change(event: dict[str, Any], context: Any) -> None:
    user = event.get("user") or {}
    if not isinstance(user, dict) or not user.get("id"):
        return
    with context["db"].session() as session:
        ws = context["ws"]
        profiles.store(session, ws.team_id, [user], ws.clock(), synced=False)


def register(app: App, deps: Deps) -> None:
    app.event("user_change")(user_change)
