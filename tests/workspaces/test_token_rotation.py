"""Token rotation: an installation whose token expires within the margin is rotated before
its token is used, on a request (Bolt's authorize reads our store) and in jobs (which take
their clients from InstalledWorkspaces), once per rotation even when processes race."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlmodel import col

from bot.core.deps import Deps
from bot.core.installed import InstalledWorkspaces
from demo.slack_emulator import FakeSlack
from storage.db import Database
from storage.models.workspaces import Installation
from tests.workspaces.conftest import CLIENT_ID, CLIENT_SECRET

THREE_HOURS = 3 * 3600


def _expire_soon(db: Database, team_id: str) -> None:
    """As if the token's 12 hours were nearly up (margin: 2 hours)."""
    soon = datetime.now(UTC) + timedelta(minutes=30)
    with db.session() as s:
        s.execute(
            update(Installation)
            .where(col(Installation.team_id) == team_id)
            .values(bot_token_expires_at=soon)
        )


def _row(db: Database, team_id: str) -> Installation:
    with db.session() as s:
        row = s.get(Installation, team_id)
    assert row is not None
    return row


def _token_of(call) -> str:  # type: ignore[no-untyped-def]
    return call.headers["Authorization"].removeprefix("Bearer ")


def _refreshes(fake: FakeSlack) -> list:  # type: ignore[type-arg]
    return [c for c in fake.calls_to("oauth.v2.access") if c.params.get("grant_type")]


def test_a_request_rotates_an_expiring_token_and_is_served_with_the_new_one(
    distributed_deps: Deps, fake: FakeSlack, install, slack_as, dist_inflight
) -> None:
    install("T0AAA", "xoxb-aaa", refresh_token="xoxe-aaa", expires_in=THREE_HOURS)
    assert _refreshes(fake) == []  # 3 hours left: nothing to rotate yet
    _expire_soon(distributed_deps.db, "T0AAA")
    fake.add_user("UAAA1", name="ann", real_name="Ann")
    assert slack_as("T0AAA").command("UAAA1", "/pulse", "whoami").status_code == 200
    dist_inflight.wait_idle()

    [refresh] = _refreshes(fake)
    assert refresh.params["refresh_token"] == "xoxe-aaa"
    assert (refresh.params["client_id"], refresh.params["client_secret"]) == (
        CLIENT_ID,
        CLIENT_SECRET,
    )
    row = _row(distributed_deps.db, "T0AAA")
    assert (row.bot_token, row.bot_refresh_token) == ("xoxb-aaa~r1", "xoxe-aaa~r1")
    left = row.bot_token_expires_at - datetime.now(UTC)  # type: ignore[operator]
    assert timedelta(hours=11, minutes=59) < left <= timedelta(hours=12)
    [auth] = [c for c in fake.calls_to("auth.test") if c.at > refresh.at]
    assert _token_of(auth) == "xoxb-aaa~r1"  # the request was authorised with the new token
    [lookup] = fake.team_calls("T0AAA", "users.info")
    assert _token_of(lookup) == "xoxb-aaa~r1"
    assert len([c for c in fake.calls_to("response_url") if c.params.get("user") == "UAAA1"]) == 1


def test_jobs_rotate_an_expiring_token_before_using_it(
    distributed_deps: Deps, fake: FakeSlack, install
) -> None:
    install("T0AAA", "xoxb-aaa", refresh_token="xoxe-aaa", expires_in=THREE_HOURS)
    install("T0BBB", "xoxb-bbb")  # no rotation: its token never expires
    _expire_soon(distributed_deps.db, "T0AAA")
    jobs = InstalledWorkspaces(distributed_deps)  # a scheduler or worker process: no request
    tokens = {ws.team_id: ws.client.token for ws in jobs.installed()}
    assert tokens == {"T0AAA": "xoxb-aaa~r1", "T0BBB": "xoxb-bbb"}
    assert len(_refreshes(fake)) == 1
    assert _row(distributed_deps.db, "T0AAA").bot_token == "xoxb-aaa~r1"
    # the rotated token works: a job's call is that workspace's
    jobs.for_team("T0AAA").client.auth_test()  # type: ignore[union-attr]
    assert fake.team_calls("T0AAA", "auth.test")[-1].response["team_id"] == "T0AAA"  # type: ignore[index]
    jobs.installed()
    assert len(_refreshes(fake)) == 1  # 12 hours left now: no second rotation


def test_processes_rotating_at_once_keep_one_token(
    distributed_deps: Deps, fake: FakeSlack, install
) -> None:
    install("T0AAA", "xoxb-aaa", refresh_token="xoxe-aaa", expires_in=THREE_HOURS)
    _expire_soon(distributed_deps.db, "T0AAA")
    processes = [InstalledWorkspaces(distributed_deps) for _ in range(4)]
    fake.hold("oauth.v2.access", after=1)  # the install's own call was the first
    got: dict[int, str] = {}

    def use(i: int) -> None:
        ws = processes[i].for_team("T0AAA")
        got[i] = ws.client.token if ws else ""  # type: ignore[assignment]

    threads = [threading.Thread(target=use, args=(i,)) for i in range(4)]
    for th in threads:
        th.start()
    # every process has asked Slack for a new token before any answer comes back
    assert fake.wait_for(lambda: len(_refreshes(fake)) == 4)
    fake.release()
    for th in threads:
        th.join(10)
    row = _row(distributed_deps.db, "T0AAA")
    # the first to commit won; the others read its token instead of overwriting it
    assert set(got.values()) == {row.bot_token}
    n = row.bot_token.rsplit("~r", 1)[1]
    assert row.bot_refresh_token == f"xoxe-aaa~r{n}"  # token and refresh token of one rotation
