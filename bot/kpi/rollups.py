"""KPI rollups: per period, metric and person, the aggregates the scorecard reads, rebuilt
from the facts for the periods a write touched."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection

from bot.core.periods import KINDS

FULL_PERIOD_REBUILD = 500  # more people than this: rebuild whole periods, not per person

# Rollups of weeks and months come from the facts; quarters and years from the month rollups
# (a month lies in one quarter and one year), so only two passes read every fact. `last` is
# the value of the fact with the greatest (day, id), found through last_key.
ID_SPAN = 10_000_000_000
_FROM_FACTS = f"""
INSERT INTO kpi_rollups
  (team_id, period, metric, user_id, total, n, peak, last_day, last_key, last_value)
SELECT :team, g.period, g.metric, g.user_id, g.total, g.n, g.peak, g.last_day, g.last_key,
       f.value
FROM (
    SELECT {{col}} AS period, metric, user_id, SUM(value) AS total, COUNT(*) AS n,
           MAX(value) AS peak, MAX(day) AS last_day,
           MAX(day_ord * {ID_SPAN} + id) AS last_key
    FROM kpi_facts
    WHERE team_id = :team AND {{col}} IN :keys {{users}}
    GROUP BY {{col}}, metric, user_id
) g
JOIN kpi_facts f ON f.id = g.last_key % {ID_SPAN}
"""
_FROM_MONTHS = f"""
INSERT INTO kpi_rollups
  (team_id, period, metric, user_id, total, n, peak, last_day, last_key, last_value)
SELECT :team, g.period, g.metric, g.user_id, g.total, g.n, g.peak, g.last_day, g.last_key,
       f.value
FROM (
    SELECT {{expr}} AS period, metric, user_id, SUM(total) AS total, SUM(n) AS n,
           MAX(peak) AS peak, MAX(last_day) AS last_day, MAX(last_key) AS last_key
    FROM kpi_rollups
    WHERE team_id = :team AND period IN :months {{users}}
    GROUP BY {{expr}}, metric, user_id
) g
JOIN kpi_facts f ON f.id = g.last_key % {ID_SPAN}
"""
# month key 2026-11 -> quarter 2026-Q4 / year 2026, in SQL both databases speak
_QUARTER_OF = (
    "SUBSTR(period, 1, 4) || '-Q' || "
    "CAST((CAST(SUBSTR(period, 6, 2) AS INTEGER) + 2) / 3 AS VARCHAR(1))"
)
_YEAR_OF = "SUBSTR(period, 1, 4)"


def _months_of(kind: str, key: str) -> list[str]:
    if kind == "year":
        return [f"{key}-{m:02d}" for m in range(1, 13)]
    year, quarter = key.split("-Q")
    first = 3 * int(quarter) - 2
    return [f"{year}-{m:02d}" for m in range(first, first + 3)]


def refresh_rollups(
    conn: Connection, team_id: str, touched: dict[str, set[str]], users: set[int] | None
) -> None:
    """Rebuild the rollups of these periods (for these people, or everyone when there are
    many or `users` is None) from the facts. Months before quarters and years, which are
    built from them."""
    per_user = users is not None and len(users) <= FULL_PERIOD_REBUILD
    user_filter = "AND user_id IN :users" if per_user else ""
    for kind in KINDS:
        keys = sorted(touched.get(kind, ()))
        if not keys:
            continue
        params: dict[str, Any] = {"team": team_id, "keys": keys}
        binds = [bindparam("keys", expanding=True)]
        if per_user:
            params["users"] = sorted(users or ())
            binds.append(bindparam("users", expanding=True))
        conn.execute(
            text(
                "DELETE FROM kpi_rollups WHERE team_id = :team AND period IN :keys " + user_filter
            ).bindparams(*binds),
            params,
        )
        if kind in ("week", "month"):
            sql = _FROM_FACTS.format(col=kind, users=user_filter)
        else:
            params["months"] = sorted({m for key in keys for m in _months_of(kind, key)})
            binds = [bindparam("months", expanding=True), *binds[1:]]
            expr = _QUARTER_OF if kind == "quarter" else _YEAR_OF
            sql = _FROM_MONTHS.format(expr=expr, users=user_filter)
        conn.execute(text(sql).bindparams(*binds), params)


def rebuild_all_rollups(conn: Connection, team_id: str) -> None:
    """Every rollup of a workspace from scratch (repairs; and the check in the tests)."""
    conn.execute(text("DELETE FROM kpi_rollups WHERE team_id = :team"), {"team": team_id})
    touched: dict[str, set[str]] = {}
    for kind in KINDS:
        found = conn.execute(
            text(f"SELECT DISTINCT {kind} FROM kpi_facts WHERE team_id = :team"),
            {"team": team_id},
        )
        touched[kind] = {row[0] for row in found}
    refresh_rollups(conn, team_id, touched, None)


def rollup_mismatches(conn: Connection, team_id: str) -> list[tuple[Any, ...]]:
    """Rollup rows that differ from a fresh rebuild from the facts (empty when in step)."""
    columns = "period, metric, user_id, total, n, peak, last_day, last_key, last_value"
    stored = set(
        conn.execute(
            text(f"SELECT {columns} FROM kpi_rollups WHERE team_id = :team"), {"team": team_id}
        ).all()
    )
    nested = conn.begin_nested()
    try:
        rebuild_all_rollups(conn, team_id)
        fresh = set(
            conn.execute(
                text(f"SELECT {columns} FROM kpi_rollups WHERE team_id = :team"),
                {"team": team_id},
            ).all()
        )
    finally:
        nested.rollback()
    return sorted(stored ^ fresh, key=repr)
