"""Closing a review cycle of N reps (10 per manager, every review submitted): the time to
close it and queue every summary (rep, manager, HR) in one transaction, SQLite and, with
`--pg URL`, PostgreSQL. Sending is the outbox's work and not timed here.

    .venv/bin/python -m bench.bench_review_close [--reps 1000] [--pg postgresql+psycopg://…]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from slack_sdk import WebClient
from sqlmodel import select

from bot.core.config import AppConfig
from bot.core.sender import Sender
from bot.core.workspace import Workspace
from bot.reviews.close import close_cycle
from bot.reviews.cycles import CycleSpec, open_cycle
from storage.db import Database
from storage.models.core import User
from storage.models.reviews import ReviewTask

TEAM = "T0BENCH"
RATINGS = {"closing": 4, "customer": 3, "teamwork": 5}


def seed(db: Database, reps: int) -> int:
    with db.session() as s:
        managers = [
            User(
                team_id=TEAM,
                slack_id=f"UM{m:05d}",
                name=f"Manager {m}",
                team="east",
                role="manager",
                source="org",
            )
            for m in range(max(1, reps // 10))
        ]
        s.add_all(managers)
        s.flush()
        s.add_all(
            User(
                team_id=TEAM,
                slack_id=f"UR{i:05d}",
                name=f"Rep {i}",
                team="east",
                role="rep",
                manager_id=managers[i // 10 % len(managers)].id,
                source="org",
            )
            for i in range(reps)
        )
        s.add(User(team_id=TEAM, slack_id="UHR", name="HR", role="hr", source="org"))
    with db.session() as s:
        spec = CycleSpec("bench", "quarterly", "2026-Q4", date(2026, 12, 31))
        cycle, _ = open_cycle(s, TEAM, spec, None)
        for task in s.exec(select(ReviewTask)).all():
            task.status, task.ratings, task.comment = "done", RATINGS, "solid quarter"
            s.add(task)
        assert cycle.id is not None
        return cycle.id


def run(url: str, reps: int) -> float:
    db = Database(url)
    db.migrate()
    cycle_id = seed(db, reps)
    ws = Workspace(TEAM, None, AppConfig(), Sender(WebClient()), lambda: datetime.now(UTC))  # type: ignore[arg-type]
    start = time.perf_counter()
    with db.session() as session:
        closed = close_cycle(ws, session, cycle_id, datetime(2027, 1, 8, tzinfo=UTC))
    took = time.perf_counter() - start
    db.dispose()
    assert closed is not None
    print(
        f"close {reps:,} reps ({closed.managers} managers): {took:.2f} s, "
        f"{closed.reps + closed.managers + closed.hr:,} summaries queued"
    )
    return took


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=1000)
    parser.add_argument("--pg", help="an empty PostgreSQL database URL")
    args = parser.parse_args(argv)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["sqlite"] = run(f"sqlite:///{Path(tmp) / 'bench.db'}", args.reps)
    if args.pg:
        results["postgresql"] = run(args.pg, args.reps)
    return results


if __name__ == "__main__":
    main()
