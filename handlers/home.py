"""App Home tab."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.core.deps import Deps
from bot.home import page as home


def home_opened(event: dict[str, Any], context: Any) -> None:
    if event.get("tab", "home") != "home":
        return
    home.publish(context["ws"], context["db"], event["user"])


def register(app: App, deps: Deps) -> None:
    app.event("app_home_opened")(home_opened)
