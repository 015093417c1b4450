"""`salespulse targets import`: targets per period for people or sales teams, all or nothing.

A row with the same period, scope (person or team) and metric as an existing target
replaces it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert
from sqlmodel import Session

from bot.core.config import AppConfig
from bot.core.periods import OutOfRange, Period, parse_key
from bot.core.tabular import ImportResult, read_table, require_columns, shown
from bot.kpi.store import invalidate_scores, lock_fact_writes
from bot.kpi.validation import parse_value
from bot.org.directory import People, people_index
from storage.models.kpi import KpiTarget
from storage.types import utcnow

COLUMNS = ("period", "scope", "metric", "target")


@dataclass
class TargetsResult(ImportResult):
    written: int = 0


def _period(raw: str, problems: list[str]) -> Period | None:
    try:
        period = parse_key(raw.upper())
    except OutOfRange as exc:
        problems.append(str(exc))
        return None
    if period is None:
        problems.append(f"period {shown(raw)} is not like 2026-11, 2026-Q4, 2026 or 2026-W48")
    return period


def _scope(
    scope: str, people: People, teams: set[str], problems: list[str]
) -> tuple[int | None, str | None]:
    """(user_id, sales_team): exactly one of them names whom the target is for."""
    if scope.lower().startswith("team:"):
        sales_team = scope[5:].strip()
        if sales_team not in teams:
            problems.append(f"team {shown(sales_team)} has nobody in the org directory")
        return None, sales_team
    user_id = people.find(scope)
    if user_id is None:
        problems.append(
            f"scope {shown(scope)} is not team:<name> or a slack_id or email in the directory"
        )
    return user_id, None


def _target(raw: str, problems: list[str]) -> int:
    try:
        target = parse_value(raw)
    except ValueError as exc:
        problems.append(str(exc).replace("value", "target", 1))
        return 0
    if target < 0:
        problems.append("target must not be negative")
    return target


def validate_targets(
    team_id: str,
    people: People,
    teams: set[str],
    metrics: set[str],
    raw_rows: Iterable[tuple[int, dict[str, str]]],
    result: TargetsResult,
) -> list[dict[str, Any]]:
    """The rows to write; each problem goes to `result.errors` as (line, problem)."""
    rows: list[dict[str, Any]] = []
    seen: dict[tuple[str, int | None, str | None, str], int] = {}
    for line, raw in raw_rows:
        problems: list[str] = []
        period = _period(raw["period"], problems)
        user_id, sales_team = _scope(raw["scope"].strip(), people, teams, problems)
        metric = raw["metric"].strip()
        if metric not in metrics:
            known = ", ".join(sorted(metrics))
            problems.append(f"metric {shown(metric)} is not configured (metrics: {known})")
        target = _target(raw["target"], problems)
        if period is not None and not problems:
            key = (period.key, user_id, sales_team, metric)
            if key in seen:
                problems.append(f"duplicate target (also on line {seen[key]})")
            seen[key] = line
        if problems:
            result.errors.extend((line, p) for p in problems)
            continue
        assert period is not None
        rows.append(
            {
                "team_id": team_id,
                "period": period.key,
                "user_id": user_id,
                "sales_team": sales_team,
                "metric": metric,
                "target": target,
                "updated_at": utcnow(),
            }
        )
    return rows


def import_targets(
    session: Session,
    team_id: str,
    config: AppConfig,
    path: Path,
    *,
    progress: Callable[[Iterable], Iterable] = lambda rows: rows,
) -> TargetsResult:
    """Validate every row, then write them in the caller's transaction; on any error nothing
    is written and `errors` lists (line, problem)."""
    header, raw_rows = read_table(path)
    require_columns(header, COLUMNS)
    people = people_index(session, team_id)
    teams = set(people.teams) | set(config.teams)
    metrics = {m.key for m in config.metrics}
    result = TargetsResult()
    rows = validate_targets(team_id, people, teams, metrics, progress(raw_rows), result)
    if result.errors:
        return result
    table = KpiTarget.__table__  # type: ignore[attr-defined]
    conn = session.connection()
    # targets feed the same stored rankings as facts: one writer at a time, the same lock
    lock_fact_writes(conn, team_id)
    for row in rows:
        whom = (
            table.c.user_id == row["user_id"]
            if row["user_id"] is not None
            else table.c.sales_team == row["sales_team"]
        )
        conn.execute(
            delete(table).where(
                table.c.team_id == team_id,
                table.c.period == row["period"],
                table.c.metric == row["metric"],
                whom,
            )
        )
    if rows:
        conn.execute(insert(table), rows)
        # a month's target also moves the weeks prorated from it: forget every ranking
        invalidate_scores(conn, team_id, None)
    result.written = len(rows)
    return result
