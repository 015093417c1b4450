"""The core's scheduled jobs (bot/features.py lists them with their triggers): delivering
the outbox and pruning old records. Features keep their jobs in their own packages."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlmodel import delete

from bot.core.deps import Deps
from bot.kpi.digest import queue_due
from storage.models.core import Claim, ProcessedEvent

log = logging.getLogger(__name__)


def deliver_outbox(deps: Deps, as_of: datetime) -> str:
    """Every tick (and at once when a process takes the scheduler lease): queue a due digest
    that is not queued yet, then send everything due."""
    caught_up = queue_due(deps, as_of)
    sent, failed = deps.sender.flush(deps.db)
    return f"sent {sent}, failed {failed}" + (f"; {caught_up}" if caught_up else "")


def housekeeping(deps: Deps, as_of: datetime) -> str:
    """Forget processed event ids and once-only claims after a week: Slack retries events
    within minutes, a trigger_id dies in seconds, and a modal is not kept open for days."""
    week_ago = as_of - timedelta(days=7)
    with deps.db.session() as session:
        events = session.exec(delete(ProcessedEvent).where(ProcessedEvent.received_at < week_ago))  # type: ignore[arg-type]
        claims = session.exec(delete(Claim).where(Claim.created_at < week_ago))  # type: ignore[arg-type]
        return f"forgot {events.rowcount} processed event ids and {claims.rowcount} claims"
