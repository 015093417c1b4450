"""Slack listeners only: parse the payload, call a service, render, reply."""

from __future__ import annotations

from slack_bolt import App

from bot.core.deps import Deps
from handlers import directory, feedback, home, kpi, kudos, pulse


def register_all(app: App, deps: Deps) -> None:
    for module in (pulse, home, kudos, feedback, kpi, directory):
        module.register(app, deps)
