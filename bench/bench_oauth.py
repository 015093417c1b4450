"""Ack latency of signed `/pulse whoami` requests in a distributed app (OAuth: the token comes
from the installations table through Bolt's authorize and our installation store) against the
single-token app as the baseline, both `salespulse serve` processes, in the same run.

    .venv/bin/python -m bench.bench_oauth [--clients 20] [--requests 1000]"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from pathlib import Path

from bench.bench_whoami import ROOT, SECRET, TEAM, free_port, load, report, seed, start
from demo.slack_emulator import FakeSlack
from storage.db import Database
from storage.models.workspaces import Installation

TOKEN = "xoxb-bench"


def install(url: str) -> None:
    db = Database(url)
    with db.session() as session:
        session.add(Installation(team_id=TEAM, team_name="Bench", bot_token=TOKEN))
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--users", type=int, default=200)
    args = parser.parse_args()
    with FakeSlack(team_id=TEAM) as fake, tempfile.TemporaryDirectory() as tmp:
        fake.add_workspace(TEAM, TOKEN)
        workdir = Path(tmp)
        db_url = f"sqlite:///{workdir / 'bench.db'}"
        common = {**os.environ, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake.url}
        common |= {"DATABASE_URL": db_url, "PYTHONPATH": str(ROOT)}
        for name in ("SLACK_BOT_TOKEN", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET"):
            common.pop(name, None)
        single = {**common, "SLACK_BOT_TOKEN": TOKEN}
        distributed = {**common, "SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "s"}
        seed(workdir, single, args.users)
        install(db_url)
        print(
            f"{args.requests} signed /pulse whoami requests, {args.clients} concurrent clients, "
            f"{os.cpu_count()} cores"
        )
        cmd = [sys.executable, "-m", "handlers.cli", "serve", "--host", "127.0.0.1", "--port"]
        results = {}
        for name, env in (
            ("baseline: one SLACK_BOT_TOKEN", single),
            ("distributed (OAuth)", distributed),
        ):
            port = free_port()
            proc = start([*cmd, str(port)], port, env, workdir)
            try:
                url = f"http://127.0.0.1:{port}/slack/events"
                asyncio.run(load(fake, url, args.clients, 200, args.users))  # warm-up
                results[name] = report(
                    name, *asyncio.run(load(fake, url, args.clients, args.requests, args.users))
                )
            finally:
                proc.terminate()
                proc.wait(10)
        base, oauth = results.values()
        print(f"distributed p99 {oauth['p99'] / base['p99']:.2f}x the single-token app's")


if __name__ == "__main__":
    main()
