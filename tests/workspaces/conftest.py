"""A distributed app (SLACK_CLIENT_ID / SLACK_CLIENT_SECRET, no SLACK_BOT_TOKEN) served over
real HTTP on port 0 against the fake Slack, and a driver for its OAuth install flow."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from slack_bolt import App

from bot.core.config import AppConfig, Settings
from bot.core.deps import Deps
from demo.local_server import LocalServer
from demo.slack_emulator import FakeSlack
from demo.slack_requests import InFlight, SlackRequests, track_listeners
from handlers.app import build_app
from handlers.web import create_web_app
from storage.db import Database
from tests.conftest import SIGNING_SECRET

CLIENT_ID = "1111.2222"
CLIENT_SECRET = "test-client-secret"
STATE_COOKIE = "slack-app-oauth-state"


@pytest.fixture
def distributed_deps(db: Database, fake: FakeSlack, config: AppConfig) -> Deps:
    settings = Settings(
        slack_client_id=CLIENT_ID,
        slack_client_secret=CLIENT_SECRET,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake.url,
        database_url=db.url,
    )
    assert settings.distributed
    built = Deps.build(settings, config)
    built.db.dispose()
    built.db = db
    fake.oauth_client = (CLIENT_ID, CLIENT_SECRET)  # other credentials are refused
    return built


@pytest.fixture
def dist_app(distributed_deps: Deps) -> App:
    return build_app(distributed_deps)


@pytest.fixture
def dist_inflight(dist_app: App) -> InFlight:
    return track_listeners(dist_app)


@pytest.fixture
def dist_server(distributed_deps: Deps, dist_app: App, dist_inflight: InFlight) -> Iterator[str]:
    with LocalServer(create_web_app(dist_app, distributed_deps)) as url:
        yield url
        dist_inflight.wait_idle()


@pytest.fixture
def browser(dist_server: str) -> Iterator[httpx.Client]:
    """The installer's browser (redirects are looked at, not followed)."""
    with httpx.Client(base_url=dist_server, timeout=10) as client:
        yield client


@dataclass
class Started:
    state: str
    cookie: str
    location: str


def start_install(browser: httpx.Client) -> Started:
    """GET /slack/install: Slack's authorize URL with a fresh state, and the state cookie."""
    resp = browser.get("/slack/install")
    assert resp.status_code == 302, resp.text
    location = resp.headers["location"]
    query = parse_qs(urlsplit(location).query)
    cookie = resp.cookies.get(STATE_COOKIE) or _cookie_of(resp)
    return Started(query["state"][0], cookie, location)


def _cookie_of(resp: httpx.Response) -> str:
    # The cookie is Secure (production is https): httpx keeps it out of its jar over http.
    for header in resp.headers.get_list("set-cookie"):
        name, _, rest = header.partition("=")
        if name == STATE_COOKIE:
            return rest.split(";")[0]
    raise AssertionError("no state cookie")


def finish_install(
    browser: httpx.Client, code: str, state: str, cookie: str | None
) -> httpx.Response:
    """GET /slack/oauth_redirect as Slack sends the installer's browser back."""
    headers = {"Cookie": f"{STATE_COOKIE}={cookie}"} if cookie else {}
    return browser.get(
        "/slack/oauth_redirect", params={"code": code, "state": state}, headers=headers
    )


@pytest.fixture
def install(browser: httpx.Client, fake: FakeSlack) -> Callable[..., httpx.Response]:
    """The whole flow for one workspace: the fake grants `code`, the browser goes round."""

    def run(team_id: str, token: str, **grant: object) -> httpx.Response:
        code = f"code-{team_id}-{token}"
        fake.grant(code, team_id=team_id, token=token, **grant)  # type: ignore[arg-type]
        started = start_install(browser)
        return finish_install(browser, code, started.state, started.cookie)

    return run


@pytest.fixture
def slack_as(dist_server: str, fake: FakeSlack) -> Iterator[Callable[[str], SlackRequests]]:
    """Signed requests as Slack sends them from workspace `team_id`."""
    made: list[SlackRequests] = []

    def make(team_id: str) -> SlackRequests:
        client = SlackRequests(
            f"{dist_server}/slack/events",
            SIGNING_SECRET,
            team_id=team_id,
            response_url=fake.response_url,
            on_ack=fake.record_ack,
        )
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()
