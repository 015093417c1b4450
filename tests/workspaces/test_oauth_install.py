"""Installing through OAuth, end to end against the real web app in distributed mode and the
fake Slack's oauth.v2.access: the state is used once and within 10 minutes, and a bad, expired
or replayed one installs nothing."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import yaml
from sqlmodel import select

from bot.core.deps import Deps
from bot.core.installations import BOT_SCOPES, DatabaseStateStore
from demo.slack_emulator import FakeSlack
from storage.db import Database
from storage.models.kpi import KpiConfigVersion
from storage.models.workspaces import Installation, OAuthState
from storage.types import utcnow
from tests.workspaces.conftest import CLIENT_ID, CLIENT_SECRET, finish_install, start_install

MANIFEST = Path(__file__).parents[2] / "manifest.yml"


def _installations(db: Database) -> list[Installation]:
    with db.session() as s:
        return list(s.exec(select(Installation)).all())


def test_install_stores_the_workspace_and_its_commands_use_its_token(
    distributed_deps: Deps, fake: FakeSlack, browser, install, slack_as, dist_inflight
) -> None:
    started = start_install(browser)
    query = parse_qs(urlsplit(started.location).query)
    assert query["client_id"] == [CLIENT_ID]
    assert query["scope"] == [",".join(BOT_SCOPES)]

    resp = install("T0AAA", "xoxb-aaa", team_name="Acme", installer="UADMIN")
    assert resp.status_code == 200, resp.text
    [access] = fake.calls_to("oauth.v2.access")
    assert (access.params["client_id"], access.params["client_secret"]) == (
        CLIENT_ID,
        CLIENT_SECRET,
    )
    assert access.params["code"] == "code-T0AAA-xoxb-aaa"
    [row] = _installations(distributed_deps.db)
    assert (row.team_id, row.team_name, row.bot_token) == ("T0AAA", "Acme", "xoxb-aaa")
    assert (row.installer_user_id, row.bot_user_id, row.uninstalled_at) == ("UADMIN", "UBOT", None)
    with distributed_deps.db.session() as s:  # its KPI scheme history starts at install
        assert [v.team_id for v in s.exec(select(KpiConfigVersion)).all()] == ["T0AAA"]

    fake.add_user("UAAA1", name="ann", real_name="Ann")
    assert slack_as("T0AAA").command("UAAA1", "/pulse", "whoami").status_code == 200
    dist_inflight.wait_idle()
    assert [c.params["user"] for c in fake.team_calls("T0AAA", "users.info")] == ["UAAA1"]
    replies = [c for c in fake.calls_to("response_url") if c.params.get("user") == "UAAA1"]
    assert len(replies) == 1 and "Ann" in str(replies[0].params)
    assert {c.team for c in fake.calls if c.method not in ("response_url", "oauth.v2.access")} == {
        "T0AAA"
    }


def test_a_workspace_that_did_not_install_gets_nothing(
    distributed_deps: Deps, fake: FakeSlack, install, slack_as, dist_inflight
) -> None:
    install("T0AAA", "xoxb-aaa")
    before = len(fake.calls)
    resp = slack_as("T0ZZZ").command("UZZZ1", "/pulse", "whoami")
    dist_inflight.wait_idle()
    assert (resp.status_code, resp.content) == (200, b"")
    assert fake.calls[before:] == []


def test_bot_scopes_are_the_manifest_s() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert list(BOT_SCOPES) == manifest["oauth_config"]["scopes"]["bot"]
    assert manifest["oauth_config"]["redirect_urls"] == [
        "https://salespulse.example.com/slack/oauth_redirect"
    ]


def test_a_state_not_issued_by_us_installs_nothing(
    distributed_deps: Deps, fake: FakeSlack, browser
) -> None:
    fake.grant("c1", team_id="T0AAA", token="xoxb-aaa")
    forged = "forged-state"
    resp = finish_install(browser, "c1", forged, forged)
    assert resp.status_code == 401
    no_cookie = finish_install(browser, "c1", start_install(browser).state, None)
    assert no_cookie.status_code == 400  # another browser's state
    assert fake.calls_to("oauth.v2.access") == []
    assert _installations(distributed_deps.db) == []


def test_an_expired_state_installs_nothing(
    distributed_deps: Deps, fake: FakeSlack, browser
) -> None:
    fake.grant("c1", team_id="T0AAA", token="xoxb-aaa")
    started = start_install(browser)
    later = utcnow() + timedelta(minutes=10, seconds=1)
    distributed_deps.clock = lambda: later
    resp = finish_install(browser, "c1", started.state, started.cookie)
    assert resp.status_code == 401
    assert fake.calls_to("oauth.v2.access") == []
    assert _installations(distributed_deps.db) == []


def test_a_replayed_state_installs_nothing_more(
    distributed_deps: Deps, fake: FakeSlack, browser
) -> None:
    fake.grant("c1", team_id="T0AAA", token="xoxb-aaa")
    fake.grant("c2", team_id="T0BBB", token="xoxb-bbb")
    started = start_install(browser)
    assert finish_install(browser, "c1", started.state, started.cookie).status_code == 200
    replay = finish_install(browser, "c2", started.state, started.cookie)
    assert replay.status_code == 401
    assert len(fake.calls_to("oauth.v2.access")) == 1
    assert [r.team_id for r in _installations(distributed_deps.db)] == ["T0AAA"]
    with distributed_deps.db.session() as s:
        assert s.exec(select(OAuthState)).all() == []  # consumed


def test_a_state_is_consumed_once_by_parallel_callbacks(db: Database) -> None:
    store = DatabaseStateStore(db)
    states = [store.issue() for _ in range(3)]
    results: list[bool] = []
    gate = threading.Barrier(8)

    def consume(state: str) -> None:
        gate.wait()
        results.append(store.consume(state))

    for state in states:
        results.clear()
        threads = [threading.Thread(target=consume, args=(state,)) for _ in range(8)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        assert sorted(results) == [False] * 7 + [True]
