"""`salespulse export kpi`: every rep's scorecard of a period as CSV (UTF-8 with a BOM) or
XLSX, for HR: the numbers `/kpi @rep <period>` shows, from the same functions
(bot.kpi.scorecard.metric_values, attainment and leaderboard), never a second calculation.

One row per rep (role `rep`, active, not a bot) with a target or data in the period: slack_id,
name, team (its name in the export's language), manager (name); per metric its actual and
target (rounded to the metric's decimals, as shown; the actual is 0 when there is a target but
no fact yet, as /kpi shows it) and attainment; then the composite, the team rank and the
company rank (ranks among everyone /kpi ranks). Attainment and composite are ratios rounded
as /kpi rounds its percentages (0.1%): 0.9 is /kpi's "90.0%", 1.067 its "106.7%"; empty
when there is no target. Rows are in company rank order, then the unranked by name.

English headers are column keys (`revenue_actual`: stable for scripts), Chinese headers the
labels people read (`销售额实际值`). Text cells that a spreadsheet would run as a formula are
neutralised (bot.core.tabular.neutral)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

from sqlmodel import Session, col, select

from bot.core.config import AppConfig, MetricConfig
from bot.core.periods import Period
from bot.core.tabular import Cell, neutral, write
from bot.i18n import is_zh, localized, t
from bot.kpi.attainment import shown
from bot.kpi.scheme import in_force
from bot.kpi.scorecard import attainment, leaderboard, metric_values
from bot.kpi.views import shown_ratio
from bot.org.teams import team_name
from storage.models.core import User

FORMATS = ("csv", "xlsx")


def _metric_name(metric: MetricConfig, locale: str) -> str:
    return localized(metric, locale) if is_zh(locale) else metric.key


def header(config: AppConfig, locale: str) -> list[str]:
    columns = [t(f"export.{c}", locale) for c in ("slack_id", "name", "team", "manager")]
    for m in config.metrics:
        name = _metric_name(m, locale)
        columns += [
            t(f"export.{c}", locale, metric=name) for c in ("actual", "target", "attainment")
        ]
    columns += [t(f"export.{c}", locale) for c in ("composite", "team_rank", "company_rank")]
    return columns


def ratio(value: Decimal | float | None) -> Decimal | None:
    """An attainment or composite rounded as /kpi shows it (to 0.1%), as a ratio."""
    return None if value is None else shown_ratio(value)


def _reps(session: Session, team_id: str) -> list[User]:
    return list(
        session.exec(
            select(User)
            .where(
                User.team_id == team_id,
                User.role == "rep",
                User.is_bot == False,  # noqa: E712
                User.deactivated == False,  # noqa: E712
            )
            .order_by(col(User.name), col(User.id))
        ).all()
    )


def rows(
    session: Session, config: AppConfig, team_id: str, period: Period, locale: str
) -> Iterator[list[Cell]]:
    reps = _reps(session, team_id)
    values = metric_values(session, config, team_id, period, [u.id for u in reps if u.id])
    standings = {s.user_id: s for s in leaderboard(session, config, team_id, period)}
    managers = {
        u.id: u.name
        for u in session.exec(
            select(User).where(col(User.id).in_([r.manager_id for r in reps if r.manager_id]))
        ).all()
    }
    listed = [
        u
        for u in reps
        if any(a is not None or tg is not None for a, tg in values.get(u.id or 0, {}).values())
    ]
    last = len(listed) + 1
    listed.sort(key=lambda u: standings[u.id].company_rank if u.id in standings else last)
    for user in listed:
        figures = values.get(user.id or 0, {})
        row: list[Cell] = [user.slack_id, user.name]
        row.append(team_name(config, user.team, locale) if user.team else "")
        row.append(managers.get(user.manager_id, "") if user.manager_id else "")
        for m in config.metrics:
            actual, target = figures.get(m.key, (None, None))
            shown_actual = actual
            if actual is None and target is not None:
                shown_actual = shown(m, Decimal(0))  # /kpi: "¥0 of ¥100,000" (attainment 0)
            row += [shown_actual, target, ratio(attainment(m, actual, target))]
        standing = standings.get(user.id or 0)
        if standing is None:
            row += [None, None, None]
        else:
            row += [ratio(standing.composite), standing.team_rank, standing.company_rank]
        yield [neutral(cell) for cell in row]


def export(
    session: Session,
    config: AppConfig,
    team_id: str,
    period: Period,
    fmt: str,
    path: Path,
    locale: str = "en-US",
) -> int:
    """Write the export to `path`; returns the number of rows."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    config = in_force(session, config, team_id, period)  # its columns: the period's metrics
    table = rows(session, config, team_id, period, locale)
    return write(path, fmt, header(config, locale), table, sheet="kpi")
