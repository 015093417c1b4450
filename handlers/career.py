"""/career: readiness, guidance requests and the coach's buttons. `/career plan …` is
handed to handlers/plan.py."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond

from bot.core.deps import Deps
from bot.growth import career_chat
from handlers import plan
from handlers.middleware import mentioned, unit

PLAN_WORDS = ("plan", "计划")


def career(ack: Ack, command: dict[str, Any], respond: Respond, context: Any) -> None:
    ack()
    text = command.get("text", "")
    words = text.split()
    if words and words[0].lower() in PLAN_WORDS:
        plan.plan_command(command, respond, context)
        return
    with unit(context, command["user_id"], mentioned(text)) as u:
        reply = career_chat.reply(u.ws, u.session, u.who, text)
    respond(**reply)


def register(app: App, deps: Deps) -> None:
    app.command("/career")(career)
