"""A test run owns its PostgreSQL database and never touches any other."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import PG_URL
from tests.support.databases import create_test_database, drop_test_database


@pytest.mark.parametrize("name", ["test", "salespulse", "postgres", "tests_x", ""])
def test_refuses_to_drop_a_database_it_did_not_create(name: str) -> None:
    with pytest.raises(ValueError, match="refusing to drop"):
        drop_test_database(f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}")


@pytest.mark.skipif(not PG_URL, reason="needs TEST_DATABASE_URL")
def test_each_run_gets_a_fresh_database_that_is_dropped() -> None:
    assert PG_URL
    first, second = create_test_database(PG_URL), create_test_database(PG_URL)
    assert first != second
    names = [url.rsplit("/", 1)[1] for url in (first, second)]
    assert all(n.startswith("test_") for n in names)
    for url in (first, second):
        drop_test_database(url)
    engine = create_engine(PG_URL)
    with engine.connect() as conn:
        left = conn.execute(
            text("SELECT count(*) FROM pg_database WHERE datname = ANY(:n)"), {"n": names}
        ).scalar()
    engine.dispose()
    assert left == 0
