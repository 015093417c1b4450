"""/kpi: your scorecard, a report's, or a team ranking. Also records the metric config at
startup (a weight change re-scores history, so it is logged with a timestamp)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond

from bot.core.deps import Deps
from bot.kpi import chat as kpi_chat
from bot.kpi import scorecard
from bot.org import directory


def register(app: App, deps: Deps) -> None:
    with deps.db.session() as session:
        scorecard.record_metric_config(session, deps.config)

    @app.command("/kpi")
    def kpi(ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        ack()
        team_id = command["team_id"]
        with deps.db.session() as session:
            who = directory.actor(session, deps.client, deps.config, team_id, command["user_id"])
            respond(**kpi_chat.reply(deps, session, team_id, who, command.get("text", "")))
