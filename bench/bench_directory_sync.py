"""Directory-sync benchmark: N imported people without locale/timezone columns, all in the
fake Slack, brought up to date two ways in the same run:

- the directory-sync job: users.list pages of 200, each page written in one batch;
- baseline: the per-person path, users.info for each person then one transaction each (what
  first contact does, person by person).

    .venv/bin/python bench/bench_directory_sync.py [--users 5000] [--pg URL] [--paced]

Pacing (3 s between users.list pages, Tier 2) is switched off for the timing, and its cost
is printed apart: (pages - 1) x 3 s; `--paced` runs the sync once more with it on. At Slack's
Tier 4 (about 100 users.info a minute) the baseline's calls alone would take N / 100 minutes."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.core.config import AppConfig, Settings
from bot.core.deps import Deps
from bot.org import directory, sync
from demo.slack_emulator import FakeSlack
from storage.db import Database
from storage.models.core import User

TEAM = "TBENCH"
AS_OF = datetime(2026, 11, 27, 20, 41, tzinfo=UTC)


def prepare(url: str, fake: FakeSlack, users: int) -> Deps:
    db = Database(url)
    db.migrate()
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM users WHERE team_id = :t"), {"t": TEAM})
        rows = [
            {
                "team_id": TEAM,
                "slack_id": f"UREP{i:05d}",
                "name": f"Rep {i}",
                "role": "rep",
                "source": "org",
                "is_bot": False,
                "deactivated": False,
                "created_at": AS_OF,
                "updated_at": AS_OF,
            }
            for i in range(users)
        ]
        conn.execute(insert(User), rows)
    settings = Settings(
        slack_bot_token="xoxb-bench", slack_signing_secret="bench", slack_api_url=fake.url
    )
    config = AppConfig.model_validate({"workspace": {"default_locale": "zh-CN"}})
    deps = Deps.build(settings, config, team_id=TEAM)
    deps.db.dispose()
    deps.db = db
    deps.sender.list_interval = 0.0
    return deps


def reset(deps: Deps) -> None:
    with deps.db.engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE users SET slack_locale = NULL, slack_timezone = NULL, "
                "slack_synced_at = NULL WHERE team_id = :t"
            ),
            {"t": TEAM},
        )


def measure(label: str, url: str, users: int, paced: bool) -> None:
    with FakeSlack(team_id=TEAM) as fake:
        for i in range(users):
            tz = "America/Los_Angeles" if i % 2 else "Asia/Shanghai"
            fake.add_user(f"UREP{i:05d}", name=f"rep{i}", locale="en-US", tz=tz)
        deps = prepare(url, fake, users)
        ws = deps.workspace()

        start = time.perf_counter()
        summary = sync.sync_workspace(ws, deps.db, AS_OF)
        took = time.perf_counter() - start
        pages = len(fake.calls_to("users.list"))
        print(f"[{label}] directory-sync: {took:.2f} s, {pages} users.list calls; {summary}")
        print(
            f"[{label}]   + pacing in production: {(pages - 1) * 3.0:.0f} s ({pages} pages, 3 s apart)"
        )

        reset(deps)
        fake.reset()
        ids = [f"UREP{i:05d}" for i in range(users)]
        start = time.perf_counter()
        directory.learn(deps.sender, deps.db, TEAM, ids)
        base = time.perf_counter() - start
        calls = len(fake.calls_to("users.info"))
        print(
            f"[{label}] baseline users.info per person: {base:.2f} s, {calls} users.info calls "
            f"(at Tier 4, ~100/min: {calls / 100:.0f} min of Slack calls)"
        )
        if paced:
            reset(deps)
            fake.reset()
            deps.sender.list_interval = 3.0
            start = time.perf_counter()
            sync.sync_workspace(ws, deps.db, AS_OF)
            print(f"[{label}] directory-sync paced: {time.perf_counter() - start:.1f} s")
        deps.db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=5000)
    parser.add_argument("--pg", help="also on this PostgreSQL database (its users table is used)")
    parser.add_argument("--paced", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        measure("sqlite", f"sqlite:///{tmp}/bench.db", args.users, args.paced)
    if args.pg:
        measure("postgresql", args.pg, args.users, args.paced)


if __name__ == "__main__":
    main()
