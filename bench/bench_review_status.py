"""Following a review cycle at scale: `/review status` (HR, by team), a manager's and a
director's completion in `/review`, and a rep's task list, over N reps in a cycle with
self and manager reviews (2N tasks).

    .venv/bin/python -m bench.bench_review_status [--people 10000] [--runs 5] [--db URL]

Prints the median milliseconds of each (SQLite in a temporary file unless --db names a
database, which must be empty: the run creates its schema); baseline: counting the cycle's
tasks in one query, in the same run."""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from sqlmodel import Session, func, select

from bot.core.config import AppConfig
from bot.core.workspace import Workspace
from bot.reviews import status
from bot.reviews.cycles import CycleSpec, open_cycle
from bot.reviews.status_views import CycleCounts, my_reviews, status_message
from storage.db import Database
from storage.models.core import User
from storage.models.reviews import ReviewCycle, ReviewTask

TEAM = "T0BENCH"
TODAY = date(2026, 12, 1)


def seed(db: Database, people: int) -> None:
    """A director, one manager per 100 reps, ten teams."""
    with db.session() as s:
        boss = User(team_id=TEAM, slack_id="UDIR", name="Director", role="manager")
        s.add(boss)
        s.flush()
        managers = []
        for m in range(max(1, people // 100)):
            team = f"t{m % 10}"
            manager = User(team_id=TEAM, slack_id=f"UM{m}", name=f"M{m}", team=team, role="manager")
            manager.manager_id = boss.id
            managers.append(manager)
        s.add_all(managers)
        s.flush()
        for i in range(people):
            boss_of = managers[i // 100 % len(managers)]
            s.add(User(team_id=TEAM, slack_id=f"U{i}", name=f"R{i:05}", team=boss_of.team,
                       role="rep", manager_id=boss_of.id))  # fmt: skip
    with db.session() as s:
        open_cycle(s, TEAM, CycleSpec("2026 Q4", "quarterly", "2026-Q4", date(2026, 12, 31)), None)


def timed(db: Database, runs: int, work: Callable[[Session], object]) -> float:
    times = []
    for _ in range(runs):
        with db.session() as s:
            started = time.perf_counter()
            work(s)
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> dict[str, float]:
    args = argparse.ArgumentParser()
    args.add_argument("--people", type=int, default=10_000)
    args.add_argument("--runs", type=int, default=5)
    args.add_argument("--db")
    opts = args.parse_args(argv)
    url = opts.db or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    db = Database(url)
    db.migrate()
    seed(db, opts.people)
    config = AppConfig.model_validate(
        {"teams": {f"t{k}": {"name_en": f"Team {k}"} for k in range(10)}}
    )
    ws = Workspace(team_id=TEAM, client=None, sender=None, config=config,  # type: ignore[arg-type]
                   clock=lambda: datetime(2026, 12, 1, 2, tzinfo=UTC))  # fmt: skip

    def user(s: Session, slack_id: str) -> User:
        return s.exec(select(User).where(User.slack_id == slack_id)).one()

    def hr_status(s: Session) -> object:
        cycle = s.exec(select(ReviewCycle)).one()
        rows = status.cycle_completion(s, config, cycle, TODAY, "en-US")
        return status_message(CycleCounts(cycle.name, cycle.due, rows), "en-US")

    def tree(slack_id: str) -> Callable[[Session], object]:
        return lambda s: my_reviews(
            [], status.team_completion(ws, s, user(s, slack_id), TODAY), "en"
        )

    results = {
        "baseline: count the cycle's tasks": timed(
            db, opts.runs, lambda s: s.exec(select(func.count()).select_from(ReviewTask)).one()
        ),
        f"/review status by team ({2 * opts.people} tasks)": timed(db, opts.runs, hr_status),
        "/review of a manager of 100": timed(db, opts.runs, tree("UM0")),
        f"/review of the director of {opts.people}": timed(db, opts.runs, tree("UDIR")),
        "a rep's task list": timed(db, opts.runs, lambda s: status.task_rows(ws, s, user(s, "U5"))),
    }
    for name, ms in results.items():
        print(f"{name:45} {ms:8.1f} ms")
    db.dispose()
    return results


if __name__ == "__main__":
    main()
