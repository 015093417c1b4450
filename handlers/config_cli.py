"""`salespulse config import|show --team-id T`: a workspace's own config, stored in the
database (bot/core/stored_config.py). A bad file is one line (`FILE: [section.key] problem`,
exit 1) and changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from bot.core.config import AppConfig, ConfigError
from bot.core.stored_config import store, stored
from bot.kpi import scorecard
from handlers.cli_support import deps_from_env, known_team, prepare_database

TEAM_OPTION = click.option(
    "--team-id", required=True, help="The Slack workspace id (T…) the config is for."
)


@click.group()
def config() -> None:
    """Each workspace's own config (the SALESPULSE_CONFIG file is the default)."""


@config.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@TEAM_OPTION
def config_import(file: Path, team_id: str) -> None:
    """Store FILE.toml as the config of workspace --team-id, replacing its earlier one;
    validated exactly as the SALESPULSE_CONFIG file is. Running processes use it within
    seconds."""
    text = _read(file)
    try:
        AppConfig.parse(text, str(file))  # before any setting or database is touched
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    deps = deps_from_env()
    prepare_database(deps)
    known_team(deps, team_id)
    now = datetime.now(UTC)
    with deps.db.session() as session:
        parsed = store(session, team_id, text, file.name, now)
        # The KPI scheme change is dated now, as a restart with a new file dates it then.
        changed = scorecard.record_metric_config(session, team_id, parsed, now)
    metrics = ", ".join(m.key for m in parsed.metrics)
    click.echo(f"stored the config of {team_id} from {file}")
    click.echo(f"  metrics: {len(parsed.metrics)} ({metrics})")
    click.echo(f"  teams: {len(parsed.teams)}")
    click.echo(
        f"  time zone: {parsed.workspace.timezone}, language: {parsed.workspace.default_locale}"
    )
    click.echo(
        "  KPI scheme: changed, in force from now on" if changed else "  KPI scheme: unchanged"
    )


@config.command("show")
@TEAM_OPTION
def config_show(team_id: str) -> None:
    """Print the config workspace --team-id uses: its stored TOML, or where its default is."""
    deps = deps_from_env()
    prepare_database(deps)
    known_team(deps, team_id)
    with deps.db.session() as session:
        row = stored(session, team_id)
    if row is None:
        path = deps.settings.config_path()
        if path is None:
            click.echo(f"{team_id} has no config of its own: it uses the built-in defaults")
        else:
            click.echo(f"{team_id} has no config of its own: it uses the default file {path}")
        return
    when = row.imported_at.isoformat(timespec="seconds")
    click.echo(f"# the config of {team_id}, imported from {row.source or '?'} at {when}")
    click.echo(row.toml.rstrip("\n"))


def _read(file: Path) -> str:
    try:
        return file.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise click.ClickException(f"{file}: no such file") from None
    except IsADirectoryError:
        raise click.ClickException(f"{file}: a directory, not a TOML file") from None
    except UnicodeDecodeError:
        raise click.ClickException(f"{file}: not UTF-8 text (save it as UTF-8)") from None
