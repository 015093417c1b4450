"""/training: requests, suggestions, the approval and HR buttons and their modals."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond

from bot.core.deps import Deps
from bot.growth import training_chat
from handlers.middleware import unit


def training(ack: Ack, command: dict[str, Any], respond: Respond, context: Any) -> None:
    ack()
    with unit(context, command["user_id"]) as u:
        reply = training_chat.reply(u.ws, u.session, u.who, command.get("text", ""))
    respond(**reply)


def register(app: App, deps: Deps) -> None:
    app.command("/training")(training)
