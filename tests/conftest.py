"""Fixtures: a real database (SQLite always; PostgreSQL too when TEST_DATABASE_URL is set),
the fake Slack Web API on port 0, and the real app served over HTTP on port 0.

TEST_DATABASE_URL names a PostgreSQL server (its database is only used to connect): each run
creates its own database `test_<random>` there and drops it at the end, so two runs on one
server never touch each other, nor any database of yours."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_bolt import App
from sqlalchemy import make_url, text
from sqlmodel import SQLModel

from bot.core.config import AppConfig, Settings
from bot.core.deps import Deps
from bot.core.pacing import Pace
from bot.core.workspace import Workspace
from bot.kpi.api import routes as kpi_routes
from demo.local_server import LocalServer
from demo.slack_emulator import FakeSlack
from demo.slack_requests import InFlight, SlackRequests, track_listeners
from handlers.app import build_app
from handlers.web import create_web_app
from storage.db import Database
from tests.support.builders import Org
from tests.support.databases import create_test_database, drop_test_database
from tests.support.transactions import Violations, no_slack_inside_transactions

SIGNING_SECRET = "test-signing-secret"
API_TOKEN = "test-api-token"
TEAM = "T0001"
PG_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite", *(["postgresql"] if PG_URL else [])]

TEST_CONFIG = {
    "workspace": {"timezone": "Asia/Shanghai", "default_locale": "en-US"},
    "channels": {"recognition": "CRECOG", "announcements": "CANNOUNCE"},
    "teams": {"east": {"channel": "CEAST"}, "west": {"channel": "CWEST"}},
}


@pytest.fixture(autouse=True)
def no_slack_in_transactions() -> Iterator[Violations]:
    """Every test (listeners, services, jobs, the CLI, the demo) fails if any thread calls
    Slack while it holds a database transaction open."""
    with no_slack_inside_transactions() as violations:
        yield violations
    assert not violations, "\n\n".join(violations)


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrate once; each test gets a copy of the file (Alembic per test would be slow)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    db = Database(f"sqlite:///{path}")
    db.migrate()
    db.dispose()
    return path


@pytest.fixture(scope="session")
def _pg_migrated() -> Iterator[str]:
    """A database of this run's own on the TEST_DATABASE_URL server, migrated once."""
    assert PG_URL
    url = create_test_database(PG_URL)
    try:
        db = Database(url)
        db.migrate()
        db.dispose()
        yield url
    finally:
        drop_test_database(url)


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        path = tmp_path / "salespulse.db"
        shutil.copy(request.getfixturevalue("_sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    url = request.getfixturevalue("_pg_migrated")
    assert make_url(url).database.startswith(
        "test_"
    )  # truncating anything else would be a disaster
    yield url
    db = Database(url)
    tables = ", ".join(t.name for t in SQLModel.metadata.sorted_tables)
    with db.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables}, apscheduler_jobs RESTART IDENTITY CASCADE"))
    db.dispose()


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    yield database
    database.dispose()


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack(team_id=TEAM) as server:
        yield server


@pytest.fixture
def config() -> AppConfig:
    return AppConfig.model_validate(TEST_CONFIG)


@pytest.fixture
def deps(db: Database, fake: FakeSlack, config: AppConfig) -> Deps:
    settings = Settings(
        slack_bot_token="xoxb-test",
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake.url,
        salespulse_api_token=API_TOKEN,
        database_url=db.url,
    )
    built = Deps.build(settings, config, team_id=TEAM)
    built.db.dispose()
    built.db = db
    built.sender.channel_interval = 0.0  # pacing has its own test; don't slow the rest
    built.sender.pace = Pace(0, 0)  # nor the outbox's shared pacing (tests/delivery/)
    return built


@pytest.fixture
def ws(deps: Deps) -> Workspace:
    """The installed workspace (read deps.config/clock when built: build it after changing them)."""
    return deps.workspace()


@pytest.fixture
def org(deps: Deps, fake: FakeSlack) -> Org:
    return Org(deps.db, fake, TEAM)


@pytest.fixture
def bolt_app(deps: Deps) -> App:
    return build_app(deps)


@pytest.fixture
def inflight(bolt_app: App) -> InFlight:
    """The barrier for proving absence: `inflight.wait_idle()` returns once every listener
    started by the requests answered so far has finished."""
    return track_listeners(bolt_app)


@pytest.fixture
def server(deps: Deps, bolt_app: App, inflight: InFlight) -> Iterator[str]:
    """The real web app (same factory `serve` uses) on a free port; yields its base URL."""
    with LocalServer(create_web_app(bolt_app, deps, extra_routes=kpi_routes(deps))) as url:
        yield url
        # Work a test did not wait for (e.g. a Home published after a reply) must not run
        # into the next test's data or the database's teardown.
        inflight.wait_idle()


@pytest.fixture
def slack(server: str, fake: FakeSlack) -> Iterator[SlackRequests]:
    client = SlackRequests(
        f"{server}/slack/events",
        SIGNING_SECRET,
        team_id=TEAM,
        response_url=fake.response_url,
        on_ack=fake.record_ack,
    )
    yield client
    client.close()
