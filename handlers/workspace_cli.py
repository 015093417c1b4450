"""`salespulse workspace list | purge T…`: the workspaces that installed the app (OAuth), and
removing everything an uninstalled one left behind."""

from __future__ import annotations

import re
from datetime import datetime

import click

from handlers.cli_support import deps_from_env, own_team, prepare_database

TEAM_ID = re.compile(r"T[A-Z0-9]{2,31}")


def _day(when: datetime | None) -> str:
    return when.strftime("%Y-%m-%d %H:%M UTC") if when is not None else "-"


@click.group()
def workspace() -> None:
    """Workspaces that installed the app (distributed via OAuth)."""


@workspace.command("list")
def workspace_list() -> None:
    """Each workspace: team id, name, installed or uninstalled (with dates), config source."""
    from storage.workspaces import list_workspaces

    deps = deps_from_env()
    prepare_database(deps)
    with deps.db.session() as session:
        rows = list_workspaces(session)
    if not rows:
        click.echo("no workspace has installed the app")
    for row in rows:
        state = (
            f"uninstalled {_day(row.uninstalled_at)} (installed {_day(row.installed_at)})"
            if row.uninstalled_at
            else f"installed {_day(row.installed_at)}"
        )
        config = f"config: {row.own_config}" if row.own_config else "config: default file"
        click.echo(f"{row.team_id:<12} {row.name or '-':<30} {state}; {config}")


@workspace.command("purge")
@click.argument("team_ids", nargs=-1, required=True, metavar="T…")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def workspace_purge(team_ids: tuple[str, ...], yes: bool) -> None:
    """Delete every row of uninstalled workspaces T… (all of them in one transaction)."""
    from storage.workspaces import StillInstalled, count_rows, purge_workspace

    bad = [t for t in team_ids if not TEAM_ID.fullmatch(t)]
    if bad:
        raise click.ClickException(
            f"{bad[0]!r} is not a workspace id: use the team id, e.g. T012AB3C4 "
            "(see `salespulse workspace list`)"
        )
    deps = deps_from_env()
    prepare_database(deps)
    # a single-workspace install's own has no installation row to say it is still installed
    own = None if deps.settings.distributed else own_team(deps)
    if own in team_ids:
        raise click.ClickException(
            f"{own} is the workspace this install serves (SLACK_BOT_TOKEN): stop the bot and "
            "remove the app from that workspace first (nothing was deleted)"
        )
    if not yes:
        with deps.db.session() as session:
            rows = {t: count_rows(session, t) for t in team_ids}
        listed = ", ".join(f"{t} ({n} rows)" for t, n in rows.items())
        click.confirm(f"Delete all data of {listed}? This cannot be undone", abort=True)
    try:
        with deps.db.session() as session:
            done = {t: purge_workspace(session, t) for t in team_ids}
    except StillInstalled as exc:
        raise click.ClickException(
            f"{exc} is still installed: uninstall the app from that workspace first "
            "(nothing was deleted)"
        ) from None
    for team_id, counts in done.items():
        total = sum(counts.values())
        details = ", ".join(f"{table} {n}" for table, n in sorted(counts.items()))
        click.echo(f"purged {team_id}: {total} rows" + (f" ({details})" if details else ""))
