"""Ack latency of `/kpi month`, `/kpi` and `/kudos @someone <text>` at 20 and 50 concurrent
clients, against a bare Bolt App with a no-op command on the same server stack, in one run.

    .venv/bin/python -m bench.bench_ack [--clients 20,50] [--requests 1000] [--reps 240]
                                        [--pg SERVER_URL] [--before REV] [--distributed]
                                        [--only "kpi month,kudos"]

Each measurement starts its own server process (`salespulse serve`, or bench/bare_server.py
for the baseline), warms it up, then N signed requests come from C concurrent clients in this
process (the load generator; the fake Slack Web API on port 0 runs here too, so the server's
process does only the server's work). Latency is the time until the HTTP answer (the ack);
the work after the ack (scorecards, kudos cards, replies via response_url) runs on in the
server and competes for its CPU, as it does in production. A realistic org is seeded once:
`--reps` reps in two teams with managers, a month of facts (4 metrics a rep a day) and
targets. `--pg` runs on a fresh PostgreSQL database of that server (created and dropped).
`--before REV` also serves the code of an older revision, so before and after are measured in
the same run on the same machine. `--distributed` serves a distributed app instead
(bench/distributed_server.py: no bot token, the workspace from the `installations` table).

Prints p50/p95/p99 and requests/s for each, and each command's p99 as a ratio of the bare
app's at the same concurrency (the mean of the bare runs before and after); the target is
p99 <= 2x the bare app's and < 300 ms at 50 clients.

Results, 2026-11-27, a quiet 2-core machine (load average under 1), 1,000 requests each.
SQLite, `--before 3710e0f` (the code before the heap was settled):

                                         clients  p50 ms  p95 ms  p99 ms  req/s  p99/bare
    bare Bolt app: /noop                      20    58      64      66    333
    before 3710e0f: /kpi month                20    60      77     202    298     3.1x
    /kpi month                                20    57      65      69    335     1.1x
    before 3710e0f: /kpi                      20    60      67     190    305     2.9x
    /kpi                                      20    58      70      75    326     1.2x
    before 3710e0f: /kudos @someone <text>    20    63      78     175    294     2.7x
    /kudos @someone <text>                    20    61      85      93    302     1.4x
    bare Bolt app: /noop                      50   148     156     159    330
    before 3710e0f: /kpi month                50   155     291     322    283     2.1x
    /kpi month                                50   149     169     173    320     1.1x
    before 3710e0f: /kpi                      50   149     233     250    314     1.6x
    /kpi                                      50   150     171     176    315     1.1x
    before 3710e0f: /kudos @someone <text>    50   153     255     285    304     1.8x
    /kudos @someone <text>                    50   151     177     182    317     1.2x

Before, the p99 was the garbage collector: a full collection walked the ~120k objects alive
since startup (the libraries, the app), ~85 ms with every thread stopped. With it switched
off the same runs gave 1.1-1.2x; `handlers.cli_support.settle_heap` freezes those objects
(they live as long as the process) and makes young collections rarer: 1.1-1.4x. A shorter
switch interval (1 ms) changed nothing. `--pg`: /kpi month 1.4x / 1.1x, /kpi 1.2x / 1.1x,
/kudos 1.7x / 1.3x at 20 / 50 clients (p99 at most 208 ms).

`--distributed --pg` (the workspace and its token from the `installations` table, as a
multi-workspace deployment runs): with the installation read on every request (1.7 ms of
each ack) 2.0-2.2x at 20 clients and p99 292-315 ms at 50; read at most once a second per
workspace (bot/core/installed.py GATE_SECONDS): 1.2-1.4x at 20 clients, 1.2-1.5x and p99
191-227 ms at 50.

Earlier (handlers/after_ack.py), the work after each ack ran on in Bolt's listener pool: 32
threads of scorecards contending with the acks for the GIL, and kudos cards waiting their turn
for the channel (1 message/s) filled the pool, so later acks waited out Bolt's 3 s timeout
(/kpi month p99 8.6x the bare app's at 20 clients, every /kudos failed). It now runs on 2
threads of its own and starts when no ack is waiting (at most 0.5 s later).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from demo.slack_emulator import FakeSlack
from demo.slack_requests import SlackRequests

SECRET = "bench-signing-secret"
TEAM = "T0BENCH"
TOKEN = "xoxb-bench"
ROOT = Path(__file__).resolve().parents[1]
TEAMS = ("east", "west")
METRICS = ("revenue", "csat", "new_customers", "conversion_rate")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rep(i: int) -> str:
    return f"UREP{i:04d}"


def cli(workdir: Path, env: dict[str, str], *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "handlers.cli", *args], cwd=workdir, env=env, capture_output=True
    )
    if done.returncode != 0:
        raise SystemExit(f"salespulse {' '.join(args)} failed: {done.stderr.decode()[-2000:]}")


def write_config(workdir: Path) -> Path:
    """The example config, with a daily kudos limit no benchmark reaches."""
    text = (ROOT / "salespulse.example.toml").read_text(encoding="utf-8")
    text = text.replace("daily_limit = 10", "daily_limit = 100000")
    path = workdir / "salespulse.toml"
    path.write_text(text, encoding="utf-8")
    return path


def seed(workdir: Path, env: dict[str, str], reps: int) -> None:
    """Two teams with a manager each, `reps` reps with a language and time zone (so no
    users.info on first contact), 30 days of facts and this month's targets."""
    rows = ["slack_id,name,email,team,manager,role,timezone,locale"]
    rows += [f"UMGR{t},Manager {t},mgr{t}@example.com,{team},,manager,Asia/Shanghai,zh-CN"
             for t, team in enumerate(TEAMS)]  # fmt: skip
    for i in range(reps):
        t = i % len(TEAMS)
        locale = "zh-CN" if i % 3 else "en-US"
        rows.append(f"{rep(i)},Rep {i},rep{i}@example.com,{TEAMS[t]},UMGR{t},rep,"
                    f"Asia/Shanghai,{locale}")  # fmt: skip
    (workdir / "org.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    cli(workdir, env, "org", "import", "org.csv", "--team-id", TEAM)
    today, rnd = date.today(), random.Random(7)
    month = today.strftime("%Y-%m")
    targets = ["period,scope,metric,target"]
    targets += [f"{month},{rep(i)},revenue,{rnd.randint(50, 150) * 10000}" for i in range(reps)]
    targets += [f"{month},team:{team},csat,4.5" for team in TEAMS]
    (workdir / "targets.csv").write_text("\n".join(targets) + "\n", encoding="utf-8")
    cli(workdir, env, "targets", "import", "targets.csv")
    facts = ["date,user,metric,value,ref"]
    for day in (today - timedelta(days=d) for d in range(30)):
        for i in range(reps):
            facts += [
                f"{day},{rep(i)},revenue,{rnd.randint(1000, 90000)},",
                f"{day},{rep(i)},csat,{rnd.choice([3, 4, 4.5, 5])},",
                f"{day},{rep(i)},new_customers,{rnd.randint(0, 3)},",
                f"{day},{rep(i)},conversion_rate,{rnd.randint(5, 60)},",
            ]
    (workdir / "facts.csv").write_text("\n".join(facts) + "\n", encoding="utf-8")
    cli(workdir, env, "kpi", "import", "facts.csv")


Form = Callable[[int], dict[str, str]]


def command_form(command: str, text: Callable[[int], str], reps: int) -> Form:
    def form(i: int) -> dict[str, str]:
        return {"command": command, "text": text(i), "user_id": rep(i % reps)}

    return form


def forms(reps: int) -> dict[str, Form]:
    return {
        "bare Bolt app: /noop": command_form("/noop", lambda i: "", reps),
        "/kpi month": command_form("/kpi", lambda i: "month", reps),
        "/kpi": command_form("/kpi", lambda i: "", reps),
        "/kudos @someone <text>": command_form(
            "/kudos", lambda i: f"<@{rep((i + 1) % reps)}> great demo today #teamwork", reps
        ),
    }


async def _post(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    path: str,
    body: bytes,
    headers: dict[str, str],
) -> int:
    """One keep-alive HTTP/1.1 POST; its status. Plain asyncio streams, not an HTTP client
    library: measured, httpx took three times the CPU of the bare server it was measuring."""
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    writer.write(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {len(body)}\r\n"
                 f"{head}\r\n".encode() + body)  # fmt: skip
    status_line = await reader.readuntil(b"\r\n")
    length = 0
    while (line := await reader.readuntil(b"\r\n")) != b"\r\n":
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    await reader.readexactly(length)
    return int(status_line.split()[1])


async def load(
    fake: FakeSlack, url: str, clients: int, total: int, form: Form
) -> tuple[list[float], int]:
    """`total` signed commands from `clients` concurrent clients (one connection each): each
    one's ack latency, and how many got no 200 (a broken connection, a timeout, Bolt's 404)."""
    signer = SlackRequests(url, SECRET, team_id=TEAM, response_url=fake.response_url)
    parsed = urlsplit(url)
    latencies: list[float] = []
    failed = 0
    counter = iter(range(total))

    async def client() -> None:
        nonlocal failed
        reader, writer = await asyncio.open_connection(parsed.hostname, parsed.port)
        for i in counter:
            fields = {"team_id": TEAM, "channel_id": "CBENCH", **form(i)}
            fields["response_url"] = fake.response_url("b")
            fields["trigger_id"] = f"{i}.{time.time_ns()}.bench"
            body = urlencode(fields)
            headers = {"Content-Type": "application/x-www-form-urlencoded"}
            headers.update(signer.signed_headers(body))
            started = time.perf_counter()
            try:  # Slack gives up after 3 s; 10 s keeps a run whose acks never come short
                status = await asyncio.wait_for(
                    _post(reader, writer, parsed.path, body.encode(), headers), 10
                )
                failed += status != 200
            except (TimeoutError, OSError, asyncio.IncompleteReadError):
                failed += 1
                writer.close()
                reader, writer = await asyncio.open_connection(parsed.hostname, parsed.port)
            latencies.append(time.perf_counter() - started)
        writer.close()

    await asyncio.gather(*(client() for _ in range(clients)))
    signer.close()
    return latencies, failed


@contextmanager
def server(cmd: list[str], env: dict[str, str], workdir: Path, log_name: str):  # type: ignore[no-untyped-def]
    port = free_port()
    log = (workdir / f"{log_name}.log").open("ab")
    proc = subprocess.Popen([*cmd, str(port)], cwd=workdir, env=env, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"server did not start; see {log.name}") from None
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/slack/events"
    finally:
        proc.terminate()  # work still queued after the acks is dropped with the process
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        log.close()


def measure(fake: FakeSlack, url: str, clients: int, total: int, form: Form) -> dict[str, float]:
    asyncio.run(load(fake, url, clients, min(200, total), form))  # warm-up: imports, caches
    started = time.perf_counter()
    latencies, failed = asyncio.run(load(fake, url, clients, total, form))
    elapsed = time.perf_counter() - started
    q = statistics.quantiles(latencies, n=100)
    return {"p50": q[49] * 1000, "p95": q[94] * 1000, "p99": q[98] * 1000,
            "rps": len(latencies) / elapsed, "failed": failed}  # fmt: skip


def options(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", default="20,50", help="comma-separated concurrency levels")
    parser.add_argument("--requests", type=int, default=1000, help="measured requests each")
    parser.add_argument("--reps", type=int, default=240)
    parser.add_argument("--pg", help="PostgreSQL server URL: the run creates its own database")
    parser.add_argument("--before", metavar="REV",
                        help="also serve the code of this git revision (`git archive`): before/after")  # fmt: skip
    parser.add_argument("--distributed", action="store_true",
                        help="workspace from the installations table (no SLACK_BOT_TOKEN)")  # fmt: skip
    parser.add_argument("--only", help="comma-separated commands to run (default: all)")
    return parser.parse_args(argv)


SERVE = [sys.executable, "-m", "handlers.cli", "serve", "--host", "127.0.0.1", "--port"]
BARE = [sys.executable, "-m", "bench.bare_server"]
DISTRIBUTED = [sys.executable, "-m", "bench.distributed_server"]


def source_of(rev: str, workdir: Path) -> Path:
    """The tree of `rev`, extracted (not checked out) for a server process to import from."""
    tree = workdir / f"src-{rev}"
    tree.mkdir()
    archive = subprocess.run(["git", "archive", rev], cwd=ROOT, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
    return tree


def row_line(name: str, clients: int, row: dict[str, float], ratio: str) -> str:
    failed = f"  {int(row['failed'])} failed" if row["failed"] else ""
    return (f"{name:<40}{clients:>8}{row['p50']:>9.1f}{row['p95']:>9.1f}{row['p99']:>9.1f}"
            f"{row['rps']:>8.0f}{ratio:>10}{failed}")  # fmt: skip


def run(args: argparse.Namespace, fake: FakeSlack, workdir: Path, db_url: str) -> None:
    env = {**os.environ, "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET,
           "SLACK_API_URL": fake.url, "DATABASE_URL": db_url, "PYTHONPATH": str(ROOT),
           "SALESPULSE_CONFIG": str(write_config(workdir))}  # fmt: skip
    if db_url.startswith("postgresql"):
        cli(workdir, env, "migrate")
    seed(workdir, env, args.reps)
    servers = [("", SERVE, env)]
    if args.distributed:
        dist = {k: v for k, v in env.items() if k != "SLACK_BOT_TOKEN"}
        dist.update(SLACK_CLIENT_ID="1.2", SLACK_CLIENT_SECRET="bench-client-secret",
                    BENCH_INSTALLED_TOKEN=TOKEN, BENCH_TEAM_ID=TEAM)  # fmt: skip
        servers = [("installed: ", DISTRIBUTED, dist)]
    elif args.before:  # the old tree first on the path: `-m handlers.cli` imports its code
        old = {**env, "PYTHONPATH": str(source_of(args.before, workdir))}
        servers = [(f"before {args.before[:7]}: ", SERVE, old), ("", SERVE, env)]
    wanted = forms(args.reps)
    if args.only:
        wanted = {k: v for k, v in wanted.items() if any(o in k for o in args.only.split(","))}
    print(f"{args.requests} signed requests each, {args.reps} reps with a month of facts, "
          f"{os.cpu_count()} cores, {db_url.split(':')[0]}")  # fmt: skip
    print(f"{'':<40}{'clients':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'req/s':>8}"
          f"{'p99/bare':>10}")  # fmt: skip
    bare = forms(args.reps)["bare Bolt app: /noop"]
    for clients in (int(c) for c in args.clients.split(",")):
        rows = []
        with server(BARE, env, workdir, "bare") as url:  # measured first and last: the machine
            first = measure(fake, url, clients, args.requests, bare)  # may change meanwhile
        print(row_line("bare Bolt app: /noop", clients, first, ""), flush=True)
        for name, form in wanted.items():
            if name.startswith("bare"):
                continue
            for label, cmd, run_env in servers:
                with server(cmd, run_env, workdir, "serve") as url:
                    rows.append((label + name, measure(fake, url, clients, args.requests, form)))
                fake.reset()
        with server(BARE, env, workdir, "bare") as url:
            last = measure(fake, url, clients, args.requests, bare)
        base = (first["p99"] + last["p99"]) / 2
        for name, row in rows:
            print(row_line(name, clients, row, f"{row['p99'] / base:.1f}x"), flush=True)
        print(row_line("bare Bolt app: /noop (again)", clients, last, ""), flush=True)


def main(argv: list[str] | None = None) -> None:
    args = options(argv)
    with FakeSlack(team_id=TEAM) as fake, tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        if not args.pg:
            run(args, fake, workdir, f"sqlite:///{workdir / 'bench.db'}")
            return
        from tests.support.databases import create_test_database, drop_test_database

        url = create_test_database(args.pg)
        try:
            run(args, fake, workdir, url)
        finally:
            drop_test_database(url)


if __name__ == "__main__":
    main()
