"""Slack listeners, one module per feature (LISTENERS), wired in the order of the feature
registry (bot/features.py). Each parses the payload, calls a service, renders and replies."""

from __future__ import annotations

from slack_bolt import App

from bot.core.deps import Deps
from bot.features import FEATURES
from handlers import (
    awards,
    directory,
    feedback,
    growth,
    home,
    improvement,
    kpi,
    kudos,
    pulse,
    reviews,
)

# Each feature's listeners module (bot/ declares the features but never imports handlers/).
LISTENERS = {
    "org": directory,
    "pulse": pulse,
    "home": home,
    "kudos": kudos,
    "feedback": feedback,
    "kpi": kpi,
    "reviews": reviews,
    "growth": growth,
    "awards": awards,
    "improvement": improvement,
}


def register_all(app: App, deps: Deps) -> None:
    """Every feature's listeners, in registry order."""
    for feature in FEATURES:
        if feature.listeners:
            LISTENERS[feature.key].register(app, deps)
