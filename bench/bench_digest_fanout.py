"""Digest fan-out benchmark: the weekly digest of N reps in N/20 teams with M facts, queued by
the real digest code, then delivered by real `salespulse worker` processes through a fake Slack
that enforces Slack's limits (1 post/s per channel, a workspace rate), against the lower bound
those limits imply.

    python bench/bench_digest_fanout.py                    # 10,000 reps, 1,000,000 facts
    python bench/bench_digest_fanout.py --reps 1000 --facts 100000 --rate 6000

PostgreSQL only (the coordinator of many workers): it creates its own database on
BENCH_DATABASE_URL's server (default postgres@127.0.0.1:5432) and drops it at the end.
Prints: the compute time (queueing the digest: team posts, charts, rep DMs), then
1. one worker, one workspace: the fan-out time and the bound (the baseline):
   bound = max(messages / workspace rate, most messages to one channel x 1 s)
2. two workers, two workspaces (the same messages shared out between two workspaces, each
   with its own limit: the bound halves).
The workspace rate is scaled up from Slack's few hundred a minute (--rate, default 6,000/min)
so a run finishes in minutes; the fake refuses (429) anything over the limits, and the run
fails if anything was accepted faster than them."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, insert, select, text, update

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_kpi import TEAM, TEAM_SIZE, TODAY, make_csv, setup_db
from bot.core.config import AppConfig, Settings
from bot.core.deps import Deps
from bot.kpi.digest import queue_digest
from bot.kpi.facts import import_file
from demo.slack_emulator import FakeSlack
from storage.models.core import Delivery
from storage.models.workspaces import Installation, SendPace
from tests.support.databases import create_test_database, drop_test_database

SERVER = os.environ.get(
    "BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
AS_OF = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday: the digest of week 47, 2026
ROOT = Path(__file__).resolve().parents[1]
SECOND = "TBENCH2"


def config(reps: int) -> AppConfig:
    teams = {f"team{t}": {"channel": f"CT{t:04d}"} for t in range(reps // TEAM_SIZE)}
    return AppConfig.model_validate({"workspace": {"timezone": "Asia/Shanghai"}, "teams": teams})


def seed(url: str, reps: int, facts: int, cfg: AppConfig, workdir: Path) -> None:
    started = time.perf_counter()
    make_csv(workdir / "facts.csv", reps, facts)
    db = setup_db(url, reps, cfg)
    with db.session() as session:
        result = import_file(session, TEAM, cfg, workdir / "facts.csv", TODAY)
    assert result.ok, result.errors[:3]
    db.dispose()
    print(f"(seeded {reps:,} reps, {facts:,} facts in {time.perf_counter() - started:.0f} s)")


def compute(url: str, cfg: AppConfig) -> list[dict]:
    deps = Deps.build(Settings(slack_bot_token="xoxb-bench", database_url=url), cfg, team_id=TEAM)
    started = time.perf_counter()
    queued = queue_digest(deps.workspace(), deps.db, AS_OF)
    secs = time.perf_counter() - started
    assert queued is not None
    print(
        f"compute: queueing the digest ({queued[0]:,} messages, {queued[1]:,} charts): {secs:.1f} s"
    )
    with deps.db.session() as session:
        rows = session.exec(select(Delivery)).scalars().all()  # type: ignore[call-overload]
        copied = [
            {c: getattr(r, c) for c in ("key", "channel", "text", "blocks", "file", "file_name")}
            for r in rows
        ]
        session.add(Installation(team_id=TEAM, bot_token="xoxb-bench"))  # a distributed app
    deps.db.dispose()
    return copied


def bound(rows: list[dict], rate: int, workspaces: int = 1) -> float:
    per_channel = Counter(r["channel"] for r in rows)
    return max(len(rows) / workspaces / (rate / 60), max(per_channel.values()) * 1.0)


def fan_out(url: str, fake: FakeSlack, workers: int, rate: int, expected: int, log: Path) -> float:
    env = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": url,
        "SLACK_API_URL": fake.url,
        "SLACK_CLIENT_ID": "bench",
        "SLACK_CLIENT_SECRET": "bench",
        "SALESPULSE_WORKSPACE_RATE": str(rate),
    }
    from storage.db import Database

    db = Database(url)
    started = time.perf_counter()
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "handlers.cli", "worker"],
            env=env,
            stdout=(log.parent / f"{log.name}{n}.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        for n in range(workers)
    ]
    try:
        while True:
            with db.engine.connect() as conn:
                sent = conn.execute(
                    select(func.count()).select_from(Delivery).where(Delivery.status == "sent")  # type: ignore[arg-type]
                ).scalar()
            if sent >= expected:
                break
            if any(p.poll() is not None for p in procs):
                raise SystemExit(f"a worker died: see {log.parent}")
            time.sleep(0.2)
        return time.perf_counter() - started
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(30)
        db.dispose()


def accepted_span(fake: FakeSlack) -> float:
    assert fake.limits is not None
    times = [at for at, _, _ in fake.limits.accepted]
    return max(times) - min(times)


def reset(url: str, rows: list[dict], teams: list[str]) -> int:
    """The digest's messages queued again, pending, shared out between `teams` (each with
    its own limit, so the bound halves with two), and the pacing forgotten."""
    from storage.db import Database

    db = Database(url)
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM deliveries"))
        conn.execute(text("DELETE FROM send_pacing"))
        now = datetime.now(UTC)
        conn.execute(
            insert(Delivery),
            [
                {**r, "team_id": teams[n % len(teams)], "status": "pending", "attempts": 0}
                | {"next_attempt_at": now, "created_at": now}
                for n, r in enumerate(rows)
            ],
        )
        for team in teams[1:]:
            conn.execute(
                insert(Installation).values(
                    team_id=team, bot_token=f"xoxb-{team}", installed_at=now, updated_at=now
                )
            )
        conn.execute(update(SendPace).values(next_at=now))
    db.dispose()
    return len(rows)


def run(url: str, args: argparse.Namespace, workdir: Path) -> None:
    cfg = config(args.reps)
    seed(url, args.reps, args.facts, cfg, workdir)
    rows = compute(url, cfg)
    print(
        f"fake Slack limits: 1 post/s per channel, {args.rate:,} posts/min per workspace "
        f"(Slack's own: several hundred/min, scaled up to finish in minutes)"
    )
    for workers, teams in ((1, [TEAM]), (2, [TEAM, SECOND])):
        expected = reset(url, rows, teams)
        limit = bound(rows, args.rate, len(teams))
        with FakeSlack(team_id=TEAM) as fake:
            for team in teams:
                fake.add_workspace(team, "xoxb-bench" if team == TEAM else f"xoxb-{team}")
            limits = fake.enforce_limits(args.rate, window=10)
            took = fan_out(url, fake, workers, args.rate, expected, workdir / f"w{workers}-")
            breaches = limits.breaches()
            span = accepted_span(fake)
        print(
            f"{workers} worker(s), {len(teams)} workspace(s): {expected:,} messages in "
            f"{took:.1f} s (first to last post {span:.1f} s); bound {limit:.1f} s; "
            f"{took / limit:.2f}x the bound ({span / limit:.2f}x first to last); "
            f"{limits.refused} refused (429), {len(breaches)} accepted over the limits"
        )
        assert not breaches, breaches[:3]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=10_000)
    parser.add_argument("--facts", type=int, default=1_000_000)
    parser.add_argument("--rate", type=int, default=6000, help="posts/min per workspace")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="bench_fanout_"))
    print(
        f"{args.reps:,} reps in {args.reps // TEAM_SIZE} teams, {args.facts:,} facts; "
        f"os.cpu_count() = {os.cpu_count()}; logs in {workdir}"
    )
    url = create_test_database(SERVER)
    try:
        run(url, args, workdir)
    finally:
        drop_test_database(url)


if __name__ == "__main__":
    main()
