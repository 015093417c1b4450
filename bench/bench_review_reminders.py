"""review-reminders benchmark: time and SQL statements of one run of the job's queueing (all
but the Slack calls: reading every open task, deciding each person's reminder in their own
time zone, inserting the DMs) for a cycle with 10,000 participants (self and manager
reviews), measured against a baseline in the same run: a run at an instant when nobody's
reminder is due (it still reads and decides for everyone).

    .venv/bin/python -m bench.bench_review_reminders                  # 10,000 participants
    .venv/bin/python -m bench.bench_review_reminders --people 1000 --no-pg

PostgreSQL runs too when BENCH_DATABASE_URL (or TEST_DATABASE_URL) names a server: the run
creates its own database there and drops it at the end."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import event, update

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from slack_sdk import WebClient

from bot.core.config import AppConfig
from bot.core.sender import Sender
from bot.core.workspace import Workspace
from bot.reviews.cycles import CycleSpec, open_cycle
from bot.reviews.reminders import queue_reminders
from storage.db import Database
from storage.models.core import Delivery, User
from storage.models.reviews import ReviewCycle
from tests.support.databases import create_test_database, drop_test_database

TEAM = "TBENCH"
SH = timezone(timedelta(hours=8))
ZONES = ["Asia/Shanghai", "Asia/Shanghai", "America/Los_Angeles", "Europe/London"]
DUE = date(2026, 12, 29)  # 7 days before: Tuesday Dec 22


def seed(db: Database, people: int, reports: int) -> None:
    """`people` reps in teams of `reports`, each with a manager, across four time zones, and
    one open cycle (self + manager reviews) over all of them."""
    teams = max(1, people // reports)
    with db.session() as s:
        managers = [
            User(team_id=TEAM, slack_id=f"UMGR{t:04d}", name=f"Manager {t}", team=f"team{t:04d}",
                 role="manager", timezone=ZONES[t % 4])
            for t in range(teams)
        ]  # fmt: skip
        s.add_all(managers)
        s.flush()
        s.add_all(
            User(team_id=TEAM, slack_id=f"UREP{i:05d}", name=f"Rep {i}", team=f"team{i % teams:04d}",
                 manager_id=managers[i % teams].id, role="rep", timezone=ZONES[i % 4])
            for i in range(people)
        )  # fmt: skip
    spec = CycleSpec("2026 Q4", "quarterly", "2026-Q4", DUE, None, ("self", "manager"), 0)
    with db.session() as s:
        open_cycle(s, TEAM, spec, None)
        s.exec(update(ReviewCycle).values(created_at=datetime(2026, 11, 1, tzinfo=UTC)))


def measure(ws: Workspace, db: Database, as_of: datetime) -> tuple[float, int, int, int]:
    """(seconds, statements, people with open tasks, DMs queued) of one queueing run."""
    statements: list[str] = []

    def record(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(db.engine, "before_cursor_execute", record)
    start = time.perf_counter()
    people, queued = queue_reminders(ws, db, as_of)
    secs = time.perf_counter() - start
    event.remove(db.engine, "before_cursor_execute", record)
    return secs, len(statements), people, queued


def run(url: str, label: str, people: int, reports: int) -> dict[str, tuple]:
    db = Database(url)
    db.migrate()
    seed(db, people, reports)
    ws = Workspace(team_id=TEAM, client=None, sender=Sender(WebClient()), config=AppConfig(),  # type: ignore[arg-type]
                   clock=lambda: datetime.now(UTC))  # fmt: skip
    cases = {
        "nobody due (baseline)": datetime(2026, 12, 22, 9, 0, tzinfo=SH),
        "Shanghai 10:05 (due)": datetime(2026, 12, 22, 10, 5, tzinfo=SH),
        "same instant again": datetime(2026, 12, 22, 10, 5, tzinfo=SH),
        "first overdue day": datetime(2026, 12, 30, 10, 5, tzinfo=SH),
    }
    out = {}
    print(f"\n== {label}: {people:,} participants, {people // reports} managers ==")
    for name, as_of in cases.items():
        out[name] = row = measure(ws, db, as_of)
        print(f"{name:<24} {row[0] * 1000:8.1f} ms · {row[1]:3d} statements · "
              f"{row[2]:,} people with open tasks · {row[3]:,} DMs queued", flush=True)  # fmt: skip
    with db.session() as s:
        total = s.exec(select_count()).one()
    print(f"outbox rows: {total:,}")
    db.dispose()
    return out


def select_count():  # type: ignore[no-untyped-def]
    from sqlalchemy import func
    from sqlmodel import select

    return select(func.count()).select_from(Delivery)


def main(argv: list[str] | None = None) -> dict[str, dict]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--reports", type=int, default=50, help="reps per manager")
    parser.add_argument("--no-pg", action="store_true", help="SQLite only")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="bench_reminders_"))
    print(f"os.cpu_count() = {os.cpu_count()}; times exclude the Slack calls (outbox flush)")
    results = {
        "sqlite": run(f"sqlite:///{workdir / 'bench.db'}", "SQLite", args.people, args.reports)
    }
    server = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if server and not args.no_pg:
        url = create_test_database(server)
        try:
            results["postgresql"] = run(url, "PostgreSQL", args.people, args.reports)
        finally:
            drop_test_database(url)
    return results


if __name__ == "__main__":
    main()
