"""KPI tables: daily facts, per-period rollups kept in step with them, targets, and the
history of the metric configuration.

Values are stored as integers in millionths of the unit ("micro"), so SUM is exact on SQLite
and PostgreSQL alike; Python turns them back into Decimal."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, Column, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow

SCALE = 1_000_000  # micro-units: six decimal places


def _big(**kw: Any) -> Any:
    return Field(sa_column=Column(BigInteger(), **kw))


class KpiFact(SQLModel, table=True):
    """One value of one metric for one person on one day (from a file, the API or the CRM).
    `ref` is the source system's id: a second fact with the same ref replaces the first."""

    __tablename__ = "kpi_facts"
    __table_args__ = (
        UniqueConstraint("team_id", "ref"),
        Index("ix_kpi_facts_user", "team_id", "user_id", "metric", "day"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    metric: str = Field(max_length=64)
    day: date
    # day.toordinal() * 10**10 + id orders facts by (day, id) as one number, so the rollups
    # find a period's last fact with MAX() instead of a window over every fact.
    day_ord: int
    value: int = _big(nullable=False)  # micro-units
    ref: str | None = Field(default=None, max_length=255)
    # The periods the day falls in, stored so rollups group without date functions
    # (SQLite and PostgreSQL spell ISO weeks differently).
    week: str = Field(max_length=8)
    month: str = Field(max_length=7)
    quarter: str = Field(max_length=7)
    year: str = Field(max_length=4)


class KpiRollup(SQLModel, table=True):
    """Per person, metric and period (every kind): what the scorecard needs from the facts.
    Rewritten in the same transaction as any fact write, from the facts themselves."""

    __tablename__ = "kpi_rollups"

    team_id: str = Field(primary_key=True, max_length=32)
    period: str = Field(primary_key=True, max_length=8)
    metric: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(primary_key=True, foreign_key="users.id", ondelete="CASCADE")
    total: int = _big(nullable=False)
    n: int
    peak: int = _big(nullable=False)
    last_day: date
    last_key: int = _big(nullable=False)  # day_ord * 10**10 + id of the last fact
    last_value: int = _big(nullable=False)


_FOR_PERSON = text("user_id IS NOT NULL")
_FOR_TEAM = text("sales_team IS NOT NULL")


class KpiTarget(SQLModel, table=True):
    """A target for a period, for a person (user_id) or a sales team (sales_team): exactly
    one of the two. One target per period, person or team, and metric."""

    __tablename__ = "kpi_targets"
    __table_args__ = (
        CheckConstraint(
            "(user_id IS NULL) <> (sales_team IS NULL)", name="ck_kpi_targets_one_scope"
        ),
        Index(
            "ux_kpi_targets_user",
            "team_id",
            "period",
            "user_id",
            "metric",
            unique=True,
            sqlite_where=_FOR_PERSON,
            postgresql_where=_FOR_PERSON,
        ),
        Index(
            "ux_kpi_targets_team",
            "team_id",
            "sales_team",
            "period",
            "metric",
            unique=True,
            sqlite_where=_FOR_TEAM,
            postgresql_where=_FOR_TEAM,
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    period: str = Field(max_length=8)
    user_id: int | None = Field(default=None, foreign_key="users.id", ondelete="CASCADE")
    sales_team: str | None = Field(default=None, max_length=100)
    metric: str = Field(max_length=64)
    target: int = _big(nullable=False)  # micro-units
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )


class KpiConfigVersion(SQLModel, table=True):
    """Each distinct metric configuration seen at startup, with when it was first seen:
    a period is scored with the version in force at its end (bot.kpi.scheme.in_force)."""

    __tablename__ = "kpi_config_versions"

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    digest: str = Field(max_length=64, index=True)
    metrics: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    seen_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )


class KpiScoreSet(SQLModel, table=True):
    """A computed ranking of one period is in `kpi_scores` for this config+directory digest.
    Fact and target writes delete the sets they affect in the same transaction, so a set
    that exists is never stale."""

    __tablename__ = "kpi_score_sets"

    team_id: str = Field(primary_key=True, max_length=32)
    period: str = Field(primary_key=True, max_length=8)
    digest: str = Field(primary_key=True, max_length=64)
    computed_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )


class KpiScore(SQLModel, table=True):
    """Composite score and ranks of one person in one period (see KpiScoreSet)."""

    __tablename__ = "kpi_scores"
    __table_args__ = (Index("ix_kpi_scores_rank", "team_id", "period", "digest", "company_rank"),)

    team_id: str = Field(primary_key=True, max_length=32)
    period: str = Field(primary_key=True, max_length=8)
    digest: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(primary_key=True, foreign_key="users.id", ondelete="CASCADE")
    sales_team: str | None = Field(default=None, max_length=100)
    composite: float
    team_rank: int
    team_size: int
    company_rank: int
    company_size: int
