"""`salespulse ...`: the operator's commands. Each fails with one clear line, not a traceback,
when a setting is missing or malformed."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from time import monotonic as time_monotonic

import click
from sqlmodel import Session
from tqdm import tqdm

from bot.core.config import ConfigError
from bot.core.periods import local_date
from bot.core.workspace import Workspace
from handlers.api_token_cli import api_token
from handlers.calibration_cli import calibration
from handlers.career_cli import career
from handlers.cli_support import (
    check_token,
    deps_from_env,
    on_startup,
    prepare_database,
    process_deps,
    settle_heap,
    team_id_of,
    workspace_option,
)
from handlers.config_cli import config
from handlers.delivery_cli import deliveries, worker
from handlers.export_cli import export
from handlers.review_cli import review
from handlers.scheduler_cli import jobs, scheduler
from handlers.workspace_cli import workspace

log = logging.getLogger("salespulse")


def _setup_logging() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """SalesPulse: continuous feedback and sales performance in Slack."""
    _setup_logging()


@cli.command()
@click.option("--host", default="0.0.0.0", show_default=True, help="Interface to listen on.")
@click.option("--port", default=3000, show_default=True, type=int, help="TCP port.")
@click.option(
    "--with-scheduler",
    is_flag=True,
    help="Also run the scheduled jobs here (a single node; bin/run does). Without it, run "
    "`salespulse scheduler` separately: serve replicas are then stateless.",
)
def serve(host: str, port: int, with_scheduler: bool) -> None:
    """Run the HTTP server (Slack Events API, interactivity, commands at /slack/events)."""
    import uvicorn

    from bot.scheduler import LeasedScheduler
    from handlers.app import build_app
    from handlers.web import create_web_app

    deps = process_deps("SLACK_SIGNING_SECRET")
    on_startup(deps)
    from bot.kpi.api import routes as kpi_routes

    web = create_web_app(build_app(deps), deps, extra_routes=kpi_routes(deps))
    leased = LeasedScheduler(deps) if with_scheduler else None
    if leased is not None:
        leased.start()
    settle_heap()
    try:
        uvicorn.run(web, host=host, port=port, log_level="info", access_log=False)
    finally:
        if leased is not None:
            leased.shutdown()


@cli.command()
def socket() -> None:
    """Run over Socket Mode (SLACK_APP_TOKEN): no public URL needed."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.scheduler import LeasedScheduler
    from handlers.app import build_app

    deps = deps_from_env("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN")
    check_token(deps)
    prepare_database(deps)
    on_startup(deps)
    leased = LeasedScheduler(deps)  # Socket Mode is a single node: it runs the jobs too
    leased.start()
    handler = SocketModeHandler(build_app(deps), deps.settings.slack_app_token)
    settle_heap()
    try:
        handler.start()
    finally:
        leased.shutdown()


