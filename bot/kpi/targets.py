"""`salespulse targets import`: targets per period for people or sales teams, all or nothing.

A row with the same period, scope and metric as an existing target replaces it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, insert, select
from sqlmodel import Session

from bot.core.config import AppConfig
from bot.core.periods import OutOfRange, parse_key
from bot.core.tabular import read_table, require_columns, shown
from bot.kpi.facts import invalidate_scores, lock_fact_writes, parse_value
from storage.models.core import User
from storage.models.kpi import KpiTarget
from storage.types import utcnow

COLUMNS = ("period", "scope", "metric", "target")


@dataclass
class TargetsResult:
    written: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


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
    users = session.exec(
        select(User.id, User.slack_id, User.email, User.team).where(  # type: ignore[call-overload]
            User.team_id == team_id,
            User.is_bot == False,  # noqa: E712
        )
    ).all()
    by_slack = {u.slack_id.upper(): u.id for u in users}
    by_email = {u.email.lower(): u.id for u in users if u.email}
    teams = {u.team for u in users if u.team} | set(config.teams)
    metrics = {m.key for m in config.metrics}
    result = TargetsResult()
    rows: list[dict] = []
    seen: dict[tuple[str, str, str], int] = {}
    for line, raw in progress(raw_rows):
        problems: list[str] = []
        period = None
        try:
            period = parse_key(raw["period"].upper())
            if period is None:
                problems.append(
                    f"period {shown(raw['period'])} is not like 2026-11, 2026-Q4, 2026 or 2026-W48"
                )
        except OutOfRange as exc:
            problems.append(str(exc))
        scope = raw["scope"].strip()
        user_id = sales_team = None
        if scope.lower().startswith("team:"):
            sales_team = scope[5:].strip()
            if sales_team not in teams:
                problems.append(f"team {shown(sales_team)} has nobody in the org directory")
            scope_key = f"team:{sales_team}"
        else:
            user_id = by_email.get(scope.lower()) if "@" in scope else by_slack.get(scope.upper())
            if user_id is None:
                problems.append(
                    f"scope {shown(scope)} is not team:<name> or a slack_id or email in the "
                    "directory"
                )
            scope_key = f"user:{user_id}"
        metric = raw["metric"].strip()
        if metric not in metrics:
            problems.append(
                f"metric {shown(metric)} is not configured (metrics: {', '.join(sorted(metrics))})"
            )
        target = 0
        try:
            target = parse_value(raw["target"])
            if target < 0:
                problems.append("target must not be negative")
        except ValueError as exc:
            problems.append(str(exc).replace("value", "target", 1))
        if period is not None and not problems:
            key = (period.key, scope_key, metric)
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
                "scope": scope_key,
                "user_id": user_id,
                "sales_team": sales_team,
                "metric": metric,
                "target": target,
                "updated_at": utcnow(),
            }
        )
    if result.errors:
        return result
    table = KpiTarget.__table__  # type: ignore[attr-defined]
    conn = session.connection()
    # targets feed the same stored rankings as facts: one writer at a time, the same lock
    lock_fact_writes(conn, team_id)
    for row in rows:
        conn.execute(
            delete(table).where(
                table.c.team_id == team_id,
                table.c.period == row["period"],
                table.c.scope == row["scope"],
                table.c.metric == row["metric"],
            )
        )
    if rows:
        conn.execute(insert(table), rows)
        # a month's target also moves the weeks prorated from it: forget every ranking
        invalidate_scores(conn, team_id, None)
    result.written = len(rows)
    return result
