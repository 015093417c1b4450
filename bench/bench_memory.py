"""Idle memory (RSS) of each SalesPulse process kind against baselines measured in the same run.

    .venv/bin/python -m bench.bench_memory [--db URL] [--settle 5]

Starts, one at a time, `salespulse serve` (HTTP only, as a replica runs), `salespulse
scheduler` (holding the lease, its jobs synced) and `salespulse worker`, each against a fake
Slack on port 0 and a migrated database (a temporary SQLite file by default), waits until it
is ready and then `--settle` seconds idle, and reads its resident memory from /proc. The
baselines: a bare Python, the same libraries imported and nothing else, and a bare Bolt app
with a no-op command served by uvicorn. The target (issue 15): under 150 MB each; the exit
status is 1 when one is over. A command missing from this checkout is skipped with a line."""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from demo.slack_emulator import FakeSlack
from storage.db import Database

ROOT = Path(__file__).resolve().parents[1]
LIMIT_MB = 150
LIBS = "slack_bolt, slack_sdk, sqlmodel, sqlalchemy, apscheduler, uvicorn, starlette, pydantic"
IMPORTS_ONLY = f"import time, {LIBS}; print('ready', flush=True); time.sleep(3600)"
BARE_BOLT = """
import sys, uvicorn
from slack_bolt import App
from slack_bolt.adapter.starlette import SlackRequestHandler
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.responses import PlainTextResponse
app = App(token="xoxb-bench", signing_secret="bench", token_verification_enabled=False)
app.command("/noop")(lambda ack: ack())
handler = SlackRequestHandler(app)
async def events(request):
    return await handler.handle(request)
async def healthz(request):
    return PlainTextResponse("ok")
web = Starlette(routes=[Route("/slack/events", events, methods=["POST"]), Route("/healthz", healthz)])
uvicorn.run(web, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> tuple[float, float]:
    """(resident now, peak resident) in MB, from /proc (Linux)."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def wait_for(predicate: Callable[[], bool], proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if proc.poll() is not None:
            raise RuntimeError(f"exited with {proc.returncode} before it was ready")
        if time.monotonic() > deadline:
            raise RuntimeError(f"not ready within {timeout:.0f} s")
        time.sleep(0.2)


def answers(port: int) -> Callable:
    """Ready when GET /healthz answers 200."""

    def ready() -> bool:
        try:
            return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    return lambda proc, log: ready


def printed(text: str) -> Callable:
    """Ready when its log shows `text`."""
    return lambda proc, log: lambda: log.exists() and text in log.read_text(errors="replace")


def alive_for(seconds: float) -> Callable:
    """Ready when it has run `seconds` without exiting (nothing to ask it)."""

    def check(proc: subprocess.Popen, log: Path) -> Callable[[], bool]:
        start = time.monotonic()
        return lambda: time.monotonic() - start > seconds

    return check


def measure(name: str, argv: list[str], env: dict[str, str], workdir: Path, ready, settle: float):  # type: ignore[no-untyped-def]
    """Start `argv`, wait for `ready(proc, log)`, idle `settle` s, return its (rss, peak)."""
    log = workdir / f"{name.split()[0]}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(argv, env=env, cwd=workdir, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for(ready(proc, log), proc)
        time.sleep(settle)
        return rss_mb(proc.pid)
    except RuntimeError as exc:
        raise RuntimeError(f"{name}: {exc}; see {log}") from None
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


def commands() -> set[str]:
    from handlers.cli import cli

    return set(cli.commands)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="a database URL (default: a new SQLite file)")
    parser.add_argument("--settle", type=float, default=5.0, help="idle seconds before reading")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="bench-memory-"))
    url = args.db or f"sqlite:///{workdir / 'bench.db'}"
    Database(url).migrate()
    (workdir / "salespulse.toml").write_text('[workspace]\ntimezone = "Asia/Shanghai"\n')
    py = sys.executable
    cli = [py, "-m", "handlers.cli"]
    over = False
    with FakeSlack(team_id="T0BENCH") as fake:
        env = {
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(ROOT),
            "HOME": str(workdir),
            "DATABASE_URL": url,
            "SLACK_API_URL": fake.url,
            "SLACK_BOT_TOKEN": "xoxb-bench",
            "SLACK_SIGNING_SECRET": "bench-secret",
            "SALESPULSE_CONFIG": str(workdir / "salespulse.toml"),
        }
        port = free_port()
        idle = [py, "-c", "import time; print('ready', flush=True); time.sleep(3600)"]
        served = [*cli, "serve", "--host", "127.0.0.1", "--port", str(port)]
        runs: list[tuple[str, list[str], Callable, bool]] = [
            ("python (bare)", idle, printed("ready"), False),
            ("python + the same libraries", [py, "-c", IMPORTS_ONLY], printed("ready"), False),
            ("bare Bolt app on uvicorn", [py, "-c", BARE_BOLT, str(port)], answers(port), False),
            ("salespulse serve", served, answers(port), True),
            ("salespulse scheduler", [*cli, "scheduler"], printed("lease taken"), True),
            ("salespulse worker", [*cli, "worker"], alive_for(5), True),
        ]
        available = commands()
        print(f"{'process':<32}{'RSS MB':>8}{'peak MB':>9}")
        for name, command, ready, ours in runs:
            if ours and command[3] not in available:
                print(f"{name:<32}  skipped: `{command[3]}` is not a command in this checkout")
                continue
            rss, peak = measure(name, command, env, workdir, ready, args.settle)
            verdict = ""
            if ours:
                verdict = "  ok" if rss < LIMIT_MB else f"  OVER {LIMIT_MB} MB"
                over = over or rss >= LIMIT_MB
            print(f"{name:<32}{rss:>8.1f}{peak:>9.1f}{verdict}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
