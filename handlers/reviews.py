"""/review: my open review tasks; HR: start, status and close of review cycles."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond

from bot.core.deps import Deps
from bot.reviews import chat as reviews_chat
from handlers.middleware import unit


def review(ack: Ack, command: dict[str, Any], respond: Respond, context: Any) -> None:
    ack()
    text = command.get("text", "")
    with unit(context, command["user_id"]) as u:
        reply = reviews_chat.reply(u.ws, u.session, u.who, text)
    respond(**reply)


def register(app: App, deps: Deps) -> None:
    app.command("/review")(review)
