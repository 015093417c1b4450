"""/review: my open review tasks; HR: start, status and close of review cycles."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond

from bot.core.deps import Deps
from bot.reviews import chat as reviews_chat
from handlers import review_start
from handlers.middleware import unit

START_WORDS = ("start", "开始")


def review(ack: Ack, command: dict[str, Any], respond: Respond, context: Any) -> None:
    ack()
    text = command.get("text", "")
    if text.split()[:1] and text.split()[0].lower() in START_WORDS:
        review_start.start_command(command, respond, context)
        return
    with unit(context, command["user_id"]) as u:
        reply = reviews_chat.reply(u.ws, u.session, u.who, text)
    respond(**reply)


def register(app: App, deps: Deps) -> None:
    app.command("/review")(review)
    review_start.register(app)
