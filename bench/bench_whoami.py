"""Signed `/pulse whoami` requests from N concurrent clients against `salespulse serve`
(a real server process), with the event-loop-dispatch design as a baseline in the same run.

    .venv/bin/python -m bench.bench_whoami [--clients 20] [--requests 2000]

Prints p50/p95/p99 ack latency and requests/s for each; the target is p99 < 100 ms at 20
clients on a 2-core machine."""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx

from demo.slack_emulator import FakeSlack
from demo.slack_requests import SlackRequests

SECRET = "bench-signing-secret"
TEAM = "T0BENCH"
ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seed(workdir: Path, env: dict[str, str], users: int) -> None:
    rows = ["slack_id,name,email,team,manager,role", "UBOSS0,Boss,boss@example.com,east,,manager"]
    rows += [f"UREP{i:04d},Rep {i},rep{i}@example.com,east,UBOSS0,rep" for i in range(users)]
    (workdir / "org.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "handlers.cli", "org", "import", "org.csv", "--team-id", TEAM],
        cwd=workdir,
        env=env,
        check=True,
        capture_output=True,
    )


def start(cmd: list[str], port: int, env: dict[str, str], workdir: Path) -> subprocess.Popen:
    proc = subprocess.Popen(
        cmd, cwd=workdir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"server did not start; see {workdir / 'server.log'}")


async def load(
    fake: FakeSlack, url: str, clients: int, total: int, users: int
) -> tuple[list[float], float]:
    signer = SlackRequests(url, SECRET, team_id=TEAM, response_url=fake.response_url)
    latencies: list[float] = []
    counter = iter(range(total))

    async def client(http: httpx.AsyncClient) -> None:
        for i in counter:
            form = {
                "team_id": TEAM,
                "user_id": f"UREP{i % users:04d}",
                "command": "/pulse",
                "text": "whoami",
                "channel_id": "CBENCH",
                "response_url": signer._response_url("b"),
                "trigger_id": f"{i}.1.x",
            }
            body = urlencode(form)
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                **signer.signed_headers(body),
            }
            started = time.perf_counter()
            resp = await http.post(url, content=body, headers=headers)
            latencies.append(time.perf_counter() - started)
            if resp.status_code != 200:
                raise SystemExit(f"unexpected {resp.status_code}: {resp.text}")

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(limits=limits, timeout=30) as http:
        started = time.perf_counter()
        await asyncio.gather(*(client(http) for _ in range(clients)))
        elapsed = time.perf_counter() - started
    signer.close()
    return latencies, elapsed


def report(name: str, latencies: list[float], elapsed: float) -> dict[str, float]:
    q = statistics.quantiles(latencies, n=100)
    row = {
        "p50": q[49] * 1000,
        "p95": q[94] * 1000,
        "p99": q[98] * 1000,
        "rps": len(latencies) / elapsed,
    }
    print(
        f"{name:<34} p50 {row['p50']:7.1f} ms  p95 {row['p95']:7.1f} ms  "
        f"p99 {row['p99']:7.1f} ms  {row['rps']:7.0f} req/s"
    )
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--users", type=int, default=200)
    args = parser.parse_args()
    with FakeSlack(team_id=TEAM) as fake, tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        env = {
            **os.environ,
            "SLACK_BOT_TOKEN": "xoxb-bench",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": fake.url,
            "DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}",
            "PYTHONPATH": str(ROOT),
        }
        seed(workdir, env, args.users)
        print(
            f"{args.requests} signed /pulse whoami requests, {args.clients} concurrent clients, "
            f"{os.cpu_count()} cores"
        )
        variants = {
            "salespulse serve (thread pool)": [
                sys.executable,
                "-m",
                "handlers.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
            ],
            "baseline: sync App on event loop": [sys.executable, "-m", "bench.eventloop_server"],
        }
        results = {}
        for name, cmd in variants.items():
            port = free_port()
            proc = start([*cmd, str(port)], port, env, workdir)
            try:
                url = f"http://127.0.0.1:{port}/slack/events"
                asyncio.run(
                    load(fake, url, args.clients, min(200, args.requests), args.users)
                )  # warm-up
                results[name] = report(
                    name, *asyncio.run(load(fake, url, args.clients, args.requests, args.users))
                )
            finally:
                proc.terminate()
                proc.wait(10)
        fast, slow = results.values()
        print(
            f"thread-pool dispatch: {fast['rps'] / slow['rps']:.1f}x the throughput of the baseline; "
            f"p99 {'OK' if fast['p99'] < 100 else 'ABOVE'} the 100 ms target"
        )


if __name__ == "__main__":
    main()
