"""The core's scheduled jobs (bot/features.py lists them with their triggers): delivering
the outbox and pruning old records. Features keep their jobs in their own packages."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlmodel import delete

from bot.core.deps import Deps, each_workspace
from bot.core.workspace import Workspace
from bot.feedback import public as public_praise
from bot.kpi.digest import RepNote, queue_due
from bot.kudos import service as kudos
from storage.db import Database
from storage.models.core import Claim, ProcessedEvent

log = logging.getLogger(__name__)


def deliver_outbox(deps: Deps, as_of: datetime, notes: Sequence[RepNote] = ()) -> str:
    """Every tick (and at once when a process takes the scheduler lease): queue a due digest
    that is not queued yet (with the features' `notes` for reps), then send everything due."""
    return each_workspace(deps, lambda ws: _deliver_outbox_in(ws, deps.db, as_of, notes))


def _deliver_outbox_in(
    ws: Workspace, db: Database, as_of: datetime, notes: Sequence[RepNote]
) -> str:
    caught_up = queue_due(ws, db, as_of, notes)
    sent, failed = ws.sender.flush(db, team_id=ws.team_id, as_of=as_of)
    # cards that went out only now: their recipients' DMs link them (a unit each, after commit)
    kudos.announce_late(ws, db)
    public_praise.publish_late(ws, db)
    return f"sent {sent}, failed {failed}" + (f"; {caught_up}" if caught_up else "")


def housekeeping(deps: Deps, as_of: datetime) -> str:
    """Forget processed event ids and once-only claims after a week: Slack retries events
    within minutes, a trigger_id dies in seconds, and a modal is not kept open for days."""
    return each_workspace(deps, lambda ws: _housekeeping_in(ws, deps.db, as_of))


def _housekeeping_in(ws: Workspace, db: Database, as_of: datetime) -> str:
    week_ago = as_of - timedelta(days=7)
    with db.session() as session:
        events = session.exec(
            delete(ProcessedEvent).where(  # type: ignore[arg-type]
                ProcessedEvent.team_id == ws.team_id, ProcessedEvent.received_at < week_ago
            )
        )
        claims = session.exec(
            delete(Claim).where(Claim.team_id == ws.team_id, Claim.created_at < week_ago)  # type: ignore[arg-type]
        )
        return f"forgot {events.rowcount} processed event ids and {claims.rowcount} claims"
