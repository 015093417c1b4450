"""Review cycles for tests, opened through the real service (bot.reviews.cycles)."""

from __future__ import annotations

from datetime import date

from bot.reviews.cycles import CycleSpec, open_cycle
from storage.db import Database
from storage.models.reviews import ReviewCycle, ReviewTask


def start_cycle(
    db: Database,
    team_id: str,
    *,
    name: str = "2026 Q4",
    kind: str = "quarterly",
    period: str = "2026-Q4",
    due: date = date(2026, 12, 31),
    teams: tuple[str, ...] | None = None,
    steps: tuple[str, ...] = ("self", "manager"),
    peers: int = 2,
) -> tuple[ReviewCycle, list[ReviewTask]]:
    spec = CycleSpec(name, kind, period, due, teams, steps, peers)
    with db.session() as session:
        cycle, tasks = open_cycle(session, team_id, spec, None)
        session.expunge_all()
    return cycle, tasks
