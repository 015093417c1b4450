"""App Home benchmark: time and SQL statements to build one person's Home (bot.home.page.build,
everything but the Slack call) for a manager with 50 reports and for HR over the whole company,
with a rep's Home as the baseline measured in the same run.

    .venv/bin/python -m bench.bench_home                      # 2,000 people in teams of 50
    .venv/bin/python -m bench.bench_home --people 200 --runs 5 --no-pg

PostgreSQL runs too when BENCH_DATABASE_URL (or TEST_DATABASE_URL) names a server: the run
creates its own database there and drops it at the end."""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.core.config import AppConfig
from bot.core.periods import keys_of
from bot.core.workspace import Workspace
from bot.home import page
from bot.kpi.validation import FactRow
from bot.kpi.writer import write_facts
from bot.org import directory
from storage.db import Database
from storage.models.core import User
from storage.models.feedback import Feedback, FeedbackAsk, FeedbackRequest, Kudos, KudosRecipient
from storage.models.kpi import KpiTarget
from tests.support.databases import create_test_database, drop_test_database

TEAM = "TBENCH"
NOW = datetime(2026, 11, 26, 4, 0, tzinfo=UTC)
MONTHS = [f"2026-{m:02d}" for m in range(6, 12)]
METRICS = [
    {"key": "revenue", "label_en": "Revenue", "label_zh": "销售额", "unit": "CNY",
     "aggregate": "sum", "weight": 0.7},
    {"key": "csat", "label_en": "CSAT", "label_zh": "客户满意度", "unit": "score",
     "aggregate": "avg", "weight": 0.3},
]  # fmt: skip


def seed(db: Database, people: int, reports: int) -> int:
    """HR, one manager per sales team of about `reports` reps (`people` in all), six months of
    facts and team targets, this month's feedback, kudos and open requests. Returns how many
    report to the first manager."""
    ids, first = seed_people(db, people, reports)
    rnd = random.Random(7)
    rows = []
    for uid in ids:
        for month in MONTHS:
            day = date.fromisoformat(f"{month}-{rnd.randint(1, 25):02d}")
            revenue = rnd.randint(20, 150) * 10**9
            rows.append(FactRow(0, uid, "revenue", day, revenue, None, keys_of(day)))
            csat = rnd.choice([3, 4, 5]) * 10**6
            rows.append(FactRow(0, uid, "csat", day, csat, None, keys_of(day)))
    with db.session() as s:  # a fresh transaction: the writer tunes SQLite before it begins
        write_facts(s, TEAM, rows)
    seed_activity(db, ids)
    return first


