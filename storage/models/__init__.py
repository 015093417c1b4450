"""SQLModel tables, one module per feature (every row carries `team_id`). Importing the
package registers every table on SQLModel.metadata (Alembic and the tests need them all)."""

from storage.models import core, feedback, kpi, reviews  # noqa: F401
