"""KPI benchmark: N reps x M facts through the real importer and the real scorecard.

    python bench/bench_kpi.py                       # 10,000 reps x 1,000,000 facts
    python bench/bench_kpi.py --reps 200 --facts 20000 --no-pg

Prints, per database (SQLite always; PostgreSQL when BENCH_DATABASE_URL or the default
bench_kpi database answers): the import time of a CSV file, the single-rep scorecard
(with ranks) p50/p95 over 50 reps, the full company leaderboard, and baselines measured in
the same run (COUNT(*) over the facts, and a naive aggregation of one month in Python) so a
noisy machine still compares like with like."""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import insert, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.core.config import AppConfig
from bot.core.periods import containing, parse_key
from bot.kpi import scorecard
from bot.kpi.facts import import_file
from storage.db import Database
from storage.models.core import User
from storage.models.kpi import KpiTarget

TEAM = "TBENCH"
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_kpi"
TODAY = date(2026, 11, 26)
TEAM_SIZE = 20


def make_csv(path: Path, reps: int, facts: int, seed: int = 7) -> None:
    """Facts spread over Jan 1 .. today; half carry a CRM ref."""
    rnd = random.Random(seed)
    start = date(2026, 1, 1)
    span = (TODAY - start).days + 1
    days = [(start + timedelta(days=i)).isoformat() for i in range(span)]
    metrics = [
        ("revenue", lambda: f"{rnd.randint(1000, 200000)}.{rnd.randint(0, 99):02d}"),
        ("csat", lambda: str(rnd.choice([3, 3.5, 4, 4.5, 5]))),
        ("new_customers", lambda: str(rnd.randint(0, 5))),
        ("conversion_rate", lambda: f"{rnd.randint(5, 60)}.{rnd.randint(0, 9)}"),
    ]
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["date", "user", "metric", "value", "ref"])
        for i in range(facts):
            metric, value = metrics[i % 4]
            ref = f"crm-{i}" if i % 2 == 0 else ""
            out.writerow([rnd.choice(days), f"U{rnd.randrange(reps):08d}", metric, value(), ref])


