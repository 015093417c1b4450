"""The one scorecard: actual, target, attainment, composite, rank and change, for every view,
digest and later feature.

Everything over many people is computed in the database from `kpi_rollups` (kept in step
with the facts) and `kpi_targets`: GROUP BY for composites, window functions for ranks.
Metric definitions (aggregate, direction, weight) come from the config at query time, so a
weight change re-scores history. Python only turns a handful of exact integers into
Decimals for display.

Rules:
- actual: the metric's aggregate (sum, avg, max, last) over the days of the period;
- target: the person's own target for the period, else their sales team's (reps only);
  a week with no target gets its month's: prorated by working days for `sum` metrics,
  the month's value as is for avg/max/last;
- attainment: actual / target, or target / actual when lower is better; no facts = 0;
- composite: weighted mean of attainment, each capped at 150% (and at least 0), over the
  metrics that have a target; people without any target are not ranked."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot.core.config import AppConfig, MetricConfig
from bot.core.periods import Period, containing, parse_key, week_month_shares
from bot.kpi.facts import invalidate_scores, lock_fact_writes, to_decimal
from storage.models.core import User
from storage.models.kpi import KpiConfigVersion
from storage.types import utcnow

log = logging.getLogger(__name__)
CAP = Decimal("1.5")
_NONE = "-"  # a period key no row has: unused week-proration slots


@dataclass(frozen=True)
class MetricResult:
    metric: MetricConfig
    actual: Decimal | None  # None: no facts in the period
    target: Decimal | None  # None: no target
    previous: Decimal | None  # the actual of the previous period of the same kind

    @property
    def attainment(self) -> Decimal | None:
        """Uncapped: 1.2 means 120% of target (or of the allowance, when lower is better)."""
        return attainment(self.metric, self.actual, self.target)

    @property
    def change(self) -> Decimal | None:
        if self.actual is None and self.previous is None:
            return None
        return (self.actual or Decimal(0)) - (self.previous or Decimal(0))


@dataclass(frozen=True)
class Standing:
    user_id: int
    slack_id: str
    name: str
    team: str | None
    composite: float
    team_rank: int
    team_size: int
    company_rank: int
    company_size: int


@dataclass(frozen=True)
class Scorecard:
    user: User
    period: Period
    metrics: list[MetricResult]
    standing: Standing | None  # None: no target in this period, so not ranked
    previous_composite: float | None

    @property
    def composite(self) -> float | None:
        return self.standing.composite if self.standing else None

    @property
    def composite_change(self) -> float | None:
        if self.composite is None or self.previous_composite is None:
            return None
        return self.composite - self.previous_composite

    @property
    def has_data(self) -> bool:
        return any(m.actual is not None or m.target is not None for m in self.metrics)


def attainment(
    metric: MetricConfig, actual: Decimal | None, target: Decimal | None
) -> Decimal | None:
    if target is None or target <= 0:
        return None
    if actual is None:
        return Decimal(0)
    if metric.higher_is_better:
        return max(Decimal(0), actual / target)
    if actual * CAP <= target:  # includes 0: far under the allowance
        return CAP
    return target / actual


def capped(value: Decimal | None) -> Decimal | None:
    return None if value is None else min(CAP, max(Decimal(0), value))


# --- SQL -----------------------------------------------------------------------------------


def _params(config: AppConfig, team_id: str, period: Period) -> tuple[str, dict[str, Any]]:
    """The metrics as a VALUES table, plus the period keys the targets may come from."""
    rows = []
    params: dict[str, Any] = {"team": team_id, "p": period.key}
    for i, m in enumerate(config.metrics):
        rows.append(f"(:k{i}, :a{i}, :h{i}, :w{i})")
        params.update({f"k{i}": m.key, f"a{i}": m.aggregate, f"h{i}": int(m.higher_is_better)})
        params[f"w{i}"] = float(m.weight)
    params.update({"m1": _NONE, "f1": 0.0, "m2": _NONE, "f2": 0.0, "mm": _NONE})
    if period.kind == "week":
        shares = week_month_shares(period)
        for slot, (key, week_days, month_days) in zip(("1", "2"), shares, strict=False):
            params[f"m{slot}"] = key
            params[f"f{slot}"] = week_days / month_days if month_days else 0.0
        params["mm"] = containing("month", period.start + (period.end - period.start) / 2).key
    values = ", ".join(rows) if rows else "(NULL, NULL, NULL, NULL)"
    return values, params


# Only UNION ALL + GROUP BY between derived tables (no joins of one large derived table to
# another): plans stay linear on SQLite, and on PostgreSQL even before ANALYZE has run.
# One GROUP BY (person, metric) gathers own targets, team targets and rollups; targets of
# the period win, else (weeks) the month's: prorated for sums, as is otherwise.
_CTES = """
m(key, agg, hib, w) AS (VALUES {values}),
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
      AND t.team_id = u.team_id AND t.scope = 'team:' || u.team
      AND t.period IN (:p, :m1, :m2, :mm)
    UNION ALL
    SELECT r.user_id, r.metric, NULL, NULL, NULL, r.total, r.n, r.peak, r.last_value
    FROM kpi_rollups r
    WHERE r.team_id = :team AND r.period = :p {r_users}
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
x AS (
    SELECT g.user_id, g.metric, m.hib, m.w, g.total, g.n, g.peak, g.last_value,
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
)"""

_COMPOSITES = (
    "WITH "
    + _CTES
    + """,
