"""Scheduled jobs. Each is a module-level function taking (deps, as_of) and idempotent by
its own records, so a double run sends nothing twice. Features add theirs to JOBS."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import delete

from bot.core.config import AppConfig
from bot.core.deps import Deps, each_workspace
from bot.core.workspace import Workspace
from bot.feedback import public as public_praise
from bot.feedback import requests as feedback_requests
from bot.kpi.digest import queue_due, weekly_digest
from bot.kudos import service as kudos
from storage.db import Database
from storage.models.core import Claim, ProcessedEvent

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    id: str  # the APScheduler job id and the name for `salespulse jobs run`
    func: Callable[[Deps, datetime], str]  # returns a one-line summary of what it did
    trigger: Callable[[AppConfig], dict]  # APScheduler add_job trigger kwargs
    description: str


def deliver_outbox(deps: Deps, as_of: datetime) -> str:
    """Every tick (and at once when a process takes the scheduler lease): queue a due digest
    that is not queued yet, then send everything due."""
    return each_workspace(deps, lambda ws: _deliver_outbox_in(ws, deps.db, as_of))


def _deliver_outbox_in(ws: Workspace, db: Database, as_of: datetime) -> str:
    caught_up = queue_due(ws, db, as_of)
    sent, failed = ws.sender.flush(db, team_id=ws.team_id)
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


JOBS: tuple[Job, ...] = (
    Job(
        "deliver-outbox",
        deliver_outbox,
        lambda config: {"trigger": "interval", "minutes": 1},
        "send due messages and files; queue a due digest not yet queued",
    ),
    Job(
        "weekly-digest",
        weekly_digest,
        lambda config: {
            "trigger": "cron",
            "day_of_week": config.digest.weekday,
            "hour": int(config.digest.time[:2]),
            "minute": int(config.digest.time[3:]),
            "timezone": config.workspace.timezone,
        },
        "weekly KPI digest: team channels and each rep",
    ),
    Job(
        "housekeeping",
        housekeeping,
        lambda config: {"trigger": "cron", "hour": 3, "minute": 17},
        "prune old records",
    ),
    Job(
        "feedback-reminders",
        feedback_requests.remind_and_expire,
        lambda config: {"trigger": "cron", "hour": 10, "minute": 5},
        "remind peers of unanswered feedback requests once, expire old ones",
    ),
)


def find_job(job_id: str) -> Job | None:
    return next((job for job in JOBS if job.id == job_id), None)
