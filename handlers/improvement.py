"""/suggest: the suggestion box's command, form, HR's buttons and the +1 button."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond

from bot.core.deps import Deps
from bot.core.errors import UserFacingError
from handlers import calibration
from handlers.middleware import unit


def suggest(ack: Ack, command: dict[str, Any], respond: Respond, context: Any) -> None:
    ack()
    with unit(context, command["user_id"]):
        raise UserFacingError("improvement.usage")


def register(app: App, deps: Deps) -> None:
    app.command("/suggest")(suggest)
    calibration.register(app, deps)