def seed_people(db: Database, people: int, reports: int) -> tuple[list[int], int]:
    """The people and their teams' monthly targets: (the reps' ids, the first manager's
    number of reports)."""
    teams = max(1, (people - 1) // (reports + 1))
    with db.session() as s:
        s.add(User(team_id=TEAM, slack_id="UHR", name="HR", role="hr"))
        managers = [
            User(team_id=TEAM, slack_id=f"UMGR{t:03d}", name=f"Manager {t}", team=f"team{t:03d}",
                 role="manager")
            for t in range(teams)
        ]  # fmt: skip
        s.add_all(managers)
        s.flush()
        reps = [
            User(team_id=TEAM, slack_id=f"UREP{i:05d}", name=f"Rep {i}", team=f"team{i % teams:03d}",
                 manager_id=managers[i % teams].id, role="rep")
            for i in range(people - teams - 1)
        ]  # fmt: skip
        s.add_all(reps)
        s.flush()
        for month in MONTHS:
            for t in range(teams):
                for metric, target in (("revenue", 100_000), ("csat", 4)):
                    s.add(KpiTarget(team_id=TEAM, period=month, sales_team=f"team{t:03d}",
                                    metric=metric, target=target * 1_000_000))  # fmt: skip
        first = sum(1 for u in reps if u.manager_id == managers[0].id)
        return [u.id for u in reps if u.id is not None], first


def seed_activity(db: Database, ids: list[int]) -> None:
    """This month: feedback from a third of the reps, kudos from half, open requests."""
    this_month = NOW - timedelta(days=10)
    with db.session() as s:
        for n, (giver, receiver) in enumerate(zip(ids, ids[7:], strict=False)):
            if n % 3 == 0:
                s.add(Feedback(team_id=TEAM, giver_id=giver, recipient_id=receiver, kind="praise",
                               message="well done", created_at=this_month))  # fmt: skip
            if n % 2 == 0:
                kudos = Kudos(
                    team_id=TEAM, giver_id=receiver, message="thanks", created_at=this_month
                )
                s.add(kudos)
                s.flush()
                s.add(KudosRecipient(team_id=TEAM, kudos_id=kudos.id, user_id=giver))
            if n % 10 == 0:
                request = FeedbackRequest(team_id=TEAM, requester_id=giver, subject_id=giver)
                s.add(request)
                s.flush()
                s.add(FeedbackAsk(team_id=TEAM, request_id=request.id, peer_id=receiver))


def measure(ws: Workspace, db: Database, slack_id: str, runs: int) -> dict[str, float]:
    """Builds of one person's Home: the first (may rank the month), then `runs` more."""
    statements: list[str] = []

    def record(*args: object) -> None:
        statements.append(str(args[2]))

    def build() -> dict:
        with db.session() as session:
            who = directory.actor(session, ws.config, ws.team_id, slack_id)
            return page.build(ws, session, who)

    first, _ = timed(build)
    times = []
    for _ in range(runs):
        event.listen(db.engine, "before_cursor_execute", record)
        statements.clear()
        secs, view = timed(build)
        event.remove(db.engine, "before_cursor_execute", record)
        times.append(secs * 1000)
    return {
        "first_ms": first * 1000,
        "p50_ms": statistics.median(times),
        "max_ms": max(times),
        "queries": len(statements),
        "blocks": len(view["blocks"]),
    }


def timed(fn: Callable[[], dict]) -> tuple[float, dict]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def run(url: str, label: str, people: int, reports: int, runs: int) -> dict[str, dict]:
    db = Database(url)
    db.migrate()
    reports = seed(db, people, reports)
    config = AppConfig.model_validate({"metrics": METRICS})
    ws = Workspace(team_id=TEAM, client=None, sender=None, config=config, clock=lambda: NOW)  # type: ignore[arg-type]
    out = {
        "rep (baseline)": measure(ws, db, "UREP00000", runs),
        f"manager of {reports}": measure(ws, db, "UMGR000", runs),
        f"HR over {people:,} people": measure(ws, db, "UHR", runs),
    }
    print(f"\n== {label}: {people:,} people ==")
    for name, row in out.items():
        print(
            f"{name:<24} first {row['first_ms']:7.1f} ms · then p50 {row['p50_ms']:6.1f} ms, "
            f"max {row['max_ms']:6.1f} ms · {row['queries']} statements · {row['blocks']} blocks",
            flush=True,
        )
    db.dispose()
    return out


def main(argv: list[str] | None = None) -> dict[str, dict[str, dict]]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--people", type=int, default=2_000)
    parser.add_argument("--reports", type=int, default=50, help="reps per manager")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--no-pg", action="store_true", help="SQLite only")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench_home_"))
    sqlite_path = workdir / "bench_home.db"
    sqlite_path.unlink(missing_ok=True)
    print(f"os.cpu_count() = {os.cpu_count()}; times exclude the Slack call (views.publish)")
    results = {
        "sqlite": run(f"sqlite:///{sqlite_path}", "SQLite", args.people, args.reports, args.runs)
    }
    server = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if server and not args.no_pg:
        url = create_test_database(server)
        try:
            results["postgresql"] = run(url, "PostgreSQL", args.people, args.reports, args.runs)
        finally:
            drop_test_database(url)
    return results


if __name__ == "__main__":
    main()
