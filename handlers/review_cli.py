"""`salespulse review ...`: review cycles from the command line (HR's tools)."""

from __future__ import annotations

import click

from handlers.cli_support import deps_from_env, prepare_database, team_id_of, workspace_option


@click.group()
def review() -> None:
    """Review cycles: start, status, close, export."""


@review.command("status")
@click.argument("cycle", required=False)
@workspace_option
def review_status(cycle: str | None, team_id: str | None) -> None:
    """Completion of CYCLE (its id or exact name; default: the latest open cycle) by team:
    done of all, the percentage, open and late."""
    from bot.core.errors import UserFacingError
    from bot.core.periods import local_date
    from bot.i18n import t
    from bot.reviews import status
    from bot.reviews.status_views import CycleCounts, status_lines

    deps = deps_from_env()
    prepare_database(deps)
    ws = deps.workspace(team_id_of(deps, team_id))
    locale = "en-US"
    with deps.db.session() as session:
        try:
            found = status.status_cycle(session, ws.team_id, None, cycle)
        except UserFacingError as err:
            raise click.ClickException(t(err.key, locale, **err.params)) from None
        today = local_date(ws.clock(), ws.config.workspace.timezone)
        rows = status.cycle_completion(session, ws.config, found, today, locale)
        counts = CycleCounts(found.name, found.due, rows)
    for line in status_lines(counts, locale):
        click.echo(line.replace("*", ""))
