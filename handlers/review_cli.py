"""`salespulse review ...`: review cycles from the command line (HR's tools)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from bot.core.errors import UserFacingError
from bot.i18n import t
from handlers.cli_support import deps_from_env, prepare_database, team_id_of, workspace_option


@click.group()
def review() -> None:
    """Review cycles: start, status, close, export."""


def _fail(exc: UserFacingError) -> click.ClickException:
    """A domain refusal as one English line (exit status 1)."""
    return click.ClickException(t(exc.key, "en-US", **exc.params))


@review.command("close")
@click.argument("cycle", required=False)
@workspace_option
def review_close(cycle: str | None, team_id: str | None) -> None:
    """Close CYCLE (its id or exact name; default: the latest open cycle): open tasks stop
    and everyone gets their summary. Closing twice sends nothing twice."""
    from bot.features import summary_notes
    from bot.reviews.close import close_by_ref

    deps = deps_from_env()
    prepare_database(deps)
    ws = deps.workspace(team_id_of(deps, team_id))
    try:
        with deps.db.session() as session:
            closed = close_by_ref(ws, session, None, cycle, summary_notes())
    except UserFacingError as exc:
        raise _fail(exc) from None
    sent, failed = ws.sender.flush(deps.db, team_id=ws.team_id)
    click.echo(
        f"closed cycle {closed.cycle_id} ({closed.name}): {closed.cancelled} open task(s) "
        f"cancelled; summaries: {closed.reps} rep(s), {closed.managers} manager(s), "
        f"{closed.hr} HR; sent {sent}, failed {failed}"
    )


@review.command("export")
@click.argument("cycle", required=False)
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True
)
@click.option("--output", type=click.Path(path_type=Path, dir_okay=False), required=True)
@workspace_option
def review_export(cycle: str | None, fmt: str, output: Path, team_id: str | None) -> None:
    """Write CYCLE's reviews (one row per review, with the period's scorecard) to OUTPUT."""
    from bot.reviews.cycles import find_cycle
    from bot.reviews.export import export

    deps = deps_from_env()
    prepare_database(deps)
    ws = deps.workspace(team_id_of(deps, team_id))
    with deps.db.session() as session:
        found = find_cycle(session, ws.team_id, cycle)
        if found is None:
            key = "reviews.no_cycle" if cycle else "reviews.no_open_cycle"
            raise _fail(UserFacingError(key, ref=cycle or ""))
        count = export(session, ws.config, found, fmt, output)
    click.echo(f"exported {count} review row(s) of cycle {found.id} ({found.name}) to {output}")


def _csv(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


@review.command("start")
@click.option("--name", required=True, help='The cycle\'s name, e.g. "2026 Q4" (unique).')
@click.option("--kind", required=True, help="monthly, quarterly or annual.")
@click.option("--period", required=True, help="The period reviewed: 2026-11, 2026-Q4 or 2026.")
@click.option("--due", required=True, help="The due date, YYYY-MM-DD (today or later).")
@click.option("--teams", default=None, help="Comma-separated teams (key or name); default all.")
@click.option("--steps", default="self,manager", show_default=True, help="self,manager,peer")
@click.option("--peers", default=2, show_default=True, type=int, help="Peers each rep picks.")
@workspace_option
def review_start(
    name: str,
    kind: str,
    period: str,
    due: str,
    teams: str | None,
    steps: str,
    peers: int,
    team_id: str | None,
) -> None:
    """Open a review cycle: prints its id and the number of tasks created. Everyone with
    tasks gets one DM listing them. Bad arguments: one line, nothing created."""
    from bot.core.periods import local_date
    from bot.reviews import start
    from bot.reviews.cycles import CycleSpec

    deps = deps_from_env()
    prepare_database(deps)
    ws = deps.workspace(team_id_of(deps, team_id))
    try:
        due_day = date.fromisoformat(due)
    except ValueError:
        raise click.ClickException(t("reviews.start.bad_due", "en-US", due=due)) from None
    try:
        with deps.db.session() as session:
            spec = CycleSpec(
                name,
                kind,
                period,
                due_day,
                start.resolve_teams(ws, session, _csv(teams)),
                tuple(_csv(steps) or ()),
                peers,
            )
            today = local_date(ws.clock(), ws.config.workspace.timezone)
            cycle, tasks = start.start(ws, session, None, spec, today)
    except UserFacingError as err:
        raise _fail(err) from None
    sent, failed = ws.sender.flush(deps.db, team_id=ws.team_id)
    click.echo(
        f"opened cycle {cycle.id} “{cycle.name}”: {len(tasks)} tasks; sent {sent} DM(s), {failed} failed"
    )


@review.command("status")
@click.argument("cycle", required=False)
@workspace_option
def review_status(cycle: str | None, team_id: str | None) -> None:
    """Completion of CYCLE (its id or exact name; default: the latest open cycle) by team:
    done of all, the percentage, open and late."""
    from bot.core.periods import local_date
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
            raise _fail(err) from None
        today = local_date(ws.clock(), ws.config.workspace.timezone)
        rows = status.cycle_completion(session, ws.config, found, today, locale)
        counts = CycleCounts(found.name, found.due, rows)
    for line in status_lines(counts, locale):
        click.echo(line.replace("*", ""))
