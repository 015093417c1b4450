"""`salespulse serve` as a distributable app (SLACK_CLIENT_ID / SLACK_CLIENT_SECRET, no
SLACK_BOT_TOKEN), as a real process: no token to check at start, OAuth at /slack/install."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from demo.slack_emulator import FakeSlack
from demo.slack_requests import SlackRequests
from tests.app.test_serve import ROOT, free_port

SECRET = "serve-secret"


def env_for(fake: FakeSlack, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "PYTHONPATH": str(ROOT),
        "SLACK_CLIENT_ID": "1111.2222",
        "SLACK_CLIENT_SECRET": "client-secret",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
        **extra,
    }
    return {k: v for k, v in env.items() if v}


@pytest.fixture
def fake_slack():
    with FakeSlack(team_id="T0001") as fake:
        fake.oauth_client = ("1111.2222", "client-secret")
        yield fake


def _wait_healthy(port: int, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError(log.read_text())


def test_distributed_serve_installs_a_workspace_and_answers_it(fake_slack, tmp_path):
    port, log = free_port(), tmp_path / "serve.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "handlers.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env_for(fake_slack, tmp_path),
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
    )
    try:
        _wait_healthy(port, log)
        assert fake_slack.calls_to("auth.test") == []  # no token of its own to check
        base = f"http://127.0.0.1:{port}"
        start = httpx.get(f"{base}/slack/install")
        assert start.status_code == 302
        location = urlsplit(start.headers["location"])
        assert (location.netloc, location.path) == ("slack.com", "/oauth/v2/authorize")
        state = parse_qs(location.query)["state"][0]
        cookie = start.headers["set-cookie"].split(";")[0]
        fake_slack.grant("the-code", team_id="T0NEW", token="xoxb-new")
        done = httpx.get(
            f"{base}/slack/oauth_redirect",
            params={"code": "the-code", "state": state},
            headers={"Cookie": cookie},
        )
        assert done.status_code == 200, done.text
        fake_slack.add_user("UNEW", name="newbie", real_name="New Person")
        slack = SlackRequests(
            f"{base}/slack/events", SECRET, team_id="T0NEW", response_url=fake_slack.response_url
        )
        assert slack.command("UNEW", "/pulse", "whoami").status_code == 200
        assert fake_slack.wait_for(lambda: fake_slack.ephemerals("UNEW"))
        assert "New Person" in fake_slack.ephemerals("UNEW")[0].params["text"]
        assert {c.team for c in fake_slack.calls_to("users.info")} == {"T0NEW"}
        slack.close()
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.mark.parametrize(
    "missing", ["SLACK_CLIENT_SECRET", "SLACK_CLIENT_ID", "SLACK_SIGNING_SECRET"]
)
def test_distributed_serve_names_a_missing_setting(fake_slack, tmp_path, missing):
    proc = subprocess.run(
        [sys.executable, "-m", "handlers.cli", "serve", "--port", str(free_port())],
        env=env_for(fake_slack, tmp_path, **{missing: ""}),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines()[-1] == (
        f"salespulse: {missing} is not set (see README: Configuration)"
    )
