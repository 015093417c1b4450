"""/kpi: your scorecard, a report's, or a team ranking."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_bolt.request import BoltRequest

from bot.core.deps import Deps
from bot.kpi import chat as kpi_chat
from handlers.after_ack import after_ack
from handlers.middleware import mentioned, unit


def kpi(
    ack: Ack, command: dict[str, Any], respond: Respond, context: Any, request: BoltRequest
) -> None:
    ack()  # a scorecard takes a while: Slack gets the ack first, the reply via response_url
    after_ack(request, lambda: _reply(command, respond, context))


def _reply(command: dict[str, Any], respond: Respond, context: Any) -> None:
    text = command.get("text", "")
    with unit(context, command["user_id"], mentioned(text)) as u:
        reply = kpi_chat.reply(u.ws, u.session, u.who, text)
    respond(**reply)


def register(app: App, deps: Deps) -> None:
    app.command("/kpi")(kpi)
