"""/healthz is readiness (database reachable and schema current, else 503); /livez and
/healthz?probe=live are liveness: they answer while the database is down."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import httpx
from sqlalchemy import text

from bot.core.deps import Deps
from demo.local_server import LocalServer
from handlers.app import build_app
from handlers.web import create_web_app
from storage.db import Database


@contextmanager
def serving(deps: Deps) -> Iterator[str]:
    with LocalServer(create_web_app(build_app(deps), deps)) as url:
        yield url


def test_ready_and_live_with_a_current_schema(server):
    ready = httpx.get(f"{server}/healthz")
    assert ready.status_code == 200
    assert ready.json() == {
        "status": "ok",
        "database": "ok",
        "schema_revision": Database.head_revision(),
        "schema_current": True,
    }
    assert httpx.get(f"{server}/livez").json() == {"status": "ok"}
    assert httpx.get(f"{server}/healthz?probe=live").status_code == 200


def test_not_ready_while_the_schema_is_behind_the_code(deps, server):
    with deps.db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    try:
        ready = httpx.get(f"{server}/healthz")
        assert ready.status_code == 503
        assert ready.json()["schema_revision"] == "0001"
        assert ready.json()["schema_current"] is False
        assert httpx.get(f"{server}/livez").status_code == 200  # alive: don't restart it
    finally:
        with deps.db.engine.begin() as conn:
            conn.execute(
                text("UPDATE alembic_version SET version_num = :v"), {"v": Database.head_revision()}
            )


def test_database_down_is_not_ready_but_alive(deps):
    deps.db = Database("postgresql+psycopg://postgres@127.0.0.1:1/nowhere?connect_timeout=1")
    with serving(deps) as url:
        ready = httpx.get(f"{url}/healthz", timeout=10)
        assert ready.status_code == 503
        assert ready.json()["database"] == "unreachable"
        assert httpx.get(f"{url}/livez").json() == {"status": "ok"}
        assert httpx.get(f"{url}/healthz?probe=live").status_code == 200