def setup_db(url: str, reps: int, config: AppConfig) -> Database:
    db = Database(url)
    with db.engine.begin() as conn:
        if url.startswith("postgresql"):
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    db.migrate()
    users = User.__table__  # type: ignore[attr-defined]
    targets = KpiTarget.__table__  # type: ignore[attr-defined]
    with db.engine.begin() as conn:
        conn.execute(
            insert(users),
            [
                {
                    "team_id": TEAM,
                    "slack_id": f"U{i:08d}",
                    "name": f"Rep {i}",
                    "team": f"team{i // TEAM_SIZE}",
                    "role": "rep",
                    "source": "org",
                    "is_bot": False,
                    "created_at": scorecard_now(),
                    "updated_at": scorecard_now(),
                }
                for i in range(reps)
            ],
        )
        ids = [r[0] for r in conn.execute(text("SELECT id FROM users ORDER BY id"))]
        month_targets = {"revenue": 2_000_000, "csat": 4, "new_customers": 20}
        month_targets["conversion_rate"] = 30
        rows = []
        for key in [f"2026-{m:02d}" for m in range(1, 13)] + ["2026-Q4", "2026"]:
            scale = 3 if "Q" in key else 12 if len(key) == 4 else 1
            for team in range(reps // TEAM_SIZE + 1):
                for metric, value in month_targets.items():
                    rows.append(
                        {
                            "team_id": TEAM,
                            "period": key,
                            "user_id": None,
                            "sales_team": f"team{team}",
                            "metric": metric,
                            "target": value * 1_000_000 * (scale if metric != "csat" else 1),
                            "updated_at": scorecard_now(),
                        }
                    )
            for user_id in ids[::10]:  # every tenth rep has their own revenue target
                rows.append(
                    {
                        "team_id": TEAM,
                        "period": key,
                        "user_id": user_id,
                        "sales_team": None,
                        "metric": "revenue",
                        "target": 3_000_000 * 1_000_000 * scale,
                        "updated_at": scorecard_now(),
                    }
                )
        conn.execute(insert(targets), rows)
    return db


def scorecard_now():  # type: ignore[no-untyped-def]
    from storage.types import utcnow

    return utcnow()


def timed(fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def run(url: str, label: str, csv_path: Path, reps: int, config: AppConfig) -> dict:
    print(f"\n== {label} ==", flush=True)
    db = setup_db(url, reps, config)
    month = containing("month", TODAY)

    def do_import():  # type: ignore[no-untyped-def]
        with db.session() as session:
            return import_file(session, TEAM, config, csv_path, TODAY)

    secs, result = timed(do_import)
    assert result.ok, result.errors[:5]
    print(f"import {result.imported:,} facts: {secs:.1f} s", flush=True)
    out = {"import_s": secs}
    with db.session() as session:
        conn = session.connection()
        count_s, n = timed(lambda: conn.execute(text("SELECT count(*) FROM kpi_facts")).scalar())
        print(f"baseline SELECT count(*) over {n:,} facts: {count_s * 1000:.0f} ms")

        def naive():  # type: ignore[no-untyped-def]
            totals: dict[tuple[int, str], int] = {}
            for user_id, metric, value in conn.execute(
                text(
                    "SELECT user_id, metric, value FROM kpi_facts WHERE team_id = :t AND month = :m"
                ),
                {"t": TEAM, "m": month.key},
            ):
                totals[(user_id, metric)] = totals.get((user_id, metric), 0) + value
            return totals

        naive_s, _ = timed(naive)
        print(
            f"baseline naive month sums in Python (no targets, no ranks): {naive_s * 1000:.0f} ms"
        )
        out.update(count_ms=count_s * 1000, naive_ms=naive_s * 1000)
        users = session.exec(
            text("SELECT id FROM users WHERE team_id = :t"), params={"t": TEAM}
        ).all()
        sample = random.Random(1).sample([u[0] for u in users], min(50, len(users)))
        for key in (month.key, "2026-Q4", "2026", "2026-W48"):
            period = parse_key(key)
            cold_s, _ = timed(lambda p=period: scorecard.leaderboard(session, config, TEAM, p))
            times = []
            for user_id in sample:
                user = session.get(User, user_id)
                secs, _card = timed(
                    lambda u=user, p=period: scorecard.scorecard(session, config, TEAM, u, p, TODAY)
                )
                times.append(secs * 1000)
            times.sort()
            p50 = statistics.median(times)
            p95 = times[int(len(times) * 0.95) - 1]
            board_s, board = timed(lambda p=period: scorecard.leaderboard(session, config, TEAM, p))
            print(
                f"{key:>8}: ranking everyone after a data change {cold_s * 1000:.0f} ms; then "
                f"one rep's scorecard with ranks p50 {p50:.0f} ms, p95 {p95:.0f} ms; "
                f"full leaderboard of {len(board):,}: {board_s * 1000:.0f} ms",
                flush=True,
            )
            out[key] = {
                "rank_all_ms": cold_s * 1000,
                "p50_ms": p50,
                "p95_ms": p95,
                "board_ms": board_s * 1000,
            }
    db.dispose()
    return out


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=10_000)
    parser.add_argument("--facts", type=int, default=1_000_000)
    parser.add_argument("--no-pg", action="store_true", help="SQLite only")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args(argv)
    config = AppConfig()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench_kpi_"))
    csv_path = workdir / "facts.csv"
    print(f"{args.reps:,} reps x {args.facts:,} facts; os.cpu_count() = {os.cpu_count()}")
    secs, _ = timed(lambda: make_csv(csv_path, args.reps, args.facts))
    print(f"(generated {csv_path} in {secs:.1f} s, not counted)")
    results = {}
    sqlite_path = workdir / "bench.db"
    sqlite_path.unlink(missing_ok=True)
    results["sqlite"] = run(f"sqlite:///{sqlite_path}", "SQLite", csv_path, args.reps, config)
    pg_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG)
    if not args.no_pg:
        probe = Database(pg_url)
        if probe.ping():
            results["postgresql"] = run(pg_url, "PostgreSQL", csv_path, args.reps, config)
        else:
            print(f"\n(PostgreSQL at {pg_url} not reachable: skipped)")
        probe.dispose()
    return results


if __name__ == "__main__":
    main()
