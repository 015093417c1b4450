"""Two installed workspaces on one deployment (a distributed app: client id and secret, no
bot token), with people of the SAME Slack user ids and the same sales team names in both,
and different data: what the isolation tests need.

T1 has the KPI fixture's facts (Alice: ¥180,001 of ¥200,000, composite 106.7%); T2 has one
fact (Alice: ¥55,555 of the same target, composite 11.1%)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from bot.core.config import AppConfig, Settings
from bot.core.deps import Deps
from bot.core.periods import keys_of
from bot.kpi.api import routes as kpi_routes
from bot.kpi.validation import FactRow
from bot.kpi.writer import write_facts
from demo.local_server import LocalServer
from demo.slack_emulator import FakeSlack
from demo.slack_requests import InFlight, SlackRequests, track_listeners
from handlers.app import build_app
from handlers.cli_support import on_startup
from handlers.web import create_web_app
from storage.db import Database
from storage.models.core import User
from storage.models.kpi import KpiTarget
from storage.models.workspaces import Installation
from tests.conftest import API_TOKEN, SIGNING_SECRET
from tests.support.builders import Org
from tests.support.feedback import CONFIG
from tests.support.kpi_fixture import FACTS, TARGETS, kpi_config

T1, T2 = "T1", "T2"
TOKENS = {T1: "xoxb-one", T2: "xoxb-two"}
NOW = datetime(2026, 11, 26, 4, 0, tzinfo=UTC)  # Thursday, Nov 26 in Shanghai
T2_FACTS = [("alice", "2026-11-02", "revenue", "55555", "t2-crm-1")]


@pytest.fixture
def config() -> AppConfig:
    """The default file's config: both workspaces use it until one imports its own."""
    return kpi_config(AppConfig.model_validate(CONFIG))


@pytest.fixture
def multi_deps(db: Database, fake: FakeSlack, config: AppConfig) -> Deps:
    settings = Settings(
        slack_bot_token=None,
        slack_client_id="1111.2222",
        slack_client_secret="client-secret",
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake.url,
        salespulse_api_token=API_TOKEN,  # a single install's token: no use when distributed
        database_url=db.url,
    )
    assert settings.distributed
    built = Deps.build(settings, config)
    built.db.dispose()
    built.db = db
    built.clock = lambda: NOW
    return built


def load_facts(db: Database, team_id: str, people: dict[str, User], facts: list) -> None:
    rows = []
    for line, (who, day, metric, value, ref) in enumerate(facts, start=2):
        d = date.fromisoformat(day)
        micro = int(Decimal(value) * 1_000_000)
        rows.append(FactRow(line, people[who].id, metric, d, micro, ref, keys_of(d)))  # type: ignore[arg-type]
    with db.session() as session:
        write_facts(session, team_id, rows)
        for period, scope, metric, target in TARGETS:
            user_id, team = (
                (None, scope[5:]) if scope.startswith("team:") else (people[scope].id, None)
            )
            session.add(
                KpiTarget(
                    team_id=team_id, period=period, user_id=user_id, sales_team=team,
                    metric=metric, target=int(Decimal(target) * 1_000_000),
                )
            )  # fmt: skip


@dataclass
class TwoWorkspaces:
    deps: Deps
    people: dict[str, dict[str, User]]  # team id -> the standard org's people


@pytest.fixture
def two_workspaces(multi_deps: Deps, fake: FakeSlack) -> TwoWorkspaces:
    """Both installed (as the OAuth flow stores them), the same people in both, different
    facts; the metric config recorded at startup as `serve` does."""
    db = multi_deps.db
    people = {}
    with db.session() as session:
        for team_id, token in TOKENS.items():
            session.add(Installation(team_id=team_id, bot_token=token, team_name=f"Acme {team_id}"))
    for team_id, token in TOKENS.items():
        fake.add_workspace(team_id, token)
        people[team_id] = Org(db, fake, team_id).standard()
    load_facts(db, T1, people[T1], FACTS)
    load_facts(db, T2, people[T2], T2_FACTS)
    for ws in multi_deps.workspaces.installed():
        ws.sender.channel_interval = 0.0  # pacing has its own tests
    on_startup(multi_deps)
    return TwoWorkspaces(multi_deps, people)


@pytest.fixture
def multi_inflight(two_workspaces: TwoWorkspaces) -> Iterator[tuple[str, InFlight]]:
    """The real web app (the factory `serve` uses) for the distributed deps, on a free port."""
    deps = two_workspaces.deps
    app = build_app(deps)
    inflight = track_listeners(app)
    with LocalServer(create_web_app(app, deps, extra_routes=kpi_routes(deps))) as url:
        yield url, inflight
        inflight.wait_idle()


@pytest.fixture
def multi_server(multi_inflight: tuple[str, InFlight]) -> str:
    return multi_inflight[0]


@pytest.fixture
def slack_of(multi_server: str, fake: FakeSlack) -> Iterator[dict[str, SlackRequests]]:
    """Signed requests as Slack sends them from each workspace."""
    clients = {
        team_id: SlackRequests(
            f"{multi_server}/slack/events",
            SIGNING_SECRET,
            team_id=team_id,
            response_url=fake.response_url,
            on_ack=fake.record_ack,
        )
        for team_id in TOKENS
    }
    yield clients
    for client in clients.values():
        client.close()


def toml_of(data: dict) -> str:
    """A config dict as TOML (tables, arrays of tables, strings, numbers, booleans, lists)."""
    lines: list[str] = []

    def value(v: object) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int | float):
            return repr(v)
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'

    def table(name: str, body: dict, header: str) -> None:
        lines.append(header)
        subtables = {k: v for k, v in body.items() if isinstance(v, dict)}
        lines.extend(f"{k} = {value(v)}" for k, v in body.items() if k not in subtables)
        for key, sub in subtables.items():
            table(f"{name}.{key}", sub, f"[{name}.{key}]")

    for key, v in data.items():
        if isinstance(v, dict):
            table(key, v, f"[{key}]")
        elif isinstance(v, list) and v and isinstance(v[0], dict):
            for item in v:
                table(key, item, f"[[{key}]]")
        else:
            lines.insert(0, f"{key} = {value(v)}")
    return "\n".join(lines) + "\n"


@pytest.fixture
def cli_env(multi_deps: Deps, config: AppConfig, fake: FakeSlack, tmp_path, monkeypatch):
    """The environment an operator's `salespulse …` runs with on this deployment; the
    default config file is the one both workspaces use."""
    default = tmp_path / "salespulse.toml"
    default.write_text(toml_of(config.model_dump(exclude_defaults=True)), encoding="utf-8")
    for name in ("SLACK_BOT_TOKEN", "SALESPULSE_TEAM_ID", "SALESPULSE_API_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    env = {
        "DATABASE_URL": multi_deps.db.url,
        "SLACK_CLIENT_ID": "1111.2222",
        "SLACK_CLIENT_SECRET": "client-secret",
        "SLACK_API_URL": fake.url,
        "SALESPULSE_CONFIG": str(default),
    }
    for name, v in env.items():
        monkeypatch.setenv(name, v)
    return default
