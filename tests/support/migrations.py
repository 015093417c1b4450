"""Running migrations step by step on an empty database of either backend."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig

from storage.db import MIGRATIONS, Database
from tests.support.databases import create_test_database, drop_test_database


@contextmanager
def empty_database(backend: str, tmp_path: Path, pg_url: str | None) -> Iterator[Database]:
    """A database with no tables: a SQLite file, or a PostgreSQL database of its own."""
    if backend == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'm.db'}")
        try:
            yield db
        finally:
            db.dispose()
        return
    assert pg_url
    url = create_test_database(pg_url)
    db = Database(url)
    try:
        yield db
    finally:
        db.dispose()
        drop_test_database(url)


def migrate(db: Database, verb: str, revision: str) -> None:
    """`upgrade` or `downgrade` to `revision`, in one transaction."""
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        getattr(command, verb)(cfg, revision)
