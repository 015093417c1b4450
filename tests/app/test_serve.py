"""`salespulse serve` as a real process: starts, migrates SQLite, answers signed requests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlmodel import select

from demo.slack_emulator import FakeSlack
from demo.slack_requests import SlackRequests
from storage.db import Database
from storage.models.core import SchedulerLease

ROOT = Path(__file__).parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env_for(fake: FakeSlack, tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "PYTHONPATH": str(ROOT),
        "SLACK_BOT_TOKEN": "xoxb-serve-test",
        "SLACK_SIGNING_SECRET": "serve-secret",
        "SLACK_API_URL": fake.url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
        **extra,
    }


@pytest.fixture
def fake_slack():
    with FakeSlack(team_id="T0001", bot_token="xoxb-serve-test") as fake:
        yield fake


def test_serve_process_migrates_and_answers(fake_slack, tmp_path):
    fake_slack.add_user("UNEW", name="newbie", real_name="New Person", locale="en-US")
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "handlers.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env_for(fake_slack, tmp_path),
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "serve.log").open("wb"),
    )
    try:
        deadline = time.monotonic() + 30
        health = None
        while time.monotonic() < deadline:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert health is not None, (tmp_path / "serve.log").read_text()
        assert health.status_code == 200
        assert health.json() == {
            "status": "ok",
            "database": "ok",
            "schema_revision": Database.head_revision(),  # serve migrated SQLite on start
            "schema_current": True,
        }
        slack = SlackRequests(
            f"http://127.0.0.1:{port}/slack/events",
            "serve-secret",
            response_url=fake_slack.response_url,
        )
        assert slack.command("UNEW", "/pulse", "whoami").status_code == 200
        assert fake_slack.wait_for(lambda: fake_slack.ephemerals("UNEW"))
        assert "New Person" in fake_slack.ephemerals("UNEW")[0].params["text"]
        assert slack.command("UNEW", "/pulse", "whoami", timestamp=0).status_code == 401
        slack.close()
        # a replica: no scheduler without --with-scheduler (it would have started before serving)
        assert "Scheduler started" not in (tmp_path / "serve.log").read_text()
        with Database(env_for(fake_slack, tmp_path)["DATABASE_URL"]).session() as s:
            assert s.exec(select(SchedulerLease)).all() == []
    finally:
        proc.terminate()
        proc.wait(10)


def test_serve_with_a_token_slack_refuses_fails_with_one_line(fake_slack, tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "handlers.cli", "serve", "--port", str(free_port())],
        env=env_for(fake_slack, tmp_path, SLACK_BOT_TOKEN="xoxb-wrong"),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines()[-1] == (
        "salespulse: SLACK_BOT_TOKEN: Slack refused it (invalid_auth)"
    )


def test_socket_mode_needs_an_app_token(fake_slack, tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "handlers.cli", "socket"],
        env=env_for(fake_slack, tmp_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.returncode == 2
    assert (
        proc.stderr.strip() == "salespulse: SLACK_APP_TOKEN is not set (see README: Configuration)"
    )
