"""What the delivery tests share: a seeded sales org whose weekly digest is queued by the real
digest code, outbox rows in bulk, and questions about what reached the fake Slack."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text
from sqlmodel import col, select

from bot.core.config import AppConfig, Settings
from bot.core.deps import Deps
from bot.core.periods import keys_of
from bot.core.workspace import Workspace
from bot.kpi.digest import queue_digest, report_week
from bot.kpi.validation import FactRow
from bot.kpi.writer import write_facts
from demo.slack_emulator import FakeSlack
from storage.db import Database
from storage.models.core import Delivery, User
from storage.models.kpi import KpiTarget
from storage.types import utcnow
from tests.conftest import TEST_CONFIG


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


def real_digest(tmp_dir: Path, team_id: str, reps: int) -> list[dict[str, Any]]:
    """The outbox rows the real digest code queues for `reps` reps (in a database of its own,
    queued once per test session: 1,000 reps take most of a minute), to load into each test's
    database with `load_rows`."""
    settings = Settings(
        slack_bot_token="xoxb-test",
        slack_api_url="http://127.0.0.1:9/api/",  # queueing calls no Slack
        database_url=f"sqlite:///{tmp_dir / 'digest.db'}",
    )
    deps = Deps.build(settings, AppConfig.model_validate(TEST_CONFIG), team_id=team_id)
    deps.db.migrate()
    queue_week(deps.workspace(), deps.db, reps)
    with deps.db.session() as session:
        rows = session.exec(select(Delivery).order_by(col(Delivery.id))).all()
        found = [{f: getattr(r, f) for f in ROW_FIELDS} for r in rows]
    deps.db.dispose()
    return found


ROW_FIELDS = ("team_id", "key", "channel", "text", "blocks", "not_before")


def load_rows(db: Database, rows: list[dict[str, Any]]) -> None:
    now = utcnow()
    with db.session() as session:
        session.connection().execute(
            insert(Delivery),
            [{**r, "status": "pending", "next_attempt_at": now, "created_at": now} for r in rows],
        )


def accepted_dms(fake: FakeSlack) -> Counter[str]:
    """How many digest DMs each recipient got (posts Slack accepted)."""
    got: Counter[str] = Counter()
    for call in fake.calls_to("chat.postMessage"):
        channel = str(call.params.get("channel", ""))
        if (call.response or {}).get("ok") and channel.startswith("DUREP"):
            got[channel[1:]] += 1
    return got
