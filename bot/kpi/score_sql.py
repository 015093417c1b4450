"""The scorecard's SQL: actuals, targets and capped attainment of every person of a period,
computed in the database from `kpi_rollups` and `kpi_targets` (GROUP BY for composites;
bot.kpi.ranking adds window functions for ranks).

Metric definitions (aggregate, direction, weight) come from the config passed in, as a
VALUES table: the scheme in force at the period's end (bot.kpi.scheme.in_force).

- target: the person's own target for the period, else their sales team's (reps only); a
  week with no target gets its month's: prorated by working days for `sum` metrics, the
  month's value as is for avg/max/last;
- actual and target are rounded to the metric's decimals before attainment (the shown
  figures: bot.kpi.attainment);
- composite: weighted mean of capped attainment over the metrics that have a target;
  people without any target are not ranked;
- `upto`: the actuals of the period's first days only (to that day, from the facts), against
  the period's targets: the same elapsed span of a previous period, for comparisons."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Date, bindparam, text
from sqlalchemy.sql.elements import TextClause

from bot.core.config import AppConfig
from bot.core.periods import Period, containing, week_month_shares
from bot.kpi.attainment import CAPPED_ATTAINMENT_SQL, scale, shown_sql
from bot.kpi.rollups import ID_SPAN

_NONE = "-"  # a period key no row has: unused week-proration slots


def _params(config: AppConfig, team_id: str, period: Period) -> tuple[str, dict[str, Any]]:
    """The metrics as a VALUES table, plus the period keys the targets may come from."""
    rows = []
    params: dict[str, Any] = {"team": team_id, "p": period.key}
    for i, m in enumerate(config.metrics):
        rows.append(f"(:k{i}, :a{i}, :h{i}, :w{i}, :s{i})")
        params.update({f"k{i}": m.key, f"a{i}": m.aggregate, f"h{i}": int(m.higher_is_better)})
        params.update({f"w{i}": float(m.weight), f"s{i}": scale(m)})
    params.update({"m1": _NONE, "f1": 0.0, "m2": _NONE, "f2": 0.0, "mm": _NONE})
    if period.kind == "week":
        shares = week_month_shares(period)
        for slot, (key, week_days, month_days) in zip(("1", "2"), shares, strict=False):
            params[f"m{slot}"] = key
            params[f"f{slot}"] = week_days / month_days if month_days else 0.0
        params["mm"] = containing("month", period.start + (period.end - period.start) / 2).key
    values = ", ".join(rows) if rows else "(NULL, NULL, NULL, NULL, NULL)"
    return values, params


# Only UNION ALL + GROUP BY between derived tables (no joins of one large derived table to
# another): plans stay linear on SQLite, and on PostgreSQL even before ANALYZE has run.
# One GROUP BY (person, metric) gathers own targets, team targets and rollups; targets of
# the period win, else (weeks) the month's: prorated for sums, as is otherwise.
_CTES = """
m(key, agg, hib, w, s) AS (VALUES {values}),
src AS (
    SELECT t.user_id, t.metric, t.period, 1 AS own, t.target,
      CAST(NULL AS BIGINT) AS total, CAST(NULL AS INTEGER) AS n,
      CAST(NULL AS BIGINT) AS peak, CAST(NULL AS BIGINT) AS last_value
    FROM kpi_targets t
    WHERE t.team_id = :team AND t.period IN (:p, :m1, :m2, :mm)
      AND t.user_id IS NOT NULL {t_users}
    UNION ALL
    SELECT u.id, t.metric, t.period, 0, t.target, NULL, NULL, NULL, NULL
    FROM users u CROSS JOIN kpi_targets t  -- CROSS JOIN: SQLite keeps users as the outer loop
    WHERE u.team_id = :team AND u.role = 'rep' {u_users}
      AND t.team_id = u.team_id AND t.user_id IS NULL AND t.sales_team = u.team
      AND t.period IN (:p, :m1, :m2, :mm)
    UNION ALL
    {actuals}
),
g AS (
    SELECT user_id, metric,
      COALESCE(MAX(CASE WHEN period = :p AND own = 1 THEN target END),
               MAX(CASE WHEN period = :p AND own = 0 THEN target END)) AS t_p,
      COALESCE(MAX(CASE WHEN period = :m1 AND own = 1 THEN target END),
               MAX(CASE WHEN period = :m1 AND own = 0 THEN target END)) AS t_m1,
      COALESCE(MAX(CASE WHEN period = :m2 AND own = 1 THEN target END),
               MAX(CASE WHEN period = :m2 AND own = 0 THEN target END)) AS t_m2,
      COALESCE(MAX(CASE WHEN period = :mm AND own = 1 THEN target END),
               MAX(CASE WHEN period = :mm AND own = 0 THEN target END)) AS t_mm,
      MAX(total) AS total, MAX(n) AS n, MAX(peak) AS peak, MAX(last_value) AS last_value
    FROM src GROUP BY user_id, metric
),
x0 AS (
    SELECT g.user_id, g.metric, m.hib, m.w, m.s, g.total, g.n, g.peak, g.last_value,
      COALESCE(
        CAST(g.t_p AS DOUBLE PRECISION),
        CASE WHEN m.agg <> 'sum' THEN CAST(g.t_mm AS DOUBLE PRECISION)
             WHEN g.t_m1 IS NULL AND g.t_m2 IS NULL THEN NULL
             ELSE COALESCE(g.t_m1, 0) * :f1 + COALESCE(g.t_m2, 0) * :f2 END) AS target,
      CASE WHEN g.n IS NULL THEN NULL
           WHEN m.agg = 'avg' THEN CAST(g.total AS DOUBLE PRECISION) / g.n
           WHEN m.agg = 'max' THEN CAST(g.peak AS DOUBLE PRECISION)
           WHEN m.agg = 'last' THEN CAST(g.last_value AS DOUBLE PRECISION)
           ELSE CAST(g.total AS DOUBLE PRECISION) END AS actual
    FROM g JOIN m ON m.key = g.metric
),
x AS (
    SELECT user_id, metric, hib, w, total, n, peak, last_value,
      {shown_target} AS target, {shown_actual} AS actual
    FROM x0
)"""

# Where the actuals come from: the period's rollups, or (`upto`) its facts up to a day.
_FROM_ROLLUPS = """SELECT r.user_id, r.metric, NULL, NULL, NULL, r.total, r.n, r.peak, r.last_value
    FROM kpi_rollups r
    WHERE r.team_id = :team AND r.period = :p {r_users}"""
_FROM_FACTS = f"""SELECT a.user_id, a.metric, NULL, NULL, NULL, a.total, a.n, a.peak, f.value
    FROM (
      SELECT user_id, metric, CAST(SUM(value) AS BIGINT) AS total, COUNT(*) AS n,
        MAX(value) AS peak, MAX(day_ord * {ID_SPAN} + id) AS last_key
      FROM kpi_facts
      WHERE team_id = :team AND day >= :first AND day <= :upto {{f_users}}
      GROUP BY user_id, metric
    ) a JOIN kpi_facts f ON f.id = a.last_key % {ID_SPAN}"""

COMPOSITES = (
    "WITH "
    + _CTES
    + """,
