"""`salespulse api-token create|list|revoke`: the KPI API's tokens, one workspace each
(bot/core/api_tokens.py). A token is printed once, at creation; only its hash is kept."""

from __future__ import annotations

from datetime import UTC, datetime

import click

from bot.core import api_tokens
from handlers.cli_support import deps_from_env, known_team, prepare_database


@click.group("api-token")
def api_token() -> None:
    """Tokens for the KPI API (POST /api/v1/kpi), each for one workspace."""


@api_token.command("create")
@click.option("--team-id", required=True, help="The Slack workspace id (T…) the token writes to.")
def create(team_id: str) -> None:
    """Create a token for workspace --team-id and print it (only this once)."""
    deps = deps_from_env()
    prepare_database(deps)
    known_team(deps, team_id)
    with deps.db.session() as session:
        token, row = api_tokens.create(session, team_id, datetime.now(UTC))
    click.echo(token)
    click.echo(
        f"created {row.prefix}… for {team_id}: store it now, it is not shown again "
        f"(send it as Authorization: Bearer <token>)",
        err=True,
    )


@api_token.command("list")
@click.option("--team-id", required=True, help="The Slack workspace id (T…).")
def list_tokens(team_id: str) -> None:
    """The workspace's tokens: prefix, created, revoked."""
    deps = deps_from_env()
    prepare_database(deps)
    with deps.db.session() as session:
        rows = api_tokens.listed(session, team_id)
    if not rows:
        click.echo(f"{team_id} has no API tokens")
        return
    for row in rows:
        created = row.created_at.isoformat(timespec="seconds")
        state = (
            f"revoked {row.revoked_at.isoformat(timespec='seconds')}"
            if row.revoked_at
            else "active"
        )
        click.echo(f"{row.prefix:<14} created {created}  {state}")


@api_token.command("revoke")
@click.argument("token")
@click.option("--team-id", default=None, help="Only look among this workspace's tokens.")
def revoke(token: str, team_id: str | None) -> None:
    """Revoke TOKEN (the whole token, or its prefix as `list` shows it): it stops working at
    once on every server."""
    deps = deps_from_env()
    prepare_database(deps)
    try:
        with deps.db.session() as session:
            done = api_tokens.revoke(session, token, datetime.now(UTC), team_id)
    except api_tokens.TokenNotFound as exc:
        raise click.ClickException(str(exc)) from None
    row = done.token
    if done.now:
        click.echo(f"revoked {row.prefix}… of {row.team_id}")
    else:
        when = row.revoked_at.isoformat(timespec="seconds") if row.revoked_at else "?"
        click.echo(f"{row.prefix}… of {row.team_id} was already revoked at {when}")
