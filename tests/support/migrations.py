"""Migration tests' helpers: an empty database of each backend, and Alembic up/down to a
revision."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config as AlembicConfig

from storage.db import MIGRATIONS, Database
from tests.conftest import BACKENDS, PG_URL
from tests.support.databases import create_test_database, drop_test_database


@pytest.fixture(params=BACKENDS)
def empty_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'm.db'}")
        yield db
        db.dispose()
        return
    assert PG_URL
    url = create_test_database(PG_URL)
    db = Database(url)
    try:
        yield db
    finally:
        db.dispose()
        drop_test_database(url)


def migrate(db: Database, verb: str, revision: str) -> None:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        getattr(command, verb)(cfg, revision)
