"""/training and /career: the growth feature's listeners, one module per part."""

from __future__ import annotations

from slack_bolt import App

from bot.core.deps import Deps
from handlers import career, plan, training


def register(app: App, deps: Deps) -> None:
    training.register(app, deps)
    career.register(app, deps)
    plan.register(app, deps)
