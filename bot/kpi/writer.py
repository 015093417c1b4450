"""KPI facts in, step two: the one writer. Writes keep `kpi_rollups` in step in the same
transaction (bot.kpi.rollups) and stored rankings up to date (bot.kpi.ranking)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, text
from sqlalchemy.engine import Connection
from sqlmodel import Session

from bot.core.config import AppConfig
from bot.core.periods import KINDS
from bot.kpi.ranking import rescore
from bot.kpi.rollups import FULL_PERIOD_REBUILD, refresh_rollups
from bot.kpi.store import chunks, invalidate_scores, lock_fact_writes
from bot.kpi.validation import FactRow
from storage.models.kpi import KpiFact

CHUNK = 50_000
_ANALYZE_AFTER = 10_000


class DuplicateFacts(Exception):
    """Rows without a ref equal facts already stored (imported before?); nothing written."""

    def __init__(self, count: int) -> None:
        super().__init__(f"{count} row(s) without a ref equal facts already stored")
        self.count = count


def write_facts(
    session: Session,
    team_id: str,
    rows: list[FactRow],
    *,
    progress: Callable[[int], None] = lambda n: None,
    config: AppConfig | None = None,
    allow_duplicates: bool = True,
) -> tuple[int, int]:
    """Insert the facts (replacing earlier facts with the same ref), rebuild the affected
    rollups and bring stored rankings up to date (re-scored in place for a few people when
    `config` is given, else forgotten), all in the caller's transaction, one writer of the
    workspace at a time. Rows without a ref are added; unless allow_duplicates, DuplicateFacts
    is raised before anything is written when some equal stored facts.
    Returns (imported, replaced)."""
    conn = session.connection()
    touched_users: set[int] = {r.user_id for r in rows}
    touched: dict[str, set[str]] = {kind: set() for kind in KINDS}
    for keys in {r.keys for r in rows}:
        for kind, key in zip(KINDS, keys, strict=True):
            touched[kind].add(key)

    big_sqlite = conn.dialect.name == "sqlite" and len(rows) >= _ANALYZE_AFTER
    if big_sqlite:
        # A bigger page cache and in-memory sorts for this connection while it writes a
        # large batch: index inserts and the rollup GROUP BYs run about a quarter faster.
        # Before the lock: temp_store can't change inside a transaction.
        conn.exec_driver_sql("PRAGMA cache_size=-262144")
        conn.exec_driver_sql("PRAGMA temp_store=MEMORY")
    try:
        lock_fact_writes(conn, team_id)
        if not allow_duplicates and (duplicates := count_duplicates(conn, team_id, rows)):
            raise DuplicateFacts(duplicates)
        replaced = _delete_replaced(conn, team_id, rows, touched, touched_users)
        _insert(conn, team_id, rows, progress)
        refresh_rollups(conn, team_id, touched, touched_users)
    finally:
        if big_sqlite:
            conn.exec_driver_sql("PRAGMA cache_size=-2000")
            conn.exec_driver_sql("PRAGMA temp_store=DEFAULT")
    periods = [key for keys in touched.values() for key in keys]
    if config is not None and len(touched_users) <= FULL_PERIOD_REBUILD:
        rescore(session, config, team_id, periods, touched_users)
    else:
        invalidate_scores(conn, team_id, periods)
    if len(rows) >= _ANALYZE_AFTER and conn.dialect.name == "postgresql":
        # Fresh statistics now rather than whenever autovacuum gets to it: the scorecard's
        # plans depend on them.
        conn.execute(text("ANALYZE kpi_facts"))
        conn.execute(text("ANALYZE kpi_rollups"))
    return len(rows) - replaced, replaced


def _delete_replaced(
    conn: Connection,
    team_id: str,
    rows: list[FactRow],
    touched: dict[str, set[str]],
    touched_users: set[int],
) -> int:
    """Delete the stored facts the rows' refs replace (by ref, under the write lock) and add
    the periods and people they counted in to `touched`; returns how many."""
    facts = KpiFact.__table__  # type: ignore[attr-defined]
    refs = [r.ref for r in rows if r.ref is not None]
    has_refs = (
        refs
        and conn.execute(
            select(facts.c.id).where(facts.c.team_id == team_id, facts.c.ref.is_not(None)).limit(1)
        ).first()
    )
    if not has_refs:
        return 0
    replaced = 0
    for chunk in chunks(refs, 500):
        old = conn.execute(
            delete(facts)
            .where(facts.c.team_id == team_id, facts.c.ref.in_(chunk))
            .returning(facts.c.user_id, facts.c.week, facts.c.month, facts.c.quarter, facts.c.year)
        ).all()
        for user_id, *keys in old:
            touched_users.add(user_id)
            for kind, key in zip(KINDS, keys, strict=True):
                touched[kind].add(key)
        replaced += len(old)
    return replaced


_COLUMNS = "team_id, user_id, metric, day, day_ord, value, ref, week, month, quarter, year"


def _insert(
    conn: Connection, team_id: str, rows: list[FactRow], progress: Callable[[int], None]
) -> None:
    """executemany in chunks. On SQLite straight to the driver with tuples (SQLAlchemy's
    per-row parameter processing was a third of a million-row import); elsewhere SQLAlchemy
    core, whose insertmanyvalues batches rows into multi-row INSERTs."""
    if conn.dialect.name == "sqlite":
        sql = f"INSERT INTO kpi_facts ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        for chunk in chunks(rows, CHUNK):
            conn.exec_driver_sql(
                sql,
                [
                    (
                        team_id,
                        r.user_id,
                        r.metric,
                        r.day.isoformat(),  # SQLAlchemy's SQLite Date format
                        r.day.toordinal(),
                        r.value,
                        r.ref,
                        *r.keys,
                    )
                    for r in chunk
                ],
            )
            progress(len(chunk))
        return
    stmt = insert(KpiFact.__table__)  # type: ignore[attr-defined]
    for chunk in chunks(rows, CHUNK):
        conn.execute(
            stmt,
            [
                {
                    "team_id": team_id,
                    "user_id": r.user_id,
                    "metric": r.metric,
                    "day": r.day,
                    "day_ord": r.day.toordinal(),
                    "value": r.value,
                    "ref": r.ref,
                    "week": r.keys[0],
                    "month": r.keys[1],
                    "quarter": r.keys[2],
                    "year": r.keys[3],
                }
                for r in chunk
            ],
        )
        progress(len(chunk))


def count_duplicates(conn: Connection, team_id: str, rows: list[FactRow]) -> int:
    """How many rows without a ref equal a stored fact (same day, person, metric and value;
    each stored fact matched once): what importing them again would count twice."""
    plain = [r for r in rows if r.ref is None]
    stored: dict[tuple[Any, ...], int] = {}
    for days in chunks(sorted({r.day.toordinal() for r in plain}), 500):
        found = conn.execute(
            text(
                "SELECT user_id, metric, day_ord, value, COUNT(*) FROM kpi_facts "
                "WHERE team_id = :team AND day_ord IN :days "
                "GROUP BY user_id, metric, day_ord, value"
            ).bindparams(bindparam("days", expanding=True)),
            {"team": team_id, "days": days},
        )
        stored.update((tuple(key), n) for *key, n in found)
    if not stored:
        return 0
    wanted = Counter((r.user_id, r.metric, r.day.toordinal(), r.value) for r in plain)
    return sum(min(n, stored.get(key, 0)) for key, n in wanted.items())
