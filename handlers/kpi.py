"""/kpi: your scorecard, a report's, or a team ranking."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond

from bot.core.deps import Deps
from bot.kpi import chat as kpi_chat
from handlers.middleware import mentioned, unit


def kpi(ack: Ack, command: dict[str, Any], respond: Respond, context: Any) -> None:
    ack()
    text = command.get("text", "")
    with unit(context, command["user_id"], mentioned(text)) as u:
        reply = kpi_chat.reply(u.ws, u.session, u.who, text)
    respond(**reply)


def register(app: App, deps: Deps) -> None:
    app.command("/kpi")(kpi)