att AS (
    SELECT x.user_id, x.w,
      CASE WHEN x.actual IS NULL THEN 0.0
           WHEN x.hib = 1 THEN
             CASE WHEN x.actual >= 1.5 * x.target THEN 1.5
                  WHEN x.actual <= 0 THEN 0.0
                  ELSE x.actual / x.target END
           ELSE
             CASE WHEN x.actual * 1.5 <= x.target THEN 1.5
                  ELSE x.target / x.actual END
      END AS a
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
_FILL = (
    "INSERT INTO kpi_scores (team_id, period, digest, user_id, sales_team, composite, "
    "team_rank, team_size, company_rank, company_size) "
    + _COMPOSITES
    + """
SELECT :team, :p, :digest, u.id, u.team, sc.composite,
  RANK() OVER (PARTITION BY u.team ORDER BY sc.composite DESC),
  COUNT(*) OVER (PARTITION BY u.team),
  RANK() OVER (ORDER BY sc.composite DESC),
  COUNT(*) OVER ()
FROM sc JOIN users u ON u.id = sc.user_id
WHERE NOT u.deactivated"""
)

_METRIC_ROWS = (
    "WITH " + _CTES + "\nSELECT user_id, metric, total, n, peak, last_value, target FROM x"
)


def _sql(template: str, config: AppConfig, team_id: str, period: Period, user_ids=None):  # type: ignore[no-untyped-def]
    """The statement and parameters; `user_ids` limits the work to those people."""
    values, params = _params(config, team_id, period)
    binds = []
    filters = {"t_users": "", "u_users": "", "r_users": ""}
    if user_ids is not None:
        params["uids"] = list(user_ids) or [-1]
        binds.append(bindparam("uids", expanding=True))
        filters = {
            "t_users": "AND t.user_id IN :uids",
            "u_users": "AND u.id IN :uids",
            "r_users": "AND r.user_id IN :uids",
        }
    return text(template.format(values=values, **filters)).bindparams(*binds), params


def _standing(row: Any) -> Standing:
    return Standing(
        user_id=row[0],
        slack_id=row[1],
        name=row[2],
        team=row[3],
        composite=float(row[4]),
        team_rank=int(row[5]),
        team_size=int(row[6]),
        company_rank=int(row[7]),
        company_size=int(row[8]),
    )


def _digest(session: Session, config: AppConfig, team_id: str) -> str:
    """What a stored ranking depends on besides facts and targets: the metric config and the
    directory (teams, roles; org imports bump updated_at, new people the count)."""
    count, changed = (
        session.connection()
        .execute(
            text("SELECT COUNT(*), MAX(updated_at) FROM users WHERE team_id = :team"),
            {"team": team_id},
        )
        .one()
    )
    metrics = json.dumps([m.model_dump() for m in config.metrics], sort_keys=True)
    return hashlib.sha256(f"{metrics}|{count}|{changed}".encode()).hexdigest()[:32]


def ranked(session: Session, config: AppConfig, team_id: str, period: Period) -> str:
    """Make sure kpi_scores holds this period's ranking; returns its digest."""
    digest = _digest(session, config, team_id)
    conn = session.connection()
    key = {"team": team_id, "p": period.key, "digest": digest}
    found = conn.execute(
        text(
            "SELECT 1 FROM kpi_score_sets WHERE team_id = :team AND period = :p "
            "AND digest = :digest"
        ),
        key,
    ).first()
    if found:
        return digest
    stmt, params = _sql(_FILL, config, team_id, period)
    params["digest"] = digest
    try:
        with session.begin_nested():
            # The SAVEPOINT is emitted when the session hands out its connection inside the
            # block: a connection fetched before it runs outside the savepoint, and on
            # PostgreSQL a lost race then left the whole transaction aborted.
            conn = session.connection()
            # rank what a fact write in progress commits, or that write's in-place
            # re-scoring misses this ranking and it stays stale (PostgreSQL)
            lock_fact_writes(conn, team_id, shared=True)
            invalidate_scores(conn, team_id, [period.key])
            conn.execute(
                text(
                    "INSERT INTO kpi_score_sets (team_id, period, digest, computed_at) "
                    "VALUES (:team, :p, :digest, :now)"
                ),
                {**key, "now": utcnow().replace(tzinfo=None)},
            )
            conn.execute(stmt, params)
            if conn.dialect.name == "postgresql":
                # statistics for the re-ranking UPDATE's plan (a hash join, not a loop of
                # window sorts); autovacuum would get there, but maybe after the next write
                conn.execute(text("ANALYZE kpi_scores"))
    except IntegrityError:
        pass  # a concurrent request stored the same ranking first
    return digest


_RERANK = """
UPDATE kpi_scores SET team_rank = r.team_rank, team_size = r.team_size,
  company_rank = r.company_rank, company_size = r.company_size
FROM (
  SELECT user_id,
    RANK() OVER (PARTITION BY sales_team ORDER BY composite DESC) AS team_rank,
    COUNT(*) OVER (PARTITION BY sales_team) AS team_size,
    RANK() OVER (ORDER BY composite DESC) AS company_rank,
    COUNT(*) OVER () AS company_size
  FROM kpi_scores WHERE team_id = :team AND period = :p AND digest = :digest
) r
WHERE kpi_scores.team_id = :team AND kpi_scores.period = :p AND kpi_scores.digest = :digest
  AND kpi_scores.user_id = r.user_id"""


def rescore(
    session: Session, config: AppConfig, team_id: str, periods: Sequence[str], users: set[int]
) -> None:
    """After a small write (a few people): update the stored rankings of these periods in
    place, in the writer's transaction: the composites of those people from the SQL, then
    everyone's ranks from the stored composites. Cheaper than ranking everyone again."""
    digest = _digest(session, config, team_id)
    conn = session.connection()
    uids = sorted(users)
    in_users = bindparam("uids", expanding=True)
    for key in periods:
        params: dict[str, Any] = {"team": team_id, "p": key, "digest": digest}
        for table in ("kpi_scores", "kpi_score_sets"):  # rankings under an older config
            conn.execute(
                text(
                    f"DELETE FROM {table} WHERE team_id = :team AND period = :p "
                    "AND digest <> :digest"
                ),
                params,
            )
        stored = conn.execute(
            text(
                "SELECT 1 FROM kpi_score_sets WHERE team_id = :team AND period = :p "
                "AND digest = :digest"
            ),
            params,
        ).first()
        period = parse_key(key)
        if not stored or period is None:
            continue  # nothing stored: the next read ranks everyone
        fresh = composites(session, config, team_id, period, uids)
        conn.execute(
            text(
                "DELETE FROM kpi_scores WHERE team_id = :team AND period = :p "
                "AND digest = :digest AND user_id IN :uids"
            ).bindparams(in_users),
            {**params, "uids": uids},
        )
        if fresh:
            teams = dict(
                conn.execute(
                    text("SELECT id, team FROM users WHERE id IN :uids").bindparams(in_users),
                    {"uids": sorted(fresh)},
                ).all()
            )
            conn.execute(
                text(
                    "INSERT INTO kpi_scores (team_id, period, digest, user_id, sales_team, "
                    "composite, team_rank, team_size, company_rank, company_size) "
                    "VALUES (:team, :p, :digest, :uid, :sales_team, :composite, 0, 0, 0, 0)"
                ),
                [
                    {**params, "uid": uid, "sales_team": teams.get(uid), "composite": score}
                    for uid, score in fresh.items()
                ],
            )
        conn.execute(text(_RERANK), params)


_READ = """
SELECT s.user_id, u.slack_id, u.name, s.sales_team, s.composite, s.team_rank, s.team_size,
       s.company_rank, s.company_size
FROM kpi_scores s JOIN users u ON u.id = s.user_id
WHERE s.team_id = :team AND s.period = :p AND s.digest = :digest {where}
ORDER BY s.company_rank, u.name
{limit}"""


def leaderboard(
    session: Session,
    config: AppConfig,
    team_id: str,
    period: Period,
    *,
    team: str | None = None,
    members: Sequence[int] | None = None,
    limit: int | None = None,
) -> list[Standing]:
    """Everyone with a target, best composite first, with team and company ranks (ranks are
    always among everyone; `team` / `members` only choose which rows come back)."""
    digest = ranked(session, config, team_id, period)
    params: dict[str, Any] = {"team": team_id, "p": period.key, "digest": digest}
    where, limit_sql, binds = "", "", []
    if team is not None:
        where, params["only_team"] = "AND s.sales_team = :only_team", team
    if members is not None:
        where += " AND s.user_id IN :members"
        params["members"] = list(members) or [-1]
        binds.append(bindparam("members", expanding=True))
    if limit:
        limit_sql, params["lim"] = "LIMIT :lim", int(limit)
    stmt = text(_READ.format(where=where, limit=limit_sql)).bindparams(*binds)
    return [_standing(r) for r in session.connection().execute(stmt, params)]


def standing_of(
    session: Session, config: AppConfig, team_id: str, period: Period, user: User
) -> Standing | None:
    digest = ranked(session, config, team_id, period)
    stmt = text(_READ.format(where="AND s.user_id = :me", limit=""))
    params = {"team": team_id, "p": period.key, "digest": digest, "me": user.id}
    row = session.connection().execute(stmt, params).first()
    return _standing(row) if row else None


def composites(
    session: Session, config: AppConfig, team_id: str, period: Period, user_ids: Sequence[int]
) -> dict[int, float]:
    """Composite scores of a few people without ranking everyone (trends, movers)."""
    stmt, params = _sql(
        _COMPOSITES + "\nSELECT user_id, composite FROM sc",
        config,
        team_id,
        period,
        user_ids=user_ids,
    )
    return {r[0]: float(r[1]) for r in session.connection().execute(stmt, params)}


def metric_values(
    session: Session, config: AppConfig, team_id: str, period: Period, user_ids: Sequence[int]
) -> dict[int, dict[str, tuple[Decimal | None, Decimal | None]]]:
    """{user_id: {metric: (actual, target)}} exact from the stored integers."""
    stmt, params = _sql(_METRIC_ROWS, config, team_id, period, user_ids=user_ids)
    found: dict[int, dict[str, tuple[Decimal | None, Decimal | None]]] = {}
    for user_id, key, total, n, peak, last_value, target in session.connection().execute(
        stmt, params
    ):
        metric = config.metric(key)
        if metric is None:
            continue
        actual: Decimal | None = None
        if n:
            if metric.aggregate == "sum":
                actual = to_decimal(int(total))
            elif metric.aggregate == "avg":
                actual = Decimal(int(total)) / int(n) / 1_000_000
            elif metric.aggregate == "max":
                actual = to_decimal(int(peak))
            else:
                actual = to_decimal(int(last_value))
        tgt = None
        if target is not None:
            # Explicit targets are whole micro-units (exact); a week's share of a month's
            # target is a computed figure, shown to the cent.
            exact = Decimal(str(target))
            tgt = (
                to_decimal(int(exact))
                if exact == exact.to_integral_value()
                else to_decimal(exact.scaleb(-6).quantize(Decimal("0.01")).scaleb(6))
            )
        found.setdefault(user_id, {})[key] = (actual, tgt)
    return found


def scorecard(
    session: Session, config: AppConfig, team_id: str, user: User, period: Period
) -> Scorecard:
    assert user.id is not None
    previous = period.previous()
    now = metric_values(session, config, team_id, period, [user.id]).get(user.id, {})
    before = metric_values(session, config, team_id, previous, [user.id]).get(user.id, {})
    metrics = [
        MetricResult(
            metric=m,
            actual=now.get(m.key, (None, None))[0],
            target=now.get(m.key, (None, None))[1],
            previous=before.get(m.key, (None, None))[0],
        )
        for m in config.metrics
    ]
    return Scorecard(
        user=user,
        period=period,
        metrics=metrics,
        standing=standing_of(session, config, team_id, period, user),
        previous_composite=composites(session, config, team_id, previous, [user.id]).get(user.id),
    )


def trend(
    session: Session, config: AppConfig, team_id: str, user: User, period: Period, count: int
) -> list[tuple[Period, float | None]]:
    """Composite of the last `count` periods of the same kind, oldest first."""
    assert user.id is not None
    periods = [period]
    while len(periods) < count:
        periods.insert(0, periods[0].previous())
    return [(p, composites(session, config, team_id, p, [user.id]).get(user.id)) for p in periods]


def team_attainment(
    session: Session, config: AppConfig, team_id: str, period: Period, members: Sequence[int]
) -> dict[str, Decimal | None]:
    """Per metric for a group: sum metrics as total actual / total target of the people with
    a target; other aggregates as the mean attainment of those people."""
    values = metric_values(session, config, team_id, period, members)
    result: dict[str, Decimal | None] = {}
    for metric in config.metrics:
        pairs = [v[metric.key] for v in values.values() if metric.key in v]
        pairs = [(a, t) for a, t in pairs if t is not None and t > 0]
        if not pairs:
            result[metric.key] = None
        elif metric.aggregate == "sum":
            actual = sum((a or Decimal(0) for a, _ in pairs), Decimal(0))
            result[metric.key] = attainment(metric, actual, sum((t for _, t in pairs), Decimal(0)))
        else:
            ratios = [attainment(metric, a, t) or Decimal(0) for a, t in pairs]
            result[metric.key] = sum(ratios, Decimal(0)) / len(ratios)
    return result


def warm_up(session: Session, config: AppConfig, team_id: str, today: date) -> None:
    """Rank the current week, month, quarter and year now (after a big import), so the
    first /kpi of the day doesn't pay for it."""
    for kind in ("week", "month", "quarter", "year"):
        ranked(session, config, team_id, containing(kind, today))


def today_in(config: AppConfig, now: Any) -> date:
    from zoneinfo import ZoneInfo

    return now.astimezone(ZoneInfo(config.workspace.timezone)).date()


# --- config history ------------------------------------------------------------------------


def record_metric_config(session: Session, team_id: str, config: AppConfig) -> bool:
    """Remember the metric configuration; log (and return True) when it changed since the
    last start, because weights apply to history too."""
    metrics = [m.model_dump() for m in config.metrics]
    digest = hashlib.sha256(json.dumps(metrics, sort_keys=True).encode()).hexdigest()
    last = session.exec(
        select(KpiConfigVersion)
        .where(KpiConfigVersion.team_id == team_id)
        .order_by(KpiConfigVersion.id.desc())  # type: ignore[union-attr]
    ).first()
    if last is not None and last.digest == digest:
        return False
    session.add(KpiConfigVersion(team_id=team_id, digest=digest, metrics=metrics))
    if last is None:
        log.info("KPI metric config recorded (%s)", digest[:12])
    else:
        log.warning(
            "KPI metric config changed (%s -> %s, previous seen since %s): scorecards of every "
            "period now use the new weights",
            last.digest[:12],
            digest[:12],
            last.seen_at.isoformat(),
        )
    return True
