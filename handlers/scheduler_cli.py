"""`salespulse scheduler` (the leased scheduler alone, no HTTP) and `salespulse jobs …`."""

from __future__ import annotations

import signal
import threading
from datetime import UTC, datetime
from types import FrameType

import click

from bot.core.config import Settings
from bot.core.deps import Deps
from bot.core.workspace import Workspace
from handlers.as_of import AS_OF_HELP, job_time, parse_as_of
from handlers.cli_support import (
    deps_from_env,
    on_startup,
    prepare_database,
    process_deps,
    team_id_of,
)


@click.command()
def scheduler() -> None:
    """Run the scheduled jobs of every installed workspace (no HTTP). Run one or more: one
    holds the lease in the database and runs the jobs, the others stand by and take over
    within a minute when it dies. Stops cleanly on SIGTERM, handing the lease over."""
    from bot.scheduler import LeasedScheduler

    deps = process_deps()
    on_startup(deps)
    stopping = threading.Event()

    def stop(signum: int, _frame: FrameType | None) -> None:
        click.echo(f"scheduler: {signal.Signals(signum).name}, stopping", err=True)
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    leased = LeasedScheduler(deps)
    leased.start()
    try:
        while not stopping.wait(1):  # short waits: signals are handled in the main thread
            pass
    finally:
        leased.shutdown()


@click.group()
def jobs() -> None:
    """Scheduled jobs (one set per installed workspace, in its own time zone and config)."""


@jobs.command("list")
@click.option("--team-id", help="Only this workspace's jobs (T…).")
def jobs_list(team_id: str | None) -> None:
    """Show the scheduled jobs and their next run times, from the config: a single-workspace
    install reads SALESPULSE_CONFIG only (no scheduler, no database); a distributed app lists
    each installed workspace's jobs (`weekly-digest@T123`) with its own config."""
    from bot.scheduler import next_runs, scheduled_id

    settings = Settings.from_env()
    if settings.distributed:
        deps = deps_from_env()
        workspaces = _installed(deps, team_id)
        plans = [(ws.team_id, ws.config) for ws in workspaces]
    else:
        plans = [(team_id, settings.load_config())]
    now = datetime.now(UTC)
    for team, config in plans:
        for job, when in next_runs(config, now):
            shown = when.isoformat(timespec="seconds") if when else "never"
            click.echo(f"{scheduled_id(job.id, team):<20} next {shown:<28} {job.description}")


def _installed(deps: Deps, team_id: str | None) -> list[Workspace]:
    """The installed workspaces, or the one named; one line when it is not installed."""
    if deps.db.current_revision() is None:
        raise click.ClickException(
            "DATABASE_URL: the database has no schema; run `salespulse migrate`"
        )
    if team_id is None:
        return deps.workspaces.installed()
    found = deps.workspaces.for_team(team_id)
    if found is None:
        raise click.ClickException(f"workspace {team_id} is not installed")
    return [found]


@jobs.command("run")
@click.argument("name")
@click.option("--as-of", "as_of", help=f"Run as of {AS_OF_HELP}.")
@click.option(
    "--team-id",
    envvar="SALESPULSE_TEAM_ID",
    help="Only for this workspace (T…); NAME@T… says the same. Default: every installed one.",
)
def jobs_run(name: str, as_of: str | None, team_id: str | None) -> None:
    """Run job NAME now (same code and records as the scheduled run)."""
    from bot import features

    name, _, named_team = name.partition("@")
    if named_team and team_id and named_team != team_id:
        raise click.ClickException(
            f"{name}@{named_team} and --team-id {team_id}: give one workspace"
        )
    team_id = named_team or team_id
    job = features.find_job(name)
    if job is None:
        names = ", ".join(j.id for j in features.jobs())
        raise click.ClickException(f"unknown job {name!r}; jobs are: {names}")
    try:
        day = parse_as_of(as_of) if as_of is not None else None
    except ValueError:
        raise click.ClickException(f"--as-of {as_of!r}: use {AS_OF_HELP}") from None
    deps = deps_from_env()
    prepare_database(deps)
    if team_id:
        if not deps.settings.distributed:
            team_id_of(deps, team_id)
        [ws] = _installed(deps, team_id)
        deps = deps.only(team_id)
        deps.config = ws.config  # a date in --as-of ends in that workspace's time zone
    when = job_time(deps, day)
    click.echo(f"{name}: {job.func(deps, when)}")