att AS (
    SELECT x.user_id, x.w,
      """
    + CAPPED_ATTAINMENT_SQL
    + """ AS a
    FROM x
    WHERE x.target > 0
),
sc AS (
    SELECT user_id, SUM(w * a) / SUM(w) AS composite
    FROM att GROUP BY user_id HAVING SUM(w) > 0
)"""
)

# Ranks of everyone, computed once per period, config and directory, then read from
# kpi_scores (see KpiScoreSet for why a stored set is never stale). People deactivated in
# Slack keep their facts but rank nowhere.
FILL_SCORES = (
    "INSERT INTO kpi_scores (team_id, period, digest, user_id, sales_team, composite, "
    "team_rank, team_size, company_rank, company_size) "
    + COMPOSITES
    + """
SELECT :team, :p, :digest, u.id, u.team, sc.composite,
  RANK() OVER (PARTITION BY u.team ORDER BY sc.composite DESC),
  COUNT(*) OVER (PARTITION BY u.team),
  RANK() OVER (ORDER BY sc.composite DESC),
  COUNT(*) OVER ()
FROM sc JOIN users u ON u.id = sc.user_id
WHERE NOT u.deactivated"""
)

METRIC_ROWS = (
    "WITH " + _CTES + "\nSELECT user_id, metric, total, n, peak, last_value, target FROM x"
)


def statement(
    template: str,
    config: AppConfig,
    team_id: str,
    period: Period,
    user_ids: Any = None,
    upto: date | None = None,
    *,
    dialect: str,
) -> tuple[TextClause, dict[str, Any]]:
    """The statement and parameters; `user_ids` limits the work to those people; `upto`
    (a day before the period's end) takes the actuals of its first days only; `dialect`
    (the connection's) picks how figures are rounded."""
    values, params = _params(config, team_id, period)
    binds = []
    filters = {"t_users": "", "u_users": "", "r_users": "", "f_users": ""}
    if user_ids is not None:
        params["uids"] = list(user_ids) or [-1]
        binds.append(bindparam("uids", expanding=True))
        filters = {
            "t_users": "AND t.user_id IN :uids",
            "u_users": "AND u.id IN :uids",
            "r_users": "AND r.user_id IN :uids",
            "f_users": "AND user_id IN :uids",
        }
    actuals = _FROM_ROLLUPS
    if upto is not None and upto < period.end:
        actuals = _FROM_FACTS
        params.update(first=period.start, upto=upto)
        binds += [bindparam("first", type_=Date), bindparam("upto", type_=Date)]
    shown = {
        "shown_target": shown_sql("x0.target", "x0.s", dialect),
        "shown_actual": shown_sql("x0.actual", "x0.s", dialect),
    }
    sql = template.format(values=values, actuals=actuals.format(**filters), **filters, **shown)
    return text(sql).bindparams(*binds), params
