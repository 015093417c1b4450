"""`salespulse career readiness`: every rep's level, next level and each criterion of
promotion readiness, for HR: a table on the terminal, or a CSV / XLSX file. The numbers are
the ones `/career` shows (bot.growth.readiness, one computation for both)."""

from __future__ import annotations

from pathlib import Path

import click

from bot.core.periods import local_date
from bot.core.tabular import Cell, neutral, write
from bot.growth.readiness import COLUMNS, export_row, readiness, reps
from bot.i18n import fmt_percent
from bot.org.teams import find_team, team_keys
from handlers.as_of import AS_OF_HELP, job_time, parse_as_of
from handlers.cli_support import deps_from_env, prepare_database, team_id_of, workspace_option

PERCENT_COLUMNS = {"composite", "composite_required"}
FORMATS = ("csv", "xlsx")


@click.group()
def career() -> None:
    """Career ladder: promotion readiness."""


@career.command("readiness")
@click.option("--team", "team", default=None, help="One sales team (its key or name).")
@click.option("--format", "fmt", default=None, help="csv or xlsx (with --output).")
@click.option("--output", type=click.Path(path_type=Path, dir_okay=False), default=None)
@click.option("--as-of", "as_of", default=None, help=f"Judge as on: {AS_OF_HELP}.")
@workspace_option
def career_readiness(
    team: str | None, fmt: str | None, output: Path | None, as_of: str | None, team_id: str | None
) -> None:
    """Every rep (role rep, active): level, next level, each criterion's number, the
    required number, whether it is met, and whether they are ready. Without --format: a
    table on stdout; --format csv|xlsx writes --output."""
    if fmt is not None and fmt not in FORMATS:
        raise click.ClickException(f"--format {fmt!r}: use csv or xlsx")
    if fmt is not None and output is None:
        raise click.ClickException("--format needs --output FILE")
    if output is not None and fmt is None:
        raise click.ClickException("--output needs --format csv or xlsx")
    try:
        when = parse_as_of(as_of) if as_of else None
    except ValueError:
        raise click.ClickException(f"--as-of {as_of!r}: use {AS_OF_HELP}") from None
    deps = deps_from_env()
    prepare_database(deps)
    ws = deps.workspace(team_id_of(deps, team_id))
    today = local_date(job_time(deps, when), ws.config.workspace.timezone)
    with deps.db.session() as session:
        key = None
        if team is not None:
            keys = team_keys(session, ws.team_id, ws.config)
            key = find_team(ws.config, team, keys)
            if key is None:
                raise click.ClickException(f"unknown team {team!r}; teams: {', '.join(keys)}")
        people = reps(session, ws.team_id, key)
        found = readiness(session, ws.config, ws.team_id, people, today)
        table = [export_row(p, found[p.id]) for p in people if p.id is not None]
    if fmt is None or output is None:
        _print(table)
        return
    count = write(output, fmt, COLUMNS, ([neutral(c) for c in row] for row in table))
    click.echo(f"wrote readiness of {count} rep(s) as of {today.isoformat()} to {output}")


def _shown(column: str, cell: Cell) -> str:
    if cell is None:
        return ""
    if column in PERCENT_COLUMNS and isinstance(cell, float | int):
        return fmt_percent(cell, "en-US")
    if isinstance(cell, float):
        return f"{cell:g}"
    return str(cell)


def _print(table: list[list[Cell]]) -> None:
    rows = [COLUMNS] + [
        [_shown(col, cell) for col, cell in zip(COLUMNS, row, strict=True)] for row in table
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    for row in rows:
        click.echo(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
