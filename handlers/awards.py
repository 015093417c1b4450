"""/award and HR's candidates card: the Announce button and the select of someone else."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond

from bot.core.deps import Deps
from bot.core.errors import UserFacingError
from handlers.middleware import mentioned, unit


def award(ack: Ack, command: dict[str, Any], respond: Respond, context: Any) -> None:
    ack()
    text = command.get("text", "")
    with unit(context, command["user_id"], mentioned(text)):
        raise UserFacingError("awards.usage")


def register(app: App, deps: Deps) -> None:
    app.command("/award")(award)
