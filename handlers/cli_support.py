"""What the operator's commands share: settings, the database, the workspace they act on."""

from __future__ import annotations

import gc
import os
from datetime import date

import click
from slack_sdk.errors import SlackApiError

from bot.core.config import ConfigError, Settings
from bot.core.deps import Deps
from bot.core.periods import FIRST_YEAR, LAST_YEAR, OutOfRange, Period, parse


def deps_from_env(*required: str) -> Deps:
    settings = Settings.from_env()
    settings.require(*required)
    return Deps.build(settings)


def process_deps(*required: str) -> Deps:
    """What a long-running process (serve, scheduler, worker) needs: settings, the schema
    ready, and its workspaces' tokens: a distributed app's (OAuth: SLACK_CLIENT_ID and
    SLACK_CLIENT_SECRET, no SLACK_BOT_TOKEN) come from its installations, one workspace's
    SLACK_BOT_TOKEN is checked now. `required`: the settings the process needs beyond those."""
    settings = Settings.from_env()
    if not settings.slack_bot_token and (settings.slack_client_id or settings.slack_client_secret):
        settings.require("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", *required)
        deps = Deps.build(settings)
    else:
        settings.require("SLACK_BOT_TOKEN", *required)
        deps = Deps.build(settings)
        check_token(deps)
    prepare_database(deps)
    return deps


def on_startup(deps: Deps) -> None:
    """Once per process, before serving or running jobs: remember each workspace's metric
    config: a change is recorded with its time (past periods keep their scheme)."""
    from bot.kpi import scorecard

    for ws in deps.workspaces.installed():
        with deps.db.session() as session:
            scorecard.record_metric_config(session, ws.team_id, ws.config)


# Young collections ten times rarer (each still about a millisecond); older ones as often as
# before. Measured with the heap frozen: bench/bench_ack.py's docstring.
GC_THRESHOLDS = (7_000, 20, 20)


def settle_heap() -> None:
    """Once the app is built, just before answering Slack: move everything alive (the imported
    libraries, the app, ~120k objects) out of the collector's sight. A full collection walked
    them all, ~85 ms with every thread stopped, and that pause was the acks' p99 (3x the bare
    Bolt app's at 20 clients; 1.1-1.4x without it). They live as long as the process anyway."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def check_token(deps: Deps) -> str:
    """auth.test once at start: a wrong token fails now, with one line, not on first use. The
    workspace id it tells is the installed workspace's for the whole process."""
    try:
        deps.team_id = str(deps.client.auth_test()["team_id"])
        return deps.team_id
    except SlackApiError as exc:
        raise ConfigError(
            f"SLACK_BOT_TOKEN: Slack refused it ({exc.response.get('error')})"
        ) from None
    except OSError as exc:
        raise ConfigError(
            f"SLACK_API_URL: cannot reach {deps.settings.slack_api_url} ({exc})"
        ) from None


def prepare_database(deps: Deps) -> None:
    # SQLite is the embedded default: upgrade it on start. PostgreSQL is upgraded explicitly
    # with `salespulse migrate` (the Docker entrypoint does), so app replicas never race.
    if deps.db.url.startswith("sqlite"):
        deps.db.migrate()
    elif deps.db.current_revision() is None:
        raise ConfigError("DATABASE_URL: the database has no schema; run `salespulse migrate`")


def workspace_option(func):  # type: ignore[no-untyped-def]
    return click.option(
        "--team-id",
        envvar="SALESPULSE_TEAM_ID",
        help="Slack workspace id (T…); default: asked from Slack with SLACK_BOT_TOKEN.",
    )(func)


def team_id_of(deps: Deps, given: str | None) -> str:
    if given and deps.settings.distributed:
        return known_team(deps, given)  # an installed workspace, or one line naming them
    if given:
        deps.team_id = given  # SALESPULSE_TEAM_ID: an import without a token
        return given
    if not deps.settings.slack_bot_token:
        raise ConfigError(
            "--team-id (or SALESPULSE_TEAM_ID) is needed when SLACK_BOT_TOKEN is not set"
        )
    return check_token(deps)


LANGS = {"en": "en-US", "zh": "zh-CN"}  # --lang: the headers' language


def period_option(text: str, today: date, usage: str) -> Period:
    """A command's --period as /kpi reads it (`2026-Q3`, `last-month`, …), or one line naming
    what is wrong (exit 1); `usage` lists what the command takes."""
    try:
        found = parse(text, today)
    except OutOfRange:
        raise click.ClickException(
            f"--period {text!r}: years {FIRST_YEAR} to {LAST_YEAR} only"
        ) from None
    if found is None:
        raise click.ClickException(f"--period {text!r}: use {usage}")
    return found


def own_team(deps: Deps) -> str | None:
    """A single-workspace install's workspace: SALESPULSE_TEAM_ID, else what Slack says of
    SLACK_BOT_TOKEN; None when neither is set."""
    own = os.environ.get("SALESPULSE_TEAM_ID") or None
    if own is None and deps.settings.slack_bot_token:
        own = check_token(deps)
    return own


def known_team(deps: Deps, team_id: str) -> str:
    """`team_id`, when it is a workspace this deployment serves: an installed one (a
    distributed app) or the single install's own (SALESPULSE_TEAM_ID, else what Slack says
    of SLACK_BOT_TOKEN); otherwise one line saying which it could be."""
    if deps.settings.distributed:
        if deps.workspaces.for_team(team_id) is not None:
            return team_id
        installed = ", ".join(ws.team_id for ws in deps.workspaces.installed()) or "none yet"
        raise click.ClickException(
            f"--team-id {team_id}: not an installed workspace (installed: {installed})"
        )
    own = own_team(deps)
    if own is None:
        raise click.ClickException(
            "set SLACK_BOT_TOKEN (or SALESPULSE_TEAM_ID) so the workspace this install serves "
            "is known"
        )
    if team_id != own:
        raise click.ClickException(f"--team-id {team_id}: this install serves workspace {own} only")
    deps.team_id = own
    return team_id
