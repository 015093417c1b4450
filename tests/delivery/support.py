"""What the delivery tests share: a seeded sales org whose weekly digest is queued by the real
digest code, outbox rows in bulk, and questions about what reached the fake Slack."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import insert, text

from bot.core.periods import keys_of
from bot.core.workspace import Workspace
from bot.kpi.digest import queue_digest, report_week
from bot.kpi.validation import FactRow
from bot.kpi.writer import write_facts
from demo.slack_emulator import FakeSlack
from storage.db import Database
from storage.models.core import User
from storage.models.kpi import KpiTarget
from storage.types import utcnow


def rep_id(i: int) -> str:
    return f"UREP{i:05d}"


def seed_reps(db: Database, team_id: str, reps: int, as_of: datetime, config) -> None:  # type: ignore[no-untyped-def]
    """`reps` reps in a team without a channel (so the digest is their DMs), each with one
    revenue fact in the week the digest of `as_of` reports, and a team target."""
    last_day, _week, month = report_week(config, as_of)
    now = utcnow()
    with db.session() as session:
        session.connection().execute(
            insert(User),
            [
                {
                    "team_id": team_id,
                    "slack_id": rep_id(i),
                    "name": f"Rep {i}",
                    "team": "field",
                    "role": "rep",
                    "source": "org",
                    "is_bot": False,
                    "deactivated": False,
                    "locale": "en-US",
                    "timezone": "UTC",
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(reps)
            ],
        )
        ids = session.connection().execute(
            text("SELECT id FROM users WHERE team_id = :t ORDER BY id"), {"t": team_id}
        )
        rows = [
            FactRow(n, user_id, "revenue", last_day, (1000 + n) * 10**6, None, keys_of(last_day))
            for n, (user_id,) in enumerate(ids, start=2)
        ]
        write_facts(session, team_id, rows)
        session.add(
            KpiTarget(
                team_id=team_id,
                period=month.key,
                sales_team="field",
                metric="revenue",
                target=5000 * 10**6,
            )
        )


def queue_week(ws: Workspace, db: Database, reps: int) -> datetime:
    """Seed `reps` reps and queue the digest of the week before last (every DM due now)."""
    as_of = utcnow() - timedelta(days=7)
    seed_reps(db, ws.team_id, reps, as_of, ws.config)
    queued = queue_digest(ws, db, as_of)
    assert queued is not None and queued[0] == reps, queued
    return as_of


def accepted_dms(fake: FakeSlack) -> Counter[str]:
    """How many digest DMs each recipient got (posts Slack accepted)."""
    got: Counter[str] = Counter()
    for call in fake.calls_to("chat.postMessage"):
        channel = str(call.params.get("channel", ""))
        if (call.response or {}).get("ok") and channel.startswith("DUREP"):
            got[channel[1:]] += 1
    return got
