"""Alembic environment. Called by Database.migrate() with a connection, or by the alembic CLI
(alembic.ini at the repo root) with DATABASE_URL from the environment."""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import create_engine
from sqlmodel import SQLModel

import storage.models.core  # noqa: F401  (registers the tables on SQLModel.metadata)
from storage.db import in_models

config = context.config
target_metadata = SQLModel.metadata


def run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite needs table rebuilds
        include_object=in_models,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    url = os.environ.get("DATABASE_URL", "sqlite:///salespulse.db")
    with create_engine(url).connect() as conn:
        run(conn)
        conn.commit()
