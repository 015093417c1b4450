"""App Home tab."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.core.deps import Deps
from bot.home import page as home


def register(app: App, deps: Deps) -> None:
    @app.event("app_home_opened")
    def home_opened(event: dict[str, Any], body: dict[str, Any]) -> None:
        if event.get("tab", "home") != "home":
            return
        home.publish(deps, body["team_id"], event["user"])