def _process_age() -> float:
    """Seconds since this process started (Linux /proc), so the demo's startup time includes
    Python's own start and imports; 0 where /proc is not available."""
    try:
        fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return max(0.0, uptime - int(fields[19]) / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return 0.0


@cli.command()
@click.option(
    "--keep",
    type=click.Path(file_okay=False, path_type=Path),
    help="Keep the demo database, log and files in this directory (default: a temp dir, deleted).",
)
@click.option(
    "--script",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="Run console commands from FILE (- for stdin); exit 1 at the first failing line.",
)
@click.option(
    "--today",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Run the demo as if today were this day (default: the real date).",
)
def demo(keep: Path | None, script: Path | None, today: datetime | None) -> None:
    """Try the whole bot in a terminal: a throwaway workspace, demo data and a Slack
    emulator. No Slack app or credentials needed (Slack settings in the environment are ignored)."""
    started = time_monotonic() - _process_age()
    if script is not None and str(script) != "-" and not script.is_file():
        raise click.ClickException(f"{script}: no such file")
    from demo import run_demo

    try:
        status = run_demo(
            keep=keep, script=script, started=started, today=today.date() if today else None
        )
    except FileExistsError as exc:
        raise click.ClickException(str(exc)) from None
    sys.exit(status)


@cli.command()
def migrate() -> None:
    """Upgrade the database schema to the newest version."""
    deps = deps_from_env()
    deps.db.migrate()
    click.echo(f"database at revision {deps.db.current_revision()}")


@cli.group()
def org() -> None:
    """The org directory (people, teams, managers, roles)."""


@contextmanager
def _importing(file: Path, team_id: str | None) -> Iterator[tuple[Workspace, Session]]:
    """What every import needs: settings, a migrated database, the workspace and one
    transaction; an unreadable file becomes one clear line."""
    from bot.core.tabular import FileFormatError

    deps = deps_from_env()
    prepare_database(deps)
    ws = deps.workspace(team_id_of(deps, team_id))
    try:
        with deps.db.session() as session:
            yield ws, session
    except FileFormatError as exc:
        where = f"{file}:{exc.line}" if exc.line else str(file)
        raise click.ClickException(f"{where}: {exc}") from None


def _print_problems(file: Path, errors: list[tuple[int, str]], limit: int = 1000) -> None:
    """Every bad row as `file:line: problem` (the first `limit`; a huge bad file stays readable)."""
    for line, problem in errors[:limit]:
        click.echo(f"{file}:{line}: {problem}", err=True)
    if len(errors) > limit:
        click.echo(f"... and {len(errors) - limit} more problem(s)", err=True)


@org.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@workspace_option
def org_import(file: Path, team_id: str | None) -> None:
    """Import people from FILE (CSV or XLSX): slack_id,name,email,team,manager,role
    [,title,level,hire_date,timezone,locale]. All rows or none."""
    from bot.org.importer import import_org

    with _importing(file, team_id) as (ws, session):
        result = import_org(
            session, ws.team_id, file, progress=lambda rows: tqdm(rows, unit=" rows", leave=False)
        )
        if not result.ok:
            session.rollback()
    _print_problems(file, result.errors)
    if not result.ok:
        raise click.ClickException(f"{len(result.errors)} problem(s); nothing was imported")
    click.echo(
        f"imported {file}: {result.created} new, {result.updated} updated, {result.unchanged} unchanged"
    )


@cli.group()
def kpi() -> None:
    """KPI facts (daily values per person and metric)."""


@kpi.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--skip-invalid", is_flag=True, help="Import the good rows and report the rest.")
@click.option(
    "--allow-duplicates",
    is_flag=True,
    help="Import rows without a ref even when equal facts are already stored.",
)
@workspace_option
def kpi_import(file: Path, skip_invalid: bool, allow_duplicates: bool, team_id: str | None) -> None:
    """Import facts from FILE (CSV or XLSX): date,user,metric,value[,ref]. A row whose ref was
    imported before replaces it; rows without a ref are added, so a file whose ref-less rows
    equal stored facts is refused unless --allow-duplicates. Any bad row rejects the file
    unless --skip-invalid."""
    from bot.kpi import scorecard
    from bot.kpi.facts import import_file

    with _importing(file, team_id) as (ws, session):
        today = local_date(ws.clock(), ws.config.workspace.timezone)
        writing = tqdm(unit=" rows", desc="writing", leave=False, disable=None)
        result = import_file(
            session,
            ws.team_id,
            ws.config,
            file,
            today,
            skip_invalid=skip_invalid,
            allow_duplicates=allow_duplicates,
            read_progress=lambda rows: tqdm(
                rows, unit=" rows", desc="checking", leave=False, disable=None
            ),
            write_progress=writing.update,
        )
        writing.close()
        if (result.errors and not skip_invalid) or result.duplicates:
            session.rollback()
        else:
            scorecard.warm_up(session, ws.config, ws.team_id, today)
    _print_problems(file, result.errors)
    if result.errors and not skip_invalid:
        raise click.ClickException(
            f"{len(result.errors)} problem(s); nothing was imported "
            "(fix them, or use --skip-invalid to import the good rows)"
        )
    if result.duplicates:
        raise click.ClickException(
            f"{file}: {result.duplicates} row(s) without a ref equal facts already stored "
            "(same date, user, metric and value; imported before?); nothing was imported "
            "(use --allow-duplicates to add them anyway)"
        )
    skipped = f", {len(result.errors)} problem(s) skipped" if result.errors else ""
    click.echo(
        f"imported {file}: {result.imported} new, {result.replaced} replaced (same ref){skipped}"
    )


@cli.group()
def targets() -> None:
    """KPI targets per period, for people or sales teams."""


@targets.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@workspace_option
def targets_import(file: Path, team_id: str | None) -> None:
    """Import targets from FILE (CSV or XLSX): period,scope,metric,target. period: 2026-11,
    2026-Q4, 2026 or 2026-W48; scope: a slack_id or email, or team:<name>. All or nothing."""
    from bot.kpi.targets import import_targets

    with _importing(file, team_id) as (ws, session):
        result = import_targets(
            session,
            ws.team_id,
            ws.config,
            file,
            progress=lambda rows: tqdm(rows, unit=" rows", leave=False),
        )
        if not result.ok:
            session.rollback()
    _print_problems(file, result.errors)
    if not result.ok:
        raise click.ClickException(f"{len(result.errors)} problem(s); nothing was imported")
    click.echo(f"imported {file}: {result.written} target(s)")


kpi.add_command(calibration)
cli.add_command(review)
cli.add_command(career)
cli.add_command(export)
cli.add_command(workspace)
cli.add_command(config)
cli.add_command(api_token)
cli.add_command(scheduler)
cli.add_command(jobs)
cli.add_command(worker)
cli.add_command(deliveries)


def main() -> None:
    try:
        cli(standalone_mode=True)
    except ConfigError as exc:
        click.echo(f"salespulse: {exc}", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
