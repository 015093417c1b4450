"""Rankings: composites and team / company ranks of everyone with a target, computed in the
database once per period, config and directory, stored in `kpi_scores` and kept up to date
in place by small writes (see KpiScoreSet for why a stored set is never stale)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.core.config import AppConfig
from bot.core.periods import Period, parse_key
from bot.kpi.scheme import in_force, metric_config_digest
from bot.kpi.score_sql import COMPOSITES, FILL_SCORES, statement
from bot.kpi.store import invalidate_scores, lock_fact_writes
from storage.models.core import User
from storage.types import utcnow


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
    metrics = metric_config_digest(config)
    return hashlib.sha256(f"{metrics}|{count}|{changed}".encode()).hexdigest()[:32]


def ranked(session: Session, config: AppConfig, team_id: str, period: Period) -> str:
    """Make sure kpi_scores holds this period's ranking (under the scheme in force at its
    end); returns its digest."""
    config = in_force(session, config, team_id, period)
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
    stmt, params = statement(FILL_SCORES, config, team_id, period, dialect=conn.dialect.name)
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
    conn = session.connection()
    uids = sorted(users)
    in_users = bindparam("uids", expanding=True)
    for key in periods:
        period = parse_key(key)
        scheme = config if period is None else in_force(session, config, team_id, period)
        digest = _digest(session, scheme, team_id)
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
        if not stored or period is None:
            continue  # nothing stored: the next read ranks everyone
        fresh = composites(session, scheme, team_id, period, uids)
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
    session: Session,
    config: AppConfig,
    team_id: str,
    period: Period,
    user_ids: Sequence[int] | None,
    *,
    upto: date | None = None,
) -> dict[int, float]:
    """Composite scores of a few people without ranking everyone (trends, movers); `upto`:
    of the period's first days only, against its targets (comparisons); `user_ids` None:
    everyone's."""
    config = in_force(session, config, team_id, period)
    stmt, params = statement(
        COMPOSITES + "\nSELECT user_id, composite FROM sc",
        config,
        team_id,
        period,
        user_ids=user_ids,
        upto=upto,
        dialect=session.connection().dialect.name,
    )
    return {r[0]: float(r[1]) for r in session.connection().execute(stmt, params)}
