"""/healthz is readiness (database reachable and schema current, else 503); /livez and
/healthz?probe=live are liveness: they answer while the database is down."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import uvicorn
from sqlalchemy import text

from bot.core.deps import Deps
from handlers.app import build_app
from handlers.web import create_web_app
from storage.db import Database


@contextmanager
def serving(deps: Deps) -> Iterator[str]:
    web = create_web_app(build_app(deps), deps)
    srv = uvicorn.Server(uvicorn.Config(web, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    while not srv.started:
        thread.join(0.01)
    try:
        yield f"http://127.0.0.1:{srv.servers[0].sockets[0].getsockname()[1]}"
    finally:
        srv.should_exit = True
        thread.join(5)


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
