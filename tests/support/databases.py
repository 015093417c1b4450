"""Each test run's own PostgreSQL database: created on the TEST_DATABASE_URL server, dropped at
the end. Only databases named `test_…` are ever dropped, so a run cannot wipe anything else."""

from __future__ import annotations

import secrets

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

PREFIX = "test_"


def _on_server(url: str, statement: str) -> None:
    # CREATE/DROP DATABASE cannot run in a transaction; connect to the server's own database.
    engine = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with engine.connect() as conn:
            conn.execute(text(statement))
    finally:
        engine.dispose()


def create_test_database(server_url: str) -> str:
    """Create `test_<random>` on the server of `server_url`; return its URL."""
    name = f"{PREFIX}{secrets.token_hex(6)}"
    _on_server(server_url, f'CREATE DATABASE "{name}"')
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_test_database(url: str) -> None:
    """Drop the database of `url`, which must be one this module created."""
    parsed = make_url(url)
    name = parsed.database or ""
    if not name.startswith(PREFIX):
        raise ValueError(
            f"refusing to drop database {name!r}: its name does not start with {PREFIX}"
        )
    server = parsed.set(database="postgres").render_as_string(hide_password=False)
    _on_server(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
