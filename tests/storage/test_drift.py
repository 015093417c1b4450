"""The models and the migrations agree: a database upgraded to head has exactly the tables,
columns, types, nullability, indexes and unique constraints that `SQLModel.metadata`
declares (Alembic's autogenerate comparison, on SQLite and PostgreSQL).

Alembic compares neither CHECK constraints nor the WHERE of partial indexes: the tests of the
migrations that add them (test_migration_0004, test_migration_0007) prove those by behaviour."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Index, MetaData
from sqlmodel import SQLModel

import storage.models.core  # noqa: F401  (registers every table on SQLModel.metadata)
from storage.db import Database, in_models


def _differences(db: Database, metadata: MetaData = SQLModel.metadata) -> list:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={"compare_type": True, "include_object": in_models},
        )
        return compare_metadata(context, metadata)


def test_migrations_at_head_match_the_models(db: Database) -> None:
    assert _differences(db) == []


def test_the_comparison_sees_a_drift(db: Database) -> None:
    """The check above is live: a model change without a migration is reported."""
    drifted = MetaData()
    for table in SQLModel.metadata.tables.values():
        table.to_metadata(drifted)
    Index("ix_drift", drifted.tables["kpi_targets"].c.metric)
    drifted.tables["users"].c.name.nullable = True
    found = {
        diff[0] if isinstance(diff, tuple) else diff[0][0] for diff in _differences(db, drifted)
    }
    assert found == {"add_index", "modify_nullable"}
