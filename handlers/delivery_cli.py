"""`salespulse worker` (outbox delivery processes, any number) and `salespulse deliveries
failed` (what Slack refused for good, for the operator)."""

from __future__ import annotations

import signal

import click

from bot.core.config import ConfigError
from handlers.cli_support import deps_from_env, process_deps


@click.command()
def worker() -> None:
    """Deliver the outbox: claim due deliveries, send them paced per channel and workspace
    (shared with every other worker and the scheduler), retry 429 / 5xx. Run any number;
    SIGTERM or SIGINT stops one cleanly."""
    from bot.core.worker import Worker

    running = Worker(process_deps())
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: running.stop())
    total = running.run()
    click.echo(f"worker stopped: {total.sent} sent, {total.failed} refused by Slack")


@click.group()
def deliveries() -> None:
    """The outbox (messages the bot must deliver exactly once)."""


@deliveries.command("failed")
@click.option("--team-id", help="Only this Slack workspace (T…).")
def deliveries_failed(team_id: str | None) -> None:
    """List deliveries Slack refused for good (newest first): team, key, channel, attempts,
    reason and when."""
    from bot.core.outbox import failed

    deps = deps_from_env()
    if deps.db.current_revision() is None:
        raise ConfigError("DATABASE_URL: the database has no schema; run `salespulse migrate`")
    with deps.db.session() as session:
        rows = failed(session, team_id)
    if not rows:
        where = f" in workspace {team_id}" if team_id else ""
        click.echo(f"no failed deliveries{where}")
        return
    click.echo(f"{'team':<12} {'key':<40} {'channel':<14} attempts  {'reason':<20} failed at")
    for row in rows:
        when = row.next_attempt_at.isoformat(timespec="seconds")
        click.echo(
            f"{row.team_id:<12} {row.key:<40} {row.channel:<14} {row.attempts:>8}  "
            f"{row.last_error or '':<20} {when}"
        )
